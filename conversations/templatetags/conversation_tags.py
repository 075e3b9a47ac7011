"""Template tags of conversations: per-viewer message controls, and the "send a message"
and block controls that other apps' pages (a profile) include.

The control rules run again in static/js/live-conversation.js on messages that arrive live
(rendered once for everybody), so the DOM after a live update equals the DOM after a reload.
"""

from django import template
from django.utils.safestring import mark_safe

from conversations import queries

register = template.Library()


def control_visible(rule: str, context) -> bool:
    viewer_id = context.get("viewer_id")
    message = context["message"]
    if rule == "quote":
        return viewer_id is not None
    if rule == "author":
        return viewer_id is not None and message.author_id == viewer_id
    if rule == "report":
        return viewer_id is not None and message.author_id != viewer_id
    raise template.TemplateSyntaxError(f"Unknown control rule {rule!r}")


@register.simple_tag(takes_context=True)
def message_hidden_unless(context, rule: str) -> str:
    return "" if control_visible(rule, context) else mark_safe(" hidden")


@register.inclusion_tag("conversations/_contact_controls.html", takes_context=True)
def contact_controls(context, member):
    """ "Send a message" (when the contact rules let the viewer write to ``member``) and
    block/unblock, for the member's profile."""
    user = context["request"].user
    own = user.is_authenticated and user.pk == member.pk
    blocking = not own and user.is_authenticated and queries.is_blocked_by(user, member)
    return {
        "member": member,
        "own": own,
        "can_message": not own and queries.may_contact(user, member),
        "blocking": blocking,
        "csrf_token": context.get("csrf_token"),
        "signed_in": user.is_authenticated and user.is_verified,
    }

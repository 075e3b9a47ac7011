"""Template tags of the forums: per-viewer visibility of post controls.

The same rules run in static/js/live-topic.js on posts that arrive live (rendered once for
everybody), so that a page updated live has the same DOM as the page after a reload.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()


def control_visible(rule: str, context) -> bool:
    viewer_id = context.get("viewer_id")
    post = context["post"]
    if rule == "helpful":
        return bool(context.get("can_mark_helpful")) and post.author_id != viewer_id
    if rule == "reply":
        return bool(context.get("can_reply"))
    if rule == "accept":
        return bool(context.get("can_accept"))
    if rule == "flag":  # anyone who reads the board may flag someone else's post
        return bool(context.get("can_mark_helpful")) and post.author_id != viewer_id
    if rule == "moderate":
        return bool(context.get("can_moderate"))
    if rule == "author":
        return bool(context.get("can_reply")) and post.author_id == viewer_id
    if rule == "message":  # a private message to the author (its page applies the contact rules)
        return viewer_id is not None and post.author_id != viewer_id
    raise template.TemplateSyntaxError(f"Unknown control rule {rule!r}")


@register.simple_tag(takes_context=True)
def hidden_unless(context, rule: str) -> str:
    return "" if control_visible(rule, context) else mark_safe(" hidden")


_PLACEHOLDER = "987654321"
_paths: dict[str, str] = {}


@register.simple_tag
def path_to(name: str, object_id) -> str:
    """``{% url name id %}`` for URLs that take one id, reversed once per name: a post renders
    ten links, and reversing each one is a large part of a topic page's time (bench/pages)."""
    pattern = _paths.get(name)
    if pattern is None:
        pattern = _paths[name] = reverse(name, args=[_PLACEHOLDER])
    return pattern.replace(_PLACEHOLDER, str(int(object_id)), 1)

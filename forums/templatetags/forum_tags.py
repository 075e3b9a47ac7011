"""Template tags of the forums: per-viewer visibility of post controls, and fast post links.

Which controls a viewer sees is decided by ``forums.permissions.control_allowed`` from the
``post_controls`` the view puts in the context (``permissions.post_controls_for``). A post
rendered once for everybody (a live event) has none, so every control starts hidden; the page's
script reveals them from the same data, received with the page through ``json_script``.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from forums import fragments
from forums.permissions import POST_CONTROLS, control_allowed, post_states

register = template.Library()


def control_visible(rule: str, context) -> bool:
    if rule not in POST_CONTROLS:
        raise template.TemplateSyntaxError(f"Unknown control rule {rule!r}")
    controls = context.get("post_controls")
    if not controls:
        return False
    post = context["post"]
    return control_allowed(
        rule, controls["abilities"], controls["viewer_id"], post.author_id, post_states(post)
    )


@register.simple_tag(takes_context=True)
def hidden_unless(context, rule: str) -> str:
    return "" if control_visible(rule, context) else mark_safe(" hidden")


@register.filter
def states_of(post) -> str:
    """The post's facts that controls depend on, for its ``data-post-states`` attribute."""
    return " ".join(post_states(post))


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


@register.simple_tag(takes_context=True)
def topic_unread_badge(context, topic) -> str:
    """The reader's unread badge; a placeholder in a row rendered once for everybody."""
    if context.get("shared_row"):
        return mark_safe(fragments.UNREAD_PLACEHOLDER)  # noqa: S308 - a constant comment
    return fragments.unread_badge(topic)


@register.simple_tag
def topic_rows(topics, show_board: bool = False) -> str:
    """The rows of a topic list (``forums/_topic_row.html``), from the fragment cache."""
    return fragments.topic_rows(list(topics), show_board)

"""Template tags for moderated posts: whether the viewer may read a hidden post.

Posts rendered once for everybody (live events) have no viewer in their context, so a hidden
post renders as its placeholder there; the author and moderators see it after a reload.
"""

from django import template

from forums.permissions import can_view_post as can_view_post_rule

register = template.Library()


@register.simple_tag(takes_context=True)
def can_view_post(context, post) -> bool:
    return can_view_post_rule(context.get("user"), post, context.get("membership"))

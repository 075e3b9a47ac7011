"""Watch buttons for topic and board pages, so that the forums' views need not know about
subscriptions (one query each)."""

import re

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from notifications import queries

register = template.Library()

_SITE_PATH = re.compile(r'(\s(?:href|src)=")/(?!/)')


@register.filter
def absolute_links(html: str) -> str:
    """Rendered post HTML (already sanitised) for an e-mail: links to the site's own pages (a
    mention's /members/2/) get the site's public address, which a mail program needs."""
    return mark_safe(_SITE_PATH.sub(rf"\g<1>{settings.SITE_URL}/", str(html)))  # noqa: S308


@register.inclusion_tag("notifications/_topic_watch.html", takes_context=True)
def topic_watch_form(context, topic):
    user = context["user"]
    return {
        "topic": topic,
        "level": queries.topic_watch_level(user, topic),
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }


@register.inclusion_tag("notifications/_board_watch.html", takes_context=True)
def board_watch_form(context, board):
    user = context["user"]
    return {
        "board": board,
        "watching": queries.is_watching_board(user, board),
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }

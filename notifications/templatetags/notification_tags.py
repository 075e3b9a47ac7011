"""Watch buttons for topic and board pages, so that the forums' views need not know about
subscriptions (one query each)."""

from django import template

from notifications import queries

register = template.Library()


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

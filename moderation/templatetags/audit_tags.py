"""The audit log's "Change" column in words (moderation.changes)."""

from django import template

from moderation.changes import described as describe

register = template.Library()


@register.filter
def described(values) -> str:
    return describe(values)

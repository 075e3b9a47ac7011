"""A card of a person to ask (a field's page, the people search), rendered once and kept.

The card shows the member (name, face, what they can help with) and their matching posts, and
links to a private message about the field. Nothing in it depends on who looks at it, so it is
rendered without a viewer and cached under a key made of everything its rendering reads
(``core.fragments``): the member's and each assignment's and organisation's stored values, the
field, today's date (a current post's length and "doing it now" move with it), the language,
the time zone and the files that shape it. A page of twenty cards is one cache read.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.fragments import content_key, rendered_once, stored_values

TEMPLATE = "fields/_person.html"
CACHE_SECONDS = 24 * 3600
SHAPING_FILES = (
    "templates/fields/_person.html",
    "fields/templatetags/fields_tags.py",
    "forums/templatetags/forum_tags.py",
    "attachments/templatetags/attachment_tags.py",
    "accounts/faces.py",
    "accounts/models.py",
    "locale/ja/LC_MESSAGES/django.mo",
    "locale/en/LC_MESSAGES/django.mo",
)


def card_key(person, field) -> str:
    parts = [
        timezone.localdate(),
        field.slug if field is not None else None,
        *stored_values(person.member),
        *(
            value
            for assignment in person.assignments
            for value in (*stored_values(assignment), *stored_values(assignment.municipality))
        ),
    ]
    return content_key(f"person-card:{person.member.pk}", SHAPING_FILES, parts)


def render_card(person, field) -> str:
    return render_to_string(TEMPLATE, {"person": person, "field": field})


def attach_cards(people, field) -> None:
    """Give each ``PersonToAsk`` its ``card``: from the cache in one read, the rest rendered
    and stored."""
    cards = rendered_once(
        [
            (card_key(person, field), lambda person=person: render_card(person, field))
            for person in people
        ],
        CACHE_SECONDS,
    )
    for person, html in zip(people, cards, strict=True):
        person.card = mark_safe(html)  # noqa: S308 - a template's output

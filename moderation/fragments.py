"""The rows of the moderation queues, rendered once and kept (``core.fragments``).

A queue of twenty join requests and twenty flagged posts took longer to render than anything
else on the page (about 1 ms a request row, each with two forms). A row shows nothing that
depends on the moderator looking at it except the page's CSRF token, so it is rendered with
``SHARED_CSRF_PLACEHOLDER`` and cached under a key of everything it shows: the request (or the
post, its topic's title, its author and its open flags with their reporters), the member and
their organisation, the board's address, the language, the time zone and the files that shape
it. The page puts its own token in. The same goes for the site's review queue (a member waiting
for verification, with the assessment of their address against the registry).
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.fragments import (
    SHARED_CSRF_PLACEHOLDER,
    content_key,
    rendered_once,
    stored_values,
    with_csrf_token,
)

CACHE_SECONDS = 24 * 3600
_LOCALES = ("locale/ja/LC_MESSAGES/django.mo", "locale/en/LC_MESSAGES/django.mo")
REQUEST_TEMPLATE = "moderation/_join_request.html"
REQUEST_FILES = ("templates/moderation/_join_request.html", *_LOCALES)
FLAGGED_TEMPLATE = "moderation/_flagged_post.html"
FLAGGED_FILES = ("templates/moderation/_flagged_post.html", "moderation/models.py", *_LOCALES)


def _request_key(membership, board) -> str:
    person = membership.user
    parts = [
        board.slug,
        *stored_values(membership),
        *stored_values(person),
        *stored_values(person.municipality),
    ]
    return content_key(f"join-request:{membership.pk}", REQUEST_FILES, parts)


def join_request_rows(requests, board, csrf_token: str) -> list[str]:
    """Each pending membership of ``requests`` as its row of the queue, with the page's token."""

    def render(membership):
        context = {"request_row": membership, "board": board, "csrf_token": SHARED_CSRF_PLACEHOLDER}
        return render_to_string(REQUEST_TEMPLATE, context)

    rows = rendered_once(
        [
            (_request_key(membership, board), lambda membership=membership: render(membership))
            for membership in requests
        ],
        CACHE_SECONDS,
    )
    return [mark_safe(with_csrf_token(html, csrf_token)) for html in rows]  # noqa: S308


ASSESSMENT_TEMPLATE = "moderation/_assessment.html"
ASSESSMENT_FILES = (
    "templates/moderation/_assessment.html",
    "templates/moderation/_reason_field.html",
    "accounts/verification.py",
    "accounts/queries.py",
    *_LOCALES,
)


def _assessment_key(assessment) -> str:
    member, registration = assessment.member, assessment.registration
    parts = [
        *stored_values(member),
        *stored_values(member.municipality),
        repr(assessment.decision),
        repr(assessment.rule),
        *stored_values(registration),
        *(stored_values(registration.municipality) if registration is not None else ()),
    ]
    return content_key(f"assessment:{member.pk}", ASSESSMENT_FILES, parts)


def assessment_rows(assessments, csrf_token: str) -> list[str]:
    """Each ``accounts.queries.Assessment`` as its entry in the review queue."""

    def render(assessment):
        context = {"assessment": assessment, "csrf_token": SHARED_CSRF_PLACEHOLDER}
        return render_to_string(ASSESSMENT_TEMPLATE, context)

    rows = rendered_once(
        [
            (_assessment_key(assessment), lambda assessment=assessment: render(assessment))
            for assessment in assessments
        ],
        CACHE_SECONDS,
    )
    return [mark_safe(with_csrf_token(html, csrf_token)) for html in rows]  # noqa: S308


def _flagged_key(post) -> str:
    parts = [
        post.open_flag_count,
        post.topic.title,
        *stored_values(post),
        post.author.full_name,
        *(
            value
            for flag in post.open_flags
            for value in (*stored_values(flag), flag.reporter.full_name)
        ),
    ]
    return content_key(f"flagged-post:{post.pk}", FLAGGED_FILES, parts)


def flagged_post_rows(posts) -> list[str]:
    """Each post of ``moderation.queries.flagged_posts`` as its entry in the queue."""
    rows = rendered_once(
        [
            (
                _flagged_key(post),
                lambda post=post: render_to_string(FLAGGED_TEMPLATE, {"post": post}),
            )
            for post in posts
        ],
        CACHE_SECONDS,
    )
    return [mark_safe(html) for html in rows]  # noqa: S308 - a template's output

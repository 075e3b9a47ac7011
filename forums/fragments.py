"""A post's HTML, rendered once for every reader and personalised per viewer by substitution.

Rendering ``forums/_post.html`` is most of a topic page's CPU (about 1.3 ms a post, in Django's
template engine). Most of what it writes is the same for every reader: the author block, the
body, the attachments, the counters. Only a few marks differ: which controls the viewer may use,
the viewer's own helpful mark and the page's CSRF token.

So the post is rendered once without a viewer, exactly as a live event sends it (every control
``hidden``, the CSRF inputs holding ``SHARED_CSRF_PLACEHOLDER``), and kept in the cache under a
key made of everything that rendering reads: the post's, its author's, its municipality's and
its files' stored values, whether it is the accepted answer, the language and time zone, and a
digest of the templates, template tags and translations that shape it. A change to any of them
makes a new key, so a cached fragment is never stale; nothing has to remember to invalidate it.

Each page then un-hides the controls the viewer may use (the same rule table as the template tags
and the page's script: ``forums.permissions.POST_CONTROLS``), marks the viewer's helpful vote and
puts the page's token in: a handful of ``str.replace`` calls per post. A hidden post that this
viewer may still read (its author, a moderator) is rendered the ordinary way.
``tests/forums/test_post_fragments.py`` checks that the result equals the ordinary rendering, byte
for byte, for each kind of viewer and post.
"""

from django.core.cache import cache as fragment_cache
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.fragments import (
    SHARED_CSRF_PLACEHOLDER,
    content_key,
    rendered_once,
    stored_values,
    with_csrf_token,
)
from forums.models import Post, Topic
from forums.permissions import POST_CONTROLS, can_view_post, control_allowed, post_states

TEMPLATE = "forums/_post.html"
CACHE_SECONDS = 7 * 24 * 3600

_HELPFUL_OFF = 'class="link-button helpful-button" aria-pressed="false"'
_HELPFUL_ON = 'class="link-button helpful-button" aria-pressed="true"'

# What shapes the fragment besides the data: the templates it includes, the tags it loads and the
# translations it uses. Their digest is part of every key, so a deploy never serves old markup.
_SHAPING_FILES = (
    "templates/forums/_post.html",
    "templates/attachments/_post_files.html",
    "forums/templatetags/forum_tags.py",
    "forums/templatetags/moderation_tags.py",
    "attachments/templatetags/attachment_tags.py",
    "core/templatetags/language_tags.py",
    "accounts/faces.py",
    "locale/ja/LC_MESSAGES/django.mo",
    "locale/en/LC_MESSAGES/django.mo",
)


# The same for a row of a topic list (board pages, the home page, fields of work).
_ROW_SHAPING_FILES = (
    "templates/forums/_topic_row.html",
    "forums/templatetags/forum_tags.py",
    "core/templatetags/language_tags.py",
    "attachments/templatetags/attachment_tags.py",
    "accounts/faces.py",
    "locale/ja/LC_MESSAGES/django.mo",
    "locale/en/LC_MESSAGES/django.mo",
)


def fragment_key(post: Post, topic: Topic) -> str:
    """The cache key of ``post`` as everybody sees it, from all that its rendering reads."""
    parts = [
        post.pk == topic.accepted_post_id,
        *stored_values(post),
        *stored_values(post.author),
        *stored_values(post.author_municipality),
        *(value for file in post.attachments.all() for value in stored_values(file)),
    ]
    return content_key(f"post-fragment:{post.pk}", _SHAPING_FILES, parts)


def _render_shared(post: Post, topic: Topic) -> str:
    # No viewer and no ``post_controls``: every control is hidden.
    context = {"post": post, "topic": topic, "csrf_token": SHARED_CSRF_PLACEHOLDER}
    return render_to_string(TEMPLATE, context)


def shared_html(post: Post, topic: Topic) -> str:
    """``post`` rendered for everybody (as live events send it), from the cache when it can be."""
    key = fragment_key(post, topic)
    html = fragment_cache.get(key)
    if html is None:
        html = _render_shared(post, topic)
        fragment_cache.set(key, html, CACHE_SECONDS)
    return html


def personalise(html: str, post: Post, controls: dict, csrf_token: str) -> str:
    """The shared HTML of ``post`` as the viewer described by ``controls`` sees it."""
    states = post_states(post)
    for control in POST_CONTROLS:
        if control_allowed(
            control, controls["abilities"], controls["viewer_id"], post.author_id, states
        ):
            html = html.replace(f'data-show-for="{control}" hidden', f'data-show-for="{control}"')
    if getattr(post, "marked_helpful", False):
        html = html.replace(_HELPFUL_OFF, _HELPFUL_ON, 1)
    return with_csrf_token(html, csrf_token)


def render_for_viewer(post: Post, topic: Topic, user, membership, controls: dict, token: str):
    """The ordinary rendering of ``post`` for one viewer, as the page template would do it."""
    context = {
        "post": post,
        "topic": topic,
        "user": user,
        "membership": membership,
        "post_controls": controls,
        "csrf_token": token,
    }
    return mark_safe(render_to_string(TEMPLATE, context))  # noqa: S308 - a template's output


def _has_files_in_waiting(post: Post) -> bool:
    """Files only the author sees by name (being checked, or refused by the scanner)."""
    return any(
        file.scan == "infected" or not file.is_ready or not file.is_released
        for file in post.attachments.all()
    )


def page_fragments(
    posts: list[Post], topic: Topic, user, membership, controls: dict, token: str
) -> None:
    """Give each post of a page its HTML for ``user`` as ``post.fragment`` (``token``: the
    page's CSRF token): one cache read for the page, a render only for posts whose key is new."""
    shared = [
        post
        for post in posts
        if not (post.is_hidden and can_view_post(user, post, membership))
        and not (post.author_id == user.pk and _has_files_in_waiting(post))
    ]
    keys = {post.pk: fragment_key(post, topic) for post in shared}
    found = fragment_cache.get_many(list(keys.values())) if keys else {}
    missing = {}
    for post in posts:
        if post.pk not in keys:
            post.fragment = render_for_viewer(post, topic, user, membership, controls, token)
            continue
        html = found.get(keys[post.pk])
        if html is None:
            html = missing[keys[post.pk]] = _render_shared(post, topic)
        post.fragment = mark_safe(personalise(html, post, controls, token))  # noqa: S308 - a template
    if missing:
        fragment_cache.set_many(missing, CACHE_SECONDS)


# --- rows of topic lists ----------------------------------------------------------------------

ROW_TEMPLATE = "forums/_topic_row.html"
# Where the reader's own unread badge goes in a row rendered for everybody.
UNREAD_PLACEHOLDER = "<!--unread-->"


def unread_badge(topic: Topic) -> str:
    """The reader's badge on a topic's row: how many posts are unread, "New" if never opened."""
    unread = topic.unread_count
    if unread:
        text = ngettext("%(counter)s unread", "%(counter)s unread", unread) % {"counter": unread}
        return format_html(
            '<a class="badge badge--unread" href="{}">{}</a>', topic.get_absolute_url(), text
        )
    if unread is None:
        return format_html('<span class="badge badge--unread">{}</span>', gettext("New"))
    return ""


def row_key(topic: Topic, show_board: bool) -> str:
    """The cache key of ``topic``'s row as everybody sees it (the unread badge left out)."""
    parts = [
        show_board,
        *stored_values(topic),
        *stored_values(topic.last_poster),
        *(stored_values(topic.board) if show_board else ()),
    ]
    return content_key(f"topic-row:{topic.pk}", _ROW_SHAPING_FILES, parts)


def _render_row(topic: Topic, show_board: bool) -> str:
    context = {"topic": topic, "show_board": show_board, "shared_row": True}
    return render_to_string(ROW_TEMPLATE, context)


def topic_rows(topics: list[Topic], show_board: bool = False) -> str:
    """The rows of a topic list, each rendered once for everybody and cached like a post, with
    the reader's unread badge (``unread_badge``) put in by substitution."""
    keys = {topic.pk: row_key(topic, show_board) for topic in topics}
    found = fragment_cache.get_many(list(keys.values())) if keys else {}
    missing = {}
    rows = []
    for topic in topics:
        html = found.get(keys[topic.pk])
        if html is None:
            html = missing[keys[topic.pk]] = _render_row(topic, show_board)
        rows.append(html.replace(UNREAD_PLACEHOLDER, unread_badge(topic), 1))
    if missing:
        fragment_cache.set_many(missing, CACHE_SECONDS)
    return mark_safe("".join(rows))  # noqa: S308 - rendered templates and escaped badges


# --- Cards of the board list -----------------------------------------------------------------

_CARD_SHAPING_FILES = (
    "templates/forums/_board_card.html",
    "forums/models.py",
    "locale/ja/LC_MESSAGES/django.mo",
    "locale/en/LC_MESSAGES/django.mo",
)
CARD_SECONDS = 24 * 3600


def _card_key(entry) -> str:
    membership = entry.membership
    parts = [
        *stored_values(entry.board),
        *stored_values(entry.board.field),
        membership.role if membership is not None else None,
        membership.state if membership is not None else None,
    ]
    return content_key(f"board-card:{entry.board.pk}", _CARD_SHAPING_FILES, parts)


def board_cards(entries) -> list[str]:
    """Each ``BoardEntry`` of the board list as its card: the board as the viewer's membership
    (its role and state) shows it, rendered once and kept under a key of all it shows."""
    cards = rendered_once(
        [
            (
                _card_key(entry),
                lambda entry=entry: render_to_string("forums/_board_card.html", {"entry": entry}),
            )
            for entry in entries
        ],
        CARD_SECONDS,
    )
    return [mark_safe(card) for card in cards]  # noqa: S308 - a template's output

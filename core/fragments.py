"""Keys for HTML rendered once and kept in the cache, made of everything the rendering reads.

A fragment (a post, a row of a topic list, a card of a person to ask) is rendered without a
viewer and cached under a key built from the stored values of the rows it shows, the language
and time zone, and a digest of the files that shape it (its templates, template tags and
translations). A change to any of them makes a new key, so a cached fragment is never stale and
nothing has to remember to invalidate it; old entries simply expire.
"""

import hashlib
from functools import cache
from operator import attrgetter
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as fragment_cache
from django.utils import timezone, translation

# Never part of a key (nor so of any cache entry's name).
PRIVATE_USER_FIELDS = frozenset({"password", "last_login"})


@cache
def shape_digest(files: tuple[str, ...]) -> str:
    """A digest of the files (relative to the project) that shape a fragment's markup."""
    digest = hashlib.blake2b(digest_size=8)
    for name in files:
        path = Path(settings.BASE_DIR) / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


@cache
def _columns_of(model):
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in PRIVATE_USER_FIELDS
    ]
    if len(names) == 1:  # attrgetter of one name gives the value itself, not a tuple
        return lambda instance: (getattr(instance, names[0]),)
    return attrgetter(*names)


def stored_values(instance) -> list:
    """The values of every concrete column of ``instance`` (``[None]`` for no instance)."""
    if instance is None:
        return [None]
    return list(_columns_of(type(instance))(instance))


def content_key(prefix: str, files: tuple[str, ...], parts: list) -> str:
    """``prefix:<digest>``: the digest of the shaping files, the language, the time zone and
    ``parts`` (stored values and whatever else the rendering reads)."""
    everything = [
        shape_digest(files),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        *parts,
    ]
    return f"{prefix}:{hashlib.blake2b(repr(everything).encode(), digest_size=16).hexdigest()}"


# The value of the CSRF inputs in HTML rendered for everybody; a page puts its own token in.
SHARED_CSRF_PLACEHOLDER = "page-token"
_SHARED_CSRF_INPUT = f'name="csrfmiddlewaretoken" value="{SHARED_CSRF_PLACEHOLDER}"'


def with_csrf_token(html: str, token: str) -> str:
    """``html`` rendered with ``SHARED_CSRF_PLACEHOLDER`` as its token, with the page's token."""
    return html.replace(_SHARED_CSRF_INPUT, f'name="csrfmiddlewaretoken" value="{token}"')


def rendered_once(entries, seconds: int) -> list[str]:
    """The HTML of each ``(key, render)`` entry: from the cache in one read, the others
    rendered (``render()``) and stored in one write."""
    keys = [key for key, _render in entries]
    found = fragment_cache.get_many(keys) if keys else {}
    missing = {}
    html = []
    for key, render in entries:
        text = found.get(key) or missing.get(key)
        if text is None:
            text = missing[key] = render()
        html.append(text)
    if missing:
        fragment_cache.set_many(missing, seconds)
    return html

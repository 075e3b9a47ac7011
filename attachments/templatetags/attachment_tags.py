"""Template tags for files and faces: ``{% avatar user "m" %}`` and size/kind labels.

Avatars need nothing but the user row the page already has (``avatar_version``), so lists
of posts or members make no extra query for them.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.faces import colour_of, initials_of, photo_url
from attachments import permissions, scanning

register = template.Library()

PIXELS = {"s": 24, "m": 40, "l": 96}


@register.simple_tag
def avatar(user, size: str = "m"):
    """A member's face: their photo, or their initials on a colour. Decorative (the name is
    always written next to it), so hidden from screen readers."""
    if user is None:
        return ""
    pixels = PIXELS.get(size, 40)
    version = getattr(user, "avatar_version", 0)
    if version:
        source = 256 if pixels > 48 else 96
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" width="{}" height="{}" '
            'loading="lazy" decoding="async">',
            size,
            photo_url(user.pk, version, source),
            pixels,
            pixels,
        )
    name = getattr(user, "full_name", "") or getattr(user, "display_name", "")
    return format_html(
        '<span class="avatar avatar--{} avatar--c{}" aria-hidden="true">{}</span>',
        size,
        colour_of(user.pk),
        initials_of(name),
    )


@register.simple_tag(takes_context=True)
def can_remove_avatar_of(context, member) -> bool:
    return permissions.can_remove_avatar(context["user"], member)


@register.simple_tag
def released_file_names(post) -> list[str]:
    """Names of a post's files that others may see (e-mails list names, never the files)."""
    return [item.name for item in post.attachments.all() if item.is_released and item.is_ready]


@register.simple_tag(takes_context=True)
def files_named(context, files) -> list:
    """The files whose names this rendering may show: all of them for a viewer's own rendering
    (``post_controls``), only those checked and released in HTML shared with everybody."""
    if context.get("post_controls"):
        return list(files)
    return [
        file for file in files if file.scan != "infected" and file.is_ready and file.is_released
    ]


@register.simple_tag
def scanning_status() -> str:
    """``off``, ``ok`` or ``error: …``: moderation pages say when files are not scanned."""
    return scanning.status()


@register.filter
def file_size(size) -> str:
    size = int(size or 0)
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return _("%(bytes)d bytes") % {"bytes": size}


@register.simple_tag
def thumbnail_size(attachment, side: int = 240) -> str:
    """width/height attributes for a thumbnail shown at most ``side`` pixels wide or tall, so
    the page does not jump while images load."""
    width, height = attachment.width or 0, attachment.height or 0
    if attachment.kind == "pdf" or not width or not height:
        width, height = 210, 297
    scale = min(side / width, side / height, 1)
    return format_html('width="{}" height="{}"', round(width * scale), round(height * scale))

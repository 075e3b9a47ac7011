"""How a member's face (avatar) is drawn from the user row alone: the URL of their photo (with
its version; the attachments app stores and serves it) or initials on one of a few colours. No
queries and no imports of other apps, so any page, list or JSON answer can use it."""

import unicodedata

from django.urls import reverse

SIZES = (96, 256)
COLOURS = 8
_photo_path: list[str] = []


def photo_name(user_id: int, version: int, size: int) -> str:
    return f"avatars/{user_id}/{version}-{size}.webp"


def photo_url(user_id: int, version: int, size: int) -> str:
    if not _photo_path:
        _photo_path.append(reverse("attachments:avatar_photo", args=[987654321, 12345, 96]))
    return (
        _photo_path[0]
        .replace("987654321", str(int(user_id)), 1)
        .replace("12345-96", f"{int(version)}-{int(size)}", 1)
    )


def colour_of(user_id: int) -> int:
    return (user_id * 7) % COLOURS


def initials_of(name: str) -> str:
    """One CJK character (the family name's first) or up to two Latin initials."""
    name = " ".join((name or "").split())
    if not name:
        return "?"
    if unicodedata.east_asian_width(name[0]) in ("W", "F"):
        return name[0]
    return "".join(word[0] for word in name.split(" ")[:2]).upper()


def avatar_data(user) -> dict:
    """The avatar for scripts (the mention suggestions), which draw it themselves."""
    version = getattr(user, "avatar_version", 0)
    return {
        "photo": photo_url(user.pk, version, 96) if version else "",
        "initials": initials_of(user.full_name or user.display_name),
        "colour": colour_of(user.pk),
    }

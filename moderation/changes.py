"""What an audit entry changed, in words a moderator reads: the stored keys of ``before`` and
``after`` (status, role, join_policy …) become labels, and stored values (verified, True …)
the words the rest of the site uses for them."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext, pgettext_lazy

from accounts.models import User
from forums.models import Board, Membership

LABELS = {
    "status": pgettext_lazy("audit log", "Status"),
    "state": pgettext_lazy("audit log", "Membership"),
    "role": pgettext_lazy("audit log", "Role"),
    "municipality": pgettext_lazy("audit log", "Municipality"),
    "members_to_check": pgettext_lazy("audit log", "Members to check again"),
    "title": pgettext_lazy("audit log", "Title"),
    "board": pgettext_lazy("audit log", "Board"),
    "boards": pgettext_lazy("audit log", "Boards"),
    "slug": pgettext_lazy("audit log", "Address"),
    "name": pgettext_lazy("audit log", "Name"),
    "names": pgettext_lazy("audit log", "Names"),
    "join_policy": pgettext_lazy("audit log", "Who can join"),
    "allow_zip": pgettext_lazy("audit log", "ZIP files allowed"),
    "hidden": pgettext_lazy("audit log", "Hidden"),
    "flags": pgettext_lazy("audit log", "Flags"),
    "locked": pgettext_lazy("audit log", "Locked"),
    "pinned": pgettext_lazy("audit log", "Pinned"),
    "redacted": pgettext_lazy("audit log", "Redacted"),
    "revisions_purged": pgettext_lazy("audit log", "Earlier versions removed"),
    "topic_id": pgettext_lazy("audit log", "Topic number"),
    "first_number": pgettext_lazy("audit log", "First post number"),
    "file": pgettext_lazy("audit log", "File"),
    "size": pgettext_lazy("audit log", "Size"),
    "report": pgettext_lazy("audit log", "Report"),
    "conversation": pgettext_lazy("audit log", "Conversation"),
    "until": pgettext_lazy("audit log", "Until"),
    "avatar_version": pgettext_lazy("audit log", "Photo"),
    "name_ja": pgettext_lazy("audit log", "Name (Japanese)"),
    "name_en": pgettext_lazy("audit log", "Name (English)"),
    "description_ja": pgettext_lazy("audit log", "Description (Japanese)"),
    "description_en": pgettext_lazy("audit log", "Description (English)"),
    "flag_threshold": pgettext_lazy("audit log", "Flags that hide a post"),
    "position": pgettext_lazy("audit log", "Order"),
    "keywords": pgettext_lazy("audit log", "Keywords"),
    "sha256": pgettext_lazy("audit log", "File fingerprint (SHA-256)"),
}
CHOICES = {
    "status": dict(User.Status.choices),
    "state": dict(Membership.State.choices),
    "role": dict(Membership.Role.choices),
    "join_policy": dict(Board.JoinPolicy.choices),
}


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return pgettext("a stored value", "yes")
    if value is False:
        return pgettext("a stored value", "no")
    if isinstance(value, list):
        return pgettext("list separator", ", ").join(_value(key, item) for item in value)
    if key == "until" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(CHOICES.get(key, {}).get(value, value))


def described(values: dict | None) -> str:
    """Each stored key and value in words, in the order stored: "Status: Verified"."""
    return pgettext("list separator", ", ").join(
        pgettext("a changed value", "%(label)s: %(value)s")
        % {"label": LABELS.get(key, key), "value": _value(key, value)}
        for key, value in (values or {}).items()
    )

"""Who may see and do what with fields of work. Pure functions used by views and services.

Everything about fields is for verified members only. What a field page shows from its boards
(answers, questions) is further limited by ``forums.permissions.can_view_board``.
"""

from accounts.models import User
from accounts.permissions import can_moderate_site, is_verified_member


def can_view_fields(user) -> bool:
    return is_verified_member(user)


def can_edit_guide(user, field) -> bool:
    return is_verified_member(user)


def can_edit_calendar(user, field) -> bool:
    return is_verified_member(user)


def can_manage_field(user) -> bool:
    """Add department names to a field and choose its boards."""
    return can_moderate_site(user)


def can_write_handover_note(user, field) -> bool:
    return is_verified_member(user)


def can_view_handover_note(user, note) -> bool:
    return is_verified_member(user) and (note.is_shared or note.author_id == user.pk)


def can_edit_handover_note(user, note) -> bool:
    return is_verified_member(user) and note.author_id == user.pk


def is_listed_as_ask_me(member) -> bool:
    """Only members who opted in are shown as people to ask or offered questions."""
    return bool(member.ask_me and member.is_active and member.status == User.Status.VERIFIED)


def can_manage_assignments(user, member) -> bool:
    return user.is_authenticated and user.pk == member.pk and user.is_active

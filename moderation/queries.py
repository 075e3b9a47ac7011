"""Reads for moderators: queues, member lists, the audit log and the header's pending counts."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can_moderate_site, is_verified_member
from accounts.queries import member_word_filter, waiting_for_a_site_moderator, with_place
from core.compiled import CompiledRead
from forums.models import Board, Membership, Post
from moderation.models import AuditEntry, Flag

MODERATOR_HINT = "moderation.moderates_boards"
HINT_CHECKED_AT = "moderation.checked_at"


# --- Queues -----------------------------------------------------------------------------------


_JOIN_REQUESTS = CompiledRead(
    lambda board_id: (
        Membership.objects.filter(board_id=board_id, state=Membership.State.PENDING)
        .select_related("user__municipality")
        .order_by("created_at", "id")
    )
)


def join_requests(board: Board) -> list[Membership]:
    """The board's pending join requests, oldest first, with each member and organisation."""
    return _JOIN_REQUESTS(board.pk)


_FLAGGED_POSTS = CompiledRead(
    lambda board_id: (
        Post.objects.filter(topic__board_id=board_id, flags__isnull=False, flags__resolved_at=None)
        .annotate(open_flag_count=Count("flags"))
        .select_related("topic", "author", "author_municipality")
        .order_by("-open_flag_count", "created_at")
    )
)
_OPEN_FLAGS_OF_BOARD = CompiledRead(
    lambda board_id: (
        Flag.objects.filter(resolved_at__isnull=True, post__topic__board_id=board_id)
        .select_related("reporter")
        .order_by("created_at", "id")
    )
)


def flagged_posts(board: Board) -> list[Post]:
    """Posts of the board with open flags, most flagged first, each with its open flags
    (``open_flags``, oldest first): two reads of a fixed shape, compiled once."""
    posts = _FLAGGED_POSTS(board.pk)
    if not posts:
        return posts
    flags_of = {post.pk: [] for post in posts}
    for flag in _OPEN_FLAGS_OF_BOARD(board.pk):
        # A flag raised between the two reads belongs to a post the first did not list.
        if flag.post_id in flags_of:
            flags_of[flag.post_id].append(flag)
    for post in posts:
        post.open_flags = flags_of[post.pk]
    return posts


def open_flags_of(post: Post) -> list[Flag]:
    return list(post.flags.filter(resolved_at__isnull=True).select_related("reporter"))


def board_members(board: Board, text: str = "") -> QuerySet[Membership]:
    """Active members of a board, searchable by name, municipality and department."""
    members = with_place(
        Membership.objects.filter(board=board, state=Membership.State.ACTIVE).select_related(
            "user__municipality"
        ),
        via="user__",
    )
    for word in " ".join(text.split()).split(" "):
        if word:
            members = members.filter(
                member_word_filter(word, via="user__") | Q(user__email__iexact=word)
            )
    return members.order_by("-role", "user__municipality__code", "user__display_name")


def other_memberships(board: Board) -> QuerySet[Membership]:
    """Invited and banned people: short lists shown under the members."""
    return (
        Membership.objects.filter(
            board=board, state__in=[Membership.State.INVITED, Membership.State.BANNED]
        )
        .select_related("user__municipality")
        .order_by("state", "-decided_at")
    )


def find_verified_member(text: str) -> list[User]:
    """Who an invitation is for: an exact e-mail address, or a full or display name."""
    text = " ".join(text.split())
    if not text:
        return []
    members = User.objects.filter(status=User.Status.VERIFIED, is_active=True)
    if "@" in text:
        return list(members.filter(email__iexact=text))
    compact = text.replace(" ", "")
    members = members.annotate(compact_name=Concat("full_name", "display_name")).filter(
        Q(full_name=text) | Q(display_name=text) | Q(full_name__contains=compact)
    )
    return list(members.select_related("municipality")[:10])


# --- Audit log --------------------------------------------------------------------------------


@dataclass
class AuditFilter:
    board: Board | None = None
    action: str = ""
    actor_text: str = ""
    target_text: str = ""


def audit_entries(filters: AuditFilter, boards: QuerySet[Board] | None = None):
    """The log, newest first: one board's (with moves in and out), or the whole site's."""
    entries = AuditEntry.objects.select_related("actor", "board", "other_board", "target_user")
    if filters.board is not None:
        entries = entries.filter(Q(board=filters.board) | Q(other_board=filters.board))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor_text:
        entries = entries.filter(
            Q(actor__full_name__icontains=filters.actor_text)
            | Q(actor__display_name__icontains=filters.actor_text)
        )
    if filters.target_text:
        entries = entries.filter(
            Q(target_label__icontains=filters.target_text)
            | Q(target_user__full_name__icontains=filters.target_text)
        )
    return entries.order_by("-created_at", "-id")


def moderated_boards(user) -> QuerySet[Board]:
    if can_moderate_site(user):
        return Board.objects.order_by("position", "slug")
    return Board.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.MODERATOR,
        memberships__state=Membership.State.ACTIVE,
    ).order_by("position", "slug")


_EVERY_BOARD = CompiledRead(lambda: Board.objects.order_by("position", "slug"))
_MODERATED_BOARDS = CompiledRead(
    lambda user_id: Board.objects.filter(
        memberships__user_id=user_id,
        memberships__role=Membership.Role.MODERATOR,
        memberships__state=Membership.State.ACTIVE,
    ).order_by("position", "slug")
)


def moderated_board_list(user) -> list[Board]:
    """``moderated_boards`` as a list, read with SQL compiled once (the moderators' home)."""
    return _EVERY_BOARD() if can_moderate_site(user) else _MODERATED_BOARDS(user.pk)


# One shape per number of boards (core.compiled).
_PENDING_REQUESTS = CompiledRead(
    lambda board_ids: (
        Membership.objects.filter(board_id__in=board_ids, state=Membership.State.PENDING)
        .values_list("board_id")
        .annotate(n=Count("id"))
        .order_by("board_id")
    )
)
_FLAGGED_PER_BOARD = CompiledRead(
    lambda board_ids: (
        Post.objects.filter(
            topic__board_id__in=board_ids, flags__isnull=False, flags__resolved_at=None
        )
        .values_list("topic__board_id")
        .annotate(n=Count("id", distinct=True))
        .order_by("topic__board_id")
    )
)


def board_pending_counts(boards) -> dict[int, dict[str, int]]:
    """Pending requests and flagged posts per board, in two queries."""
    board_ids = [board.pk for board in boards]
    if not board_ids:
        return {}
    requests = dict(_PENDING_REQUESTS(tuple(board_ids)))
    flags = dict(_FLAGGED_PER_BOARD(tuple(board_ids)))
    return {pk: {"requests": requests.get(pk, 0), "flags": flags.get(pk, 0)} for pk in board_ids}


# --- Pending work in the header -----------------------------------------------------------------


class _Count(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def moderator_ids(board: Board) -> list[int]:
    """Everyone who moderates the board: its moderators and the site moderators."""
    return list(
        User.objects.filter(
            Q(
                memberships__board=board,
                memberships__role=Membership.Role.MODERATOR,
                memberships__state=Membership.State.ACTIVE,
            )
            | Q(is_site_moderator=True)
            | Q(is_superuser=True),
            status=User.Status.VERIFIED,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def _pending_work(user_id: int, site: bool):
    if site:
        boards = Board.objects.values("pk")
    else:
        boards = Membership.objects.filter(
            user_id=user_id, role=Membership.Role.MODERATOR, state=Membership.State.ACTIVE
        ).values("board_id")
    requests = Membership.objects.filter(state=Membership.State.PENDING, board__in=boards)
    flagged = (
        Flag.objects.filter(resolved_at__isnull=True, post__topic__board__in=boards)
        .values("post_id")
        .distinct()
    )
    applicants = User.objects.filter(waiting_for_a_site_moderator())
    if not site:
        applicants = applicants.none()
    return (
        User.objects.filter(pk=user_id)
        .annotate(
            requests=_Count(requests.values("pk")),
            flags=_Count(flagged),
            verification=_Count(applicants.values("pk")),
        )
        .values("requests", "flags", "verification")[:1]
    )


# On every page a moderator opens (the header's count): compiled once (core.compiled).
_PENDING_WORK = {
    site: CompiledRead(lambda user_id, site=site: _pending_work(user_id, site))
    for site in (True, False)
}


def pending_work(user) -> dict[str, int]:
    """Join requests, flagged posts and (for site moderators) applicants waiting: one query."""
    row = _PENDING_WORK[can_moderate_site(user)].first(user.pk) or {}
    row = {name: row.get(name) or 0 for name in ("requests", "flags", "verification")}
    return {**row, "total": sum(row.values())}


# Whether a member moderates any board is remembered in their session at sign-in, so that
# ordinary members' pages cost no query for the header. A change of role stamps the cache;
# a session older than the stamp looks again.


def _role_changed_key(user_id: int) -> str:
    return f"moderation.role_changed.{user_id}"


def moderates_any_board(user) -> bool:
    return Membership.objects.filter(
        user=user, role=Membership.Role.MODERATOR, state=Membership.State.ACTIVE
    ).exists()


def remember_role(session, user) -> bool:
    moderates = moderates_any_board(user)
    session[MODERATOR_HINT] = moderates
    session[HINT_CHECKED_AT] = timezone.now().timestamp()
    return moderates


def role_changed(user_id: int) -> None:
    cache.set(_role_changed_key(user_id), timezone.now().timestamp(), timeout=60 * 60 * 24 * 30)


def header_counts(request) -> dict[str, int] | None:
    """Pending work for the header, or None for members who moderate nothing."""
    user = request.user
    if not is_verified_member(user):
        return None
    if not can_moderate_site(user):
        session = request.session
        changed_at = cache.get(_role_changed_key(user.pk))
        stale = changed_at is not None and changed_at >= session.get(HINT_CHECKED_AT, 0)
        if MODERATOR_HINT not in session or stale:
            remember_role(session, user)
        if not session[MODERATOR_HINT]:
            return None
    return pending_work(user)

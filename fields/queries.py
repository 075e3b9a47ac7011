"""Reads about fields of work, tuned for the field page and the people search.

Other apps link in through ``field_for_board``, ``fields_of_board`` and ``boards_of_field``.
Everything taken from boards goes through ``readable_board_ids`` (``can_view_board``), so a
field page never shows a topic from a board its reader may not read.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.cache import cache
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Assignment, Municipality, User
from fields.models import (
    CalendarEntry,
    CalendarRevision,
    Field,
    GuideRevision,
    HandoverNote,
    HandoverNoteRevision,
)
from forums.models import Board, Membership, Topic
from forums.permissions import can_view_board
from forums.queries import with_reader_state


def field_for_board(board: Board) -> Field | None:
    """The first field a board serves (by field order), for a link back from the board."""
    return Field.objects.filter(boards=board).order_by("position", "slug").first()


FIELD_OF_BOARD_COLUMNS = {
    "work_field_slug": "field__slug",
    "work_field_name_ja": "field__name_ja",
    "work_field_name_en": "field__name_en",
}


def field_of_board_column(path: str):
    """A correlated subquery: ``path`` of the first field (by field order) the outer board
    serves. Added to the board page's board row (``forums.queries.board_for_page``)."""
    links = Field.boards.through.objects.filter(board_id=OuterRef("pk"))
    return Subquery(links.order_by("field__position", "field__slug").values(path)[:1])


def register_board_page_columns() -> None:
    from forums.queries import register_board_page_column

    for name, path in FIELD_OF_BOARD_COLUMNS.items():
        register_board_page_column(name, lambda path=path: field_of_board_column(path))


def fields_of_board(board: Board) -> QuerySet[Field]:
    return Field.objects.filter(boards=board).order_by("position", "slug")


def boards_of_field(field: Field) -> QuerySet[Board]:
    return field.boards.order_by("position", "slug")


def field_by_slug(slug: str) -> Field | None:
    return Field.objects.filter(slug=slug).first()


def all_fields() -> QuerySet[Field]:
    return Field.objects.order_by("position", "slug")


@dataclass
class BoardOfField:
    board: Board
    membership: Membership | None


def readable_boards_of_field(user, field: Field) -> list[BoardOfField]:
    """The field's boards the user may read, with their membership of each (two queries)."""
    boards = list(boards_of_field(field))
    memberships = {
        membership.board_id: membership
        for membership in Membership.objects.filter(user=user, board__in=boards)
    }
    return [
        BoardOfField(board, memberships.get(board.pk))
        for board in boards
        if can_view_board(user, board, memberships.get(board.pk))
    ]


def current_guide(field: Field) -> GuideRevision | None:
    return field.guide_revisions.select_related("author").order_by("-number").first()


def guide_history(field: Field) -> QuerySet[GuideRevision]:
    return field.guide_revisions.select_related("author").order_by("-number")


@dataclass
class CalendarMonth:
    month: int
    entries: list[CalendarEntry] = dataclass_field(default_factory=list)
    is_current: bool = False


def calendar_of(field: Field) -> list[CalendarMonth]:
    """The twelve months of the fiscal year, April first, with the field's recurring work."""
    this_month = timezone.localdate().month
    months = {
        month: CalendarMonth(month, is_current=month == this_month)
        for month in CalendarEntry.MONTHS_OF_FISCAL_YEAR
    }
    for entry in field.calendar_entries.order_by("month", "id"):
        months[entry.month].entries.append(entry)
    return [months[month] for month in CalendarEntry.MONTHS_OF_FISCAL_YEAR]


def best_answers(user, board_ids: list[int], limit: int = 6) -> list[Topic]:
    """Solved topics of all time, the most helpful accepted answers first.

    Ranking every solved topic of a large board reads each accepted answer (~8,000 in a board
    of 25,000 topics), so the ids of the best are kept in the cache for a few minutes per set
    of boards; the topics themselves (and the reader's unread state) are read fresh.
    """
    if not board_ids:
        return []
    key = "fields.best:" + ",".join(str(pk) for pk in sorted(board_ids)) + f":{limit}"
    ids = cache.get(key)
    if ids is None:
        ids = list(
            Topic.objects.filter(board_id__in=board_ids, accepted_post__isnull=False)
            .order_by("-accepted_post__helpful_count", "-last_posted_at", "-id")
            .values_list("id", flat=True)[:limit]
        )
        cache.set(key, ids, BEST_ANSWERS_SECONDS)
    if not ids:
        return []
    topics = Topic.objects.filter(pk__in=ids, board_id__in=board_ids)
    by_id = {
        topic.pk: topic
        for topic in with_reader_state(topics, user).select_related("board", "last_poster")
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def unanswered_questions(user, board_ids: list[int], limit: int = 5) -> list[Topic]:
    if not board_ids:
        return []
    topics = Topic.objects.filter(board_id__in=board_ids, reply_count=0, is_locked=False)
    return list(
        with_reader_state(topics, user)
        .select_related("board", "last_poster")
        .order_by("-created_at", "-id")[:limit]
    )


def calendar_history(field: Field) -> QuerySet[CalendarRevision]:
    return field.calendar_revisions.select_related("editor").order_by("-created_at", "-id")


def calendar_entry_history(entry: CalendarEntry) -> QuerySet[CalendarRevision]:
    return entry.revisions.select_related("editor").order_by("-created_at", "-id")


def handover_history(note: HandoverNote) -> QuerySet[HandoverNoteRevision]:
    return note.revisions.select_related("editor").order_by("-number")


def shared_handover_notes(user, field: Field, limit: int | None = None) -> list[HandoverNote]:
    notes = (
        HandoverNote.objects.filter(Q(is_shared=True) | Q(author=user), field=field)
        .select_related("author", "organisation")
        .order_by("-updated_at", "-id")
    )
    return list(notes[:limit] if limit else notes)


# --- People who did this job elsewhere --------------------------------------------------------

ORGANISATION_KINDS = Municipality.Kind
BEST_ANSWERS_SECONDS = 300


@dataclass
class PersonToAsk:
    member: User
    assignments: list[Assignment]

    @property
    def months(self) -> int:
        return sum(assignment.months for assignment in self.assignments)

    @property
    def is_current(self) -> bool:
        return any(assignment.state == "current" for assignment in self.assignments)


def _experience(field: Field | None, prefecture: str = "", kind: str = "") -> Q:
    """Assignments that count as having done the job: started by today, in the field, where
    the organisation matches the filters."""
    condition = Q(started_on__lte=timezone.localdate())
    condition &= Q(field=field) if field is not None else Q(field__isnull=False)
    if prefecture:
        condition &= Q(municipality__prefecture=prefecture)
    if kind:
        condition &= Q(municipality__kind=kind)
    return condition


def people_to_ask(viewer, field: Field | None, prefecture: str = "", kind: str = "") -> QuerySet:
    """Members who opted in to "ask me" and held a matching assignment, most recent first.

    Rows of ``{"user_id", "latest_start"}``, one per member, grouped from the assignments of
    the field (an index on field and member), so a page or a count never scans the members;
    ``attach_experience`` loads the members of one page and their matching assignments.
    """
    return (
        Assignment.objects.filter(
            _experience(field, prefecture, kind),
            user__ask_me=True,
            user__status=User.Status.VERIFIED,
            user__is_active=True,
        )
        .exclude(user_id=viewer.pk)
        .values("user_id")
        .annotate(latest_start=Max("started_on"))
        .order_by("-latest_start", "user_id")
    )


def attach_experience(
    rows, field: Field | None, prefecture: str = "", kind: str = ""
) -> list[PersonToAsk]:
    ids = [row["user_id"] for row in rows]
    if not ids:
        return []
    members = User.objects.select_related("municipality").in_bulk(ids)
    by_member: dict[int, list[Assignment]] = {pk: [] for pk in ids}
    assignments = (
        Assignment.objects.filter(_experience(field, prefecture, kind), user_id__in=ids)
        .select_related("municipality", "field")
        .order_by("-started_on", "-id")
    )
    for assignment in assignments:
        by_member[assignment.user_id].append(assignment)
    return [PersonToAsk(members[pk], by_member[pk]) for pk in ids if pk in members]


def prefectures() -> list[str]:
    return list(
        Municipality.objects.filter(kind=Municipality.Kind.PREFECTURE)
        .order_by("code")
        .values_list("name", flat=True)
    )


def assignments_of(member) -> list[Assignment]:
    """A member's timeline: planned posts first, then current, then past, newest first."""
    return list(
        Assignment.objects.filter(user=member)
        .select_related("municipality", "field")
        .order_by("-started_on", "-id")
    )

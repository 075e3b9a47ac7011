"""Reads about fields of work, tuned for the field page and the people search.

Other apps link in through ``field_for_board``, ``fields_of_board`` and ``boards_of_field``.
Everything taken from boards goes through ``readable_board_ids`` (``can_view_board``), so a
field page never shows a topic from a board its reader may not read.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import product

from django.core.cache import cache
from django.db import connection
from django.db.models import FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Assignment, Municipality, User
from accounts.queries import assignments_of as member_assignments
from core.compiled import CompiledRead
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


_ALL_FIELDS = CompiledRead(lambda: Field.objects.order_by("position", "slug"))
_FIELD_BY_SLUG = CompiledRead(lambda slug: Field.objects.filter(slug=slug).order_by("pk")[:1])


def all_fields() -> list[Field]:
    return _ALL_FIELDS()


def field_by_slug(slug: str) -> Field | None:
    return _FIELD_BY_SLUG.first(slug)


@dataclass
class BoardOfField:
    board: Board
    membership: Membership | None


def _boards_with_membership(field_id: int, user_id: int):
    mine = FilteredRelation("memberships", condition=Q(memberships__user_id=user_id))
    return (
        Board.objects.filter(work_fields__id=field_id)
        .annotate(my_membership=mine)
        .select_related("my_membership")
        .order_by("position", "slug")
    )


# Compiled once (core.compiled): every field page reads it.
_BOARDS_WITH_MEMBERSHIP = CompiledRead(_boards_with_membership)


def readable_boards_of_field(user, field: Field) -> list[BoardOfField]:
    """The field's boards the user may read, with their membership of each: one query, the
    membership joined to its board."""
    boards = _BOARDS_WITH_MEMBERSHIP(field.pk, user.pk)
    # Django leaves the attribute unset when the member has no row for the board.
    entries = [BoardOfField(board, getattr(board, "my_membership", None)) for board in boards]
    return [entry for entry in entries if can_view_board(user, entry.board, entry.membership)]


def current_guide(field: Field) -> GuideRevision | None:
    return field.guide_revisions.select_related("author").order_by("-number").first()


_NEWEST_GUIDE = CompiledRead(
    lambda slug: (
        GuideRevision.objects.filter(field__slug=slug)
        .select_related("field", "author")
        .order_by("-number")[:1]
    )
)


def field_and_guide(slug: str) -> tuple[Field | None, GuideRevision | None]:
    """A field and its current guide in one query (through the guide's newest version), or
    the field alone in a second one when nobody has written its guide yet."""
    guide = _NEWEST_GUIDE.first(slug)
    if guide is not None:
        return guide.field, guide
    return field_by_slug(slug), None


def guide_history(field: Field) -> QuerySet[GuideRevision]:
    return field.guide_revisions.select_related("author").order_by("-number")


@dataclass
class CalendarMonth:
    month: int
    entries: list = dataclass_field(default_factory=list)  # CalendarEntry, or dicts of one
    is_current: bool = False


def _months(entries) -> list[CalendarMonth]:
    this_month = timezone.localdate().month
    months = {
        month: CalendarMonth(month, is_current=month == this_month)
        for month in CalendarEntry.MONTHS_OF_FISCAL_YEAR
    }
    for entry in entries:
        months[entry["month"] if isinstance(entry, dict) else entry.month].entries.append(entry)
    return [months[month] for month in CalendarEntry.MONTHS_OF_FISCAL_YEAR]


def calendar_of(field: Field) -> list[CalendarMonth]:
    """The twelve months of the fiscal year, April first, with the field's recurring work."""
    return _months(field.calendar_entries.order_by("month", "id"))


def calendar_key(field_id: int) -> str:
    return f"fields.calendar:{field_id}"


def cached_calendar_of(field: Field) -> list[CalendarMonth]:
    """The calendar as a field's page shows it: its entries (``pk``, ``month``, ``title``,
    ``description``) come from the cache, which the services empty on every change."""
    entries = cache.get(calendar_key(field.pk))
    if entries is None:
        entries = list(
            field.calendar_entries.order_by("month", "id").values(
                "pk", "month", "title", "description"
            )
        )
        cache.set(calendar_key(field.pk), entries, CALENDAR_SECONDS)
    return _months(entries)


def best_answer_ids(board_ids: list[int], limit: int = 6) -> list[int]:
    """Solved topics of all time, the most helpful accepted answers first.

    Ranking every solved topic of a large board reads each accepted answer (~8,000 in a board
    of 25,000 topics), so the ids of the best are kept in the cache for a few minutes per set
    of boards; the topics themselves (and the reader's unread state) are read fresh.
    """
    key = "fields.best:" + ",".join(str(pk) for pk in sorted(board_ids)) + f":{limit}"
    ids = cache.get(key)
    if ids is None:
        ids = list(
            Topic.objects.filter(board_id__in=board_ids, accepted_post__isnull=False)
            .order_by("-accepted_post__helpful_count", "-last_posted_at", "-id")
            .values_list("id", flat=True)[:limit]
        )
        cache.set(key, ids, BEST_ANSWERS_SECONDS)
    return ids


def _is_waiting(topic: Topic) -> bool:
    return topic.reply_count == 0 and not topic.is_locked


def _newest_waiting(board_ids, waiting: int):
    return (
        Topic.objects.filter(
            board_id__in=board_ids, reply_count=0, is_locked=False, expects_answer=True
        )
        .order_by("-created_at", "-id")
        .values("pk")[:waiting]
    )


def _best_and_waiting(user_id: int, board_ids, best_ids, waiting: int):
    newest_waiting = _newest_waiting(board_ids, waiting)
    if best_ids is None:
        wanted = Q(pk__in=newest_waiting)
    elif connection.features.supports_slicing_ordering_in_compound:
        # One list of ids the topic index is probed with (an OR of the two would make
        # PostgreSQL filter every topic of the boards: 14 ms against 0.3 ms at 25,000 topics).
        wanted = Q(pk__in=Topic.objects.filter(pk__in=best_ids).values("pk").union(newest_waiting))
    else:  # SQLite cannot limit a part of a compound query; an embedded site is small
        wanted = Q(pk__in=best_ids) | Q(pk__in=newest_waiting)
    return with_reader_state(
        Topic.objects.filter(wanted, board_id__in=board_ids), user_id
    ).select_related("board", "last_poster")


BEST_ON_FIELD_PAGE = 6
WAITING_ON_FIELD_PAGE = 5
# The field page's read, with and without best answers: compiled once (core.compiled).
_BEST_AND_WAITING = CompiledRead(
    lambda user_id, board_ids, best_ids: _best_and_waiting(
        user_id, board_ids, best_ids, WAITING_ON_FIELD_PAGE
    )
)
_WAITING = CompiledRead(
    lambda user_id, board_ids: _best_and_waiting(user_id, board_ids, None, WAITING_ON_FIELD_PAGE)
)


def best_and_waiting_topics(user, board_ids: list[int]) -> tuple[list[Topic], list[Topic]]:
    """The BEST_ON_FIELD_PAGE best answers and the WAITING_ON_FIELD_PAGE newest questions still
    without a reply, of the given boards, with the reader's unread state: read together in one
    query.

    The waiting ones come from a subquery of the newest; a best answer that also waits (its
    reply deleted since) joins them only if it is as new, so the split is exact.
    """
    if not board_ids:
        return [], []
    waiting = WAITING_ON_FIELD_PAGE
    best_ids = best_answer_ids(board_ids, BEST_ON_FIELD_PAGE)
    if best_ids:
        topics = _BEST_AND_WAITING(user.pk, tuple(board_ids), tuple(best_ids))
    else:
        topics = _WAITING(user.pk, tuple(board_ids))
    by_id = {topic.pk: topic for topic in topics}
    waiting_topics = sorted(
        (topic for topic in by_id.values() if _is_waiting(topic)),
        key=lambda topic: (topic.created_at, topic.pk),
        reverse=True,
    )
    return [by_id[pk] for pk in best_ids if pk in by_id], waiting_topics[:waiting]


def calendar_history(field: Field) -> QuerySet[CalendarRevision]:
    return field.calendar_revisions.select_related("editor").order_by("-created_at", "-id")


def calendar_entry_history(entry: CalendarEntry) -> QuerySet[CalendarRevision]:
    return entry.revisions.select_related("editor").order_by("-created_at", "-id")


def handover_history(note: HandoverNote) -> QuerySet[HandoverNoteRevision]:
    return note.revisions.select_related("editor").order_by("-number")


def _shared_handover_notes(user_id: int, field_id: int):
    return (
        HandoverNote.objects.filter(Q(is_shared=True) | Q(author_id=user_id), field_id=field_id)
        .select_related("author", "organisation")
        .order_by("-updated_at", "-id")
    )


HANDOVER_NOTES_ON_FIELD_PAGE = 5
# The field page's five newest: compiled once (core.compiled).
_NEWEST_HANDOVER_NOTES = CompiledRead(
    lambda user_id, field_id: _shared_handover_notes(user_id, field_id)[
        :HANDOVER_NOTES_ON_FIELD_PAGE
    ]
)


def shared_handover_notes(user, field: Field, limit: int | None = None) -> list[HandoverNote]:
    if limit == HANDOVER_NOTES_ON_FIELD_PAGE:
        return _NEWEST_HANDOVER_NOTES(user.pk, field.pk)
    notes = _shared_handover_notes(user.pk, field.pk)
    return list(notes[:limit] if limit else notes)


# --- People who did this job elsewhere --------------------------------------------------------

ORGANISATION_KINDS = Municipality.Kind
BEST_ANSWERS_SECONDS = 300
PEOPLE_SECONDS = 300
CALENDAR_SECONDS = 3600


@dataclass
class PersonToAsk:
    member: User
    assignments: list[Assignment]
    card: str = ""  # its HTML (fields.fragments.attach_cards)

    @property
    def months(self) -> int:
        return sum(assignment.months for assignment in self.assignments)

    @property
    def is_current(self) -> bool:
        return any(assignment.state == "current" for assignment in self.assignments)


def _experience(field: Field | int | None, prefecture: str = "", kind: str = "", today=None) -> Q:
    """Assignments that count as having done the job: started by today, in the field (a field
    or its id), where the organisation matches the filters."""
    condition = Q(started_on__lte=today or timezone.localdate())
    condition &= Q(field=field) if field is not None else Q(field__isnull=False)
    if prefecture:
        condition &= Q(municipality__prefecture=prefecture)
    if kind:
        condition &= Q(municipality__kind=kind)
    return condition


# Who may be listed as a person to ask (``permissions.is_listed_as_ask_me``), as a condition
# on assignments.
LISTED_MEMBER = Q(user__ask_me=True, user__status=User.Status.VERIFIED, user__is_active=True)


def people_to_ask(viewer, field: Field | None, prefecture: str = "", kind: str = "") -> QuerySet:
    """Members who opted in to "ask me" and held a matching assignment, most recent first.

    Rows of ``{"user_id", "latest_start"}``, one per member, grouped from the assignments of
    the field (an index on field and member), so a page or a count never scans the members;
    ``attach_experience`` loads the members of one page and their matching assignments.
    """
    rows = Assignment.objects.filter(_experience(field, prefecture, kind), LISTED_MEMBER)
    if viewer is not None:
        rows = rows.exclude(user_id=viewer.pk)
    return (
        rows.values("user_id")
        .annotate(latest_start=Max("started_on"))
        .order_by("-latest_start", "user_id")
    )


def _experience_of(condition: Q, ids):
    return (
        Assignment.objects.filter(condition, LISTED_MEMBER)
        .filter(user_id__in=ids)
        .select_related("municipality", "field", "user__municipality")
        .order_by("-started_on", "-id")
    )


def _experience_read(given: tuple[bool, bool, bool]) -> CompiledRead:
    """The read of ``attach_experience`` when the filters marked in ``given`` (field,
    prefecture, kind) are set: their values follow ``today`` and the member ids."""

    def build(today, ids, *values):
        values = iter(values)
        field_id, prefecture, kind = (
            next(values) if present else empty
            for present, empty in zip(given, (None, "", ""), strict=True)
        )
        return _experience_of(_experience(field_id, prefecture, kind, today), ids)

    return CompiledRead(build)


# Each combination of filters, compiled once per number of members (core.compiled).
_EXPERIENCE = {given: _experience_read(given) for given in product((False, True), repeat=3)}


def attach_experience(
    rows, field: Field | None, prefecture: str = "", kind: str = ""
) -> list[PersonToAsk]:
    """The members of ``rows`` with their matching assignments, in the rows' order. One query:
    every member listed has a matching assignment, which brings the member row along. Members
    who are no longer listed (they untick "ask me", leave or are suspended) drop out here."""
    ids = [row["user_id"] for row in rows]
    if not ids:
        return []
    by_member: dict[int, PersonToAsk] = {}
    filters = (field.pk if field is not None else None, prefecture, kind)
    given = tuple(bool(value) for value in filters)
    values = [value for value in filters if value]
    assignments = _EXPERIENCE[given](timezone.localdate(), tuple(ids), *values)
    for assignment in assignments:
        person = by_member.setdefault(assignment.user_id, PersonToAsk(assignment.user, []))
        person.assignments.append(assignment)
    return [by_member[pk] for pk in ids if pk in by_member]


def people_for_field_page(viewer, field: Field, limit: int = 5) -> list[PersonToAsk]:
    """The people to ask a field page shows: the order (who held the job most recently) is
    kept in the cache for a few minutes per field, like the best answers; who is listed, and
    their posts, are read fresh, so an "ask me" withdrawn counts at once."""
    key = f"fields.people:{field.pk}:{limit}"
    ids = cache.get(key)
    if ids is None:
        # One more than shown: the viewer is never listed to themselves.
        ids = [row["user_id"] for row in people_to_ask(None, field)[: limit + 1]]
        cache.set(key, ids, PEOPLE_SECONDS)
    shown = [{"user_id": pk} for pk in ids if pk != viewer.pk][:limit]
    return attach_experience(shown, field)


_PREFECTURES = CompiledRead(
    lambda: (
        Municipality.objects.filter(kind=Municipality.Kind.PREFECTURE)
        .order_by("code")
        .values_list("name", flat=True)
    )
)


def prefectures() -> list[str]:
    return _PREFECTURES()


def assignments_of(member) -> list[Assignment]:
    """A member's timeline: planned posts first, then current, then past, newest first."""
    return member_assignments(member)

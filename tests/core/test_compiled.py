"""A read compiled once gives what the same queryset gives, for any values, in one query."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.compiled import CompiledRead
from forums.models import Board, Post, Topic
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def topics_of(board_id, since):
    return (
        Topic.objects.filter(board_id=board_id, created_at__gt=since)
        .select_related("board", "author")
        .annotate(replies=Count("posts"))
        .prefetch_related(Prefetch("posts", queryset=Post.objects.order_by("number")))
        .order_by("-id")[:10]
    )


@pytest.fixture
def two_boards():
    boards = [BoardFactory(slug="tax", name_ja="税務"), BoardFactory(slug="welfare")]
    for board in boards:
        author = MembershipFactory(board=board).user
        for title in ("住民税の申告", "固定資産税の通知"):
            make_reply(author, make_topic(author, board, title))
    return boards


def test_each_call_gives_what_the_queryset_gives_for_its_values(two_boards):
    read = CompiledRead(topics_of)
    since = timezone.now() - timedelta(days=1)
    for board in two_boards * 2:
        compiled = read(board.pk, since)
        plain = list(topics_of(board.pk, since))
        assert [t.pk for t in compiled] == [t.pk for t in plain]
        assert [(t.replies, t.board.slug, t.author.pk) for t in compiled] == [
            (t.replies, t.board.slug, t.author.pk) for t in plain
        ]
        assert [[p.number for p in t.posts.all()] for t in compiled] == [[1, 2], [1, 2]]
    assert read(two_boards[0].pk, timezone.now() + timedelta(days=1)) == []


def test_a_call_runs_the_read_and_its_prefetch_and_nothing_more(two_boards):
    read = CompiledRead(topics_of)
    since = timezone.now() - timedelta(days=1)
    read(two_boards[0].pk, since)
    with CaptureQueriesContext(connection) as queries:
        [first, _second] = read(two_boards[1].pk, since)
        first.board.slug, first.author.display_name, list(first.posts.all())
    assert len(queries) == 2


def test_an_argument_that_shapes_the_query_is_refused(two_boards):
    sliced = CompiledRead(lambda board_id, count: Topic.objects.filter(board_id=board_id)[:count])
    with pytest.raises(ValueError, match="argument 1"):
        sliced(two_boards[0].pk, 3)
    chosen = CompiledRead(
        lambda board_id, slug: Topic.objects.filter(board_id=board_id).order_by(
            "id" if slug == "tax" else "-id"
        )
    )
    with pytest.raises(ValueError, match="argument 1"):
        chosen(two_boards[0].pk, "tax")
    emptied = CompiledRead(
        lambda board_id, slug: (
            Topic.objects.filter(board_id=board_id) if slug == "tax" else Topic.objects.none()
        )
    )
    with pytest.raises(ValueError, match="shapes the query"):
        emptied(two_boards[0].pk, "tax")


def test_only_ints_strings_and_datetimes_are_arguments(two_boards):
    read = CompiledRead(lambda board_ids: Topic.objects.filter(board_id__in=board_ids))
    with pytest.raises(TypeError):
        read([board.pk for board in two_boards])


def test_values_are_prepared_as_the_field_would_and_none_is_refused(two_boards):
    read = CompiledRead(lambda board_id: Topic.objects.filter(board_id=board_id).order_by("id"))
    board = two_boards[0]
    by_id = [t.pk for t in read(board.pk)]
    assert [t.pk for t in read(str(board.pk))] == by_id
    with pytest.raises(TypeError):
        read(None)
    with pytest.raises(TypeError):
        read(True)


def test_naive_datetimes_are_refused(two_boards):
    read = CompiledRead(
        lambda board_id, since: Topic.objects.filter(board_id=board_id, created_at__gt=since)
    )
    read(two_boards[0].pk, timezone.now())
    with pytest.raises(ValueError, match="aware"):
        read(two_boards[0].pk, timezone.now().replace(tzinfo=None))


def test_first_gives_the_single_row_or_none(two_boards):
    read = CompiledRead(lambda slug: Topic.objects.filter(board__slug=slug).order_by("id")[:1])
    first = read.first("tax")
    assert first == Topic.objects.filter(board__slug="tax").order_by("id").first()
    assert read.first("no-such-board") is None


def topics_in(board_ids, since_day):
    return Topic.objects.filter(board_id__in=board_ids, created_at__date__gte=since_day).order_by(
        "id"
    )


def test_tuples_fill_an_in_lookup_compiled_once_per_length(two_boards):
    read = CompiledRead(topics_in)
    today = timezone.localdate()
    both = tuple(board.pk for board in two_boards)
    for board_ids in [both, both[:1], both[1:], tuple(reversed(both))]:
        assert [t.pk for t in read(board_ids, today)] == [t.pk for t in topics_in(board_ids, today)]
    assert len(read._compiled) == 2  # lengths 2 and 1
    assert read(both, today + timedelta(days=1)) == []
    with pytest.raises(ValueError, match="empty"):
        CompiledRead(topics_in)((), today)


def test_past_the_limit_of_shapes_a_call_runs_the_queryset_as_built(two_boards, monkeypatch):
    monkeypatch.setattr("core.compiled.MAX_SHAPES", 1)
    read = CompiledRead(topics_in)
    today = timezone.localdate()
    both = tuple(board.pk for board in two_boards)
    read(both[:1], today)
    assert [t.pk for t in read(both, today)] == [t.pk for t in topics_in(both, today)]
    assert len(read._compiled) == 1


def test_a_list_longer_than_the_limit_runs_the_queryset_as_built(two_boards, monkeypatch):
    monkeypatch.setattr("core.compiled.MAX_TUPLE", 1)
    read = CompiledRead(topics_in)
    today = timezone.localdate()
    both = tuple(board.pk for board in two_boards)
    assert [t.pk for t in read(both, today)] == [t.pk for t in topics_in(both, today)]
    assert read._compiled == {}


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_outside_a_transaction_is_refused_where_django_refuses_it(two_boards):
    def build(pk):
        return Board.objects.select_for_update().filter(pk=pk).order_by("pk")[:1]

    read = CompiledRead(build)
    with transaction.atomic():
        assert read.first(two_boards[0].pk) == two_boards[0]
    if connection.features.has_select_for_update:  # PostgreSQL
        with pytest.raises(TransactionManagementError):
            list(build(two_boards[0].pk))
        with pytest.raises(TransactionManagementError):
            read.first(two_boards[0].pk)
    else:  # SQLite locks the whole database on write and ignores the clause
        assert list(build(two_boards[0].pk)) == [read.first(two_boards[0].pk)]


def test_an_id_beyond_any_column_matches_nothing(two_boards):
    read = CompiledRead(lambda pk: Board.objects.filter(pk=pk).order_by("pk")[:1])
    assert read.first(two_boards[0].pk) == two_boards[0]
    assert read.first(2**70) is None


def test_get_gives_the_row_or_the_models_does_not_exist(two_boards):
    read = CompiledRead(lambda pk: Board.objects.filter(pk=pk).order_by("pk")[:1])
    assert read.get(two_boards[0].pk) == two_boards[0]
    with pytest.raises(Board.DoesNotExist):
        read.get(two_boards[1].pk + 1000)

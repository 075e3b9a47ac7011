"""The index follows every write: create, edit, delete, hide, move, answer, helpful, rebuild."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from forums import services
from forums.models import Post
from search import indexing
from search.models import PostDocument
from search.queries import SearchFilters, readable_board_ids, search
from tests.factories import BoardFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def found(user, query: str, **filters) -> list[int]:
    page = search(readable_board_ids(user), query, SearchFilters(**filters))
    return [result.post.pk for result in page.results]


@pytest.fixture
def topic(member, board):
    return services.create_topic(member, board, "接種券の発送", "接種券はいつ発送しますか？")


def test_a_new_topic_and_reply_are_found_at_once(topic, member, verified_user):
    reply = services.post_reply(member, topic, "モデルナの在庫があります。")
    assert found(verified_user, "接種券") == [topic.posts.get(number=1).pk]
    assert found(verified_user, "モデルナ") == [reply.pk]


def test_a_deleted_post_vanishes_from_results_and_counts(topic, member, verified_user):
    reply = services.post_reply(member, topic, "ファイザーの在庫があります。")
    services.delete_post(member, reply)
    page = search(readable_board_ids(verified_user), "ファイザー")
    assert page.results == [] and page.total == 0
    assert not PostDocument.objects.filter(post_id=reply.pk).exists()


def test_an_edit_reindexes_the_body(topic, member, verified_user):
    first = topic.posts.get(number=1)
    services.edit_post(member, first, "納税の時期を教えてください。")
    assert found(verified_user, '"いつ発送"') == []
    assert found(verified_user, "納税") == [first.pk]
    assert found(verified_user, "接種券") == [first.pk]  # the title still matches


def test_an_edit_of_the_title_reindexes_the_title(topic, member, verified_user):
    first = topic.posts.get(number=1)
    services.edit_post(member, first, first.body, title="予診票の様式")
    assert found(verified_user, "予診票") == [first.pk]


def test_a_hidden_post_is_not_found(topic, member, verified_user):
    if not hasattr(Post, "hidden_at"):
        pytest.skip("posts cannot be hidden yet")
    reply = services.post_reply(member, topic, "個人情報を含む投稿")
    Post.objects.filter(pk=reply.pk).update(hidden_at=timezone.now())
    indexing.index_post(Post.objects.select_related("topic").get(pk=reply.pk))
    assert found(verified_user, "個人情報") == []
    assert search(readable_board_ids(verified_user), "個人情報").total == 0


def test_a_moved_topic_is_found_under_its_new_board(topic, board, verified_user):
    other = BoardFactory(slug="welfare")
    topic.board = other
    topic.save(update_fields=["board"])
    indexing.reindex_topic(topic)
    assert found(verified_user, "接種券", board_id=other.pk) == [topic.posts.get(number=1).pk]
    assert found(verified_user, "接種券", board_id=board.pk) == []


def test_a_topic_moved_into_an_invite_board_disappears_for_outsiders(topic, verified_user):
    from forums.models import Board

    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    topic.board = secret
    topic.save(update_fields=["board"])
    indexing.reindex_topic(topic)
    assert search(readable_board_ids(verified_user), "接種券").total == 0


def test_accepting_an_answer_makes_the_topic_solved(topic, member, verified_user):
    answerer = MembershipFactory(board=topic.board).user
    answer = services.post_reply(answerer, topic, "発送は4月です。")
    assert found(verified_user, "接種券", solved_only=True) == []
    services.accept_answer(member, topic, answer)
    assert answer.pk in found(verified_user, "発送", solved_only=True)
    services.delete_post(answerer, answer)
    assert found(verified_user, "接種券", solved_only=True) == []


def test_helpful_marks_are_copied_to_the_index(topic, member, verified_user):
    reply = services.post_reply(member, topic, "役に立つ回答")
    services.toggle_helpful(verified_user, reply)
    assert PostDocument.objects.get(post_id=reply.pk).helpful_count == 1


def test_a_rolled_back_write_leaves_no_document(topic, member):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_reply(member, topic, "取り消される返信")
        raise RuntimeError
    assert PostDocument.objects.count() == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuild_recreates_the_same_index(topic, member, verified_user, workers):
    reply = services.post_reply(member, topic, "ワクチンの保管")
    deleted = services.post_reply(member, topic, "ワクチンの削除")
    services.delete_post(member, deleted)
    before = found(verified_user, "ワクチン")
    PostDocument.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0, workers=workers)
    assert found(verified_user, "ワクチン") == before == [reply.pk]
    assert PostDocument.objects.count() == 2


def test_common_words_read_the_answers_index_first_with_the_same_results(
    member, board, verified_user, monkeypatch
):
    """Answers come first in the quality order: when enough of them match, the best matches are
    read from the answers' own index, and the results are those of reading every match."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import queries

    if connection.vendor != "postgresql":
        pytest.skip("the answers' index is a PostgreSQL index (CI runs it)")
    answerer = MembershipFactory(board=board).user
    for number in range(12):
        topic = services.create_topic(
            member, board, f"接種券の再発行{number}", "接種券を再発行する手順は？"
        )
        reply = services.post_reply(answerer, topic, "接種券は窓口で即日再発行しています。")
        if number % 2:
            services.accept_answer(member, topic, reply)
    # Every word counts as common and a strategy keeps 3 matches: 6 answers are enough.
    monkeypatch.setattr(queries, "RARE_LIMIT", 0)
    monkeypatch.setattr(queries, "PER_STRATEGY", 3)
    monkeypatch.setattr(queries, "ANSWERS_FIRST", 0)
    with CaptureQueriesContext(connection) as captured:
        answers_first = found(verified_user, "接種券 再発行")
    assert any("d.is_answer AND" in query["sql"] for query in captured.captured_queries)
    monkeypatch.setattr(queries, "ANSWERS_FIRST", 10**9)
    with CaptureQueriesContext(connection) as captured:
        every_match = found(verified_user, "接種券 再発行")
    assert not any("d.is_answer AND" in query["sql"] for query in captured.captured_queries)
    assert answers_first == every_match
    assert answers_first


def test_strategies_look_for_other_forms_by_their_rarest_bigram_with_the_same_results(
    member, board, verified_user, monkeypatch
):
    """Candidates are chosen with each other form of a word reduced to its rarest bigram (a
    cheaper GIN scan); scoring still checks every form in full, so the results are those of
    looking for every form whole."""
    from django.db import connection

    from search import queries

    if connection.vendor != "postgresql":
        pytest.skip("the candidate strategies are PostgreSQL's (CI runs them)")
    typed = services.create_topic(member, board, "メールの送信", "メールで送ります。")
    variant = services.create_topic(member, board, "電子メールの送信", "電子メールで送ります。")
    services.create_topic(member, board, "メーカーの保守", "メーカーに問い合わせます。")
    monkeypatch.setattr(queries, "RARE_LIMIT", 0)  # every word counts as common
    lean = found(verified_user, "メール")
    monkeypatch.setattr(
        queries,
        "_lean",
        lambda concept, _f: queries._pg_any(
            queries._alternatives(concept, queries.VARIANT), phrases=False
        ),
    )
    assert found(verified_user, "メール") == lean
    assert set(lean) == {typed.posts.get().pk, variant.posts.get().pk}


@pytest.mark.django_db(transaction=True)
def test_word_statistics_are_read_again_only_after_an_analyze(topic, verified_user):
    """Outside a transaction, the statistics of the index's words (10,000 lexemes) are read
    once per ANALYZE, not once per search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE's statistics are PostgreSQL's (CI reads them)")

    def reads_statistics() -> bool:
        with CaptureQueriesContext(connection) as captured:
            assert found(verified_user, "接種券") == [topic.posts.get().pk]
        return any("most_common_elems" in query["sql"] for query in captured.captured_queries)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_postdocument")
    assert reads_statistics()
    assert not reads_statistics()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_postdocument")
    assert reads_statistics()


def test_a_posts_words_are_stored_without_compression_attempts(topic):
    """A vector of character bigrams does not compress, so PostgreSQL stores it out of line
    without trying pglz first (each attempt cost a write about 40 µs)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("column storage is PostgreSQL's (CI checks it)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attname = 'terms' "
            "AND attrelid = 'search_postdocument'::regclass"
        )
        assert cursor.fetchone() == ("e",)

"""A row of a topic list (board pages, the home page, fields of work) is rendered once for
everybody and cached; each reader's unread badge is put in. The result is the ordinary rendering
byte for byte, and never stale after a change to the topic or its last poster."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from accounts import services as accounts
from forums import fragments, queries, services
from forums.models import Topic
from tests.factories import MembershipFactory, make_reply, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def topics(board):
    asker = MembershipFactory(board=board, user__full_name="山田 花子").user
    answerer = MembershipFactory(board=board, user__full_name="佐藤 健").user
    answered = make_topic(asker, board, title="モデルナのバイアル", body="クッションが合いません。")
    answer = make_reply(answerer, answered, "十字に切って使っています。")
    make_reply(asker, answered, "ありがとうございます")
    services.accept_answer(asker, answered, answer)
    waiting = make_topic(answerer, board, title="集団接種会場の動線", body="図面はありますか。")
    return {"asker": asker, "answerer": answerer, "answered": answered, "waiting": waiting}


def rows_for(user, board, show_board=False):
    """The rows as the page builds them, and the ordinary rendering of each."""
    listed = list(
        queries.with_reader_state(
            Topic.objects.filter(board=board).select_related("board", "last_poster"), user
        ).order_by("-last_posted_at")
    )
    ordinary = "".join(
        render_to_string(fragments.ROW_TEMPLATE, {"topic": topic, "show_board": show_board})
        for topic in listed
    )
    return fragments.topic_rows(listed, show_board), ordinary


def read_to(user, topic, number):
    services.mark_read(user, topic, number, queries.last_read_number(user, topic))


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("show_board", [False, True])
def test_each_reader_gets_the_ordinary_rendering(topics, board, language, show_board):
    reader = MembershipFactory(board=board).user
    with translation.override(language):
        never_opened, expected = rows_for(reader, board, show_board)
        assert never_opened == expected
        assert never_opened.count("badge--unread") == 2  # "New" on both
        read_to(reader, topics["answered"], 1)
        partly_read, expected = rows_for(reader, board, show_board)
        assert partly_read == expected
        assert 'class="badge badge--unread" href="/topics/' in partly_read
        read_to(reader, topics["answered"], 3)
        read_to(reader, topics["waiting"], 1)
        all_read, expected = rows_for(reader, board, show_board)
        assert all_read == expected
        assert "badge--unread" not in all_read


def test_two_readers_share_the_cached_rows_but_not_their_badges(topics, board, monkeypatch):
    first, second = MembershipFactory(board=board).user, MembershipFactory(board=board).user
    read_to(first, topics["waiting"], 1)
    rows_for(first, board)
    rendered = []
    render = fragments._render_row
    monkeypatch.setattr(
        fragments, "_render_row", lambda *args: rendered.append(args) or render(*args)
    )
    rows, expected = rows_for(second, board)
    assert rendered == []  # both rows came from the cache
    assert rows == expected
    assert rows.count("badge--unread") == 2


def test_a_reply_and_a_renamed_poster_make_new_rows(topics, board):
    reader = MembershipFactory(board=board).user
    rows_for(reader, board)
    make_reply(topics["asker"], topics["waiting"], "うちの市の図面を添付します。")
    rows, expected = rows_for(reader, board)
    assert rows == expected
    assert "返信1件" in rows
    accounts.update_profile(topics["asker"], display_name="花子（保健センター）")
    rows, expected = rows_for(reader, board)
    assert rows == expected
    assert "花子（保健センター）" in rows


def test_titles_are_escaped_in_the_cached_row(board):
    author = MembershipFactory(board=board).user
    make_topic(author, board, title="<script>alert(1)</script>", body="本文です。")
    rows, expected = rows_for(author, board)
    assert rows == expected
    assert "<script>" not in rows and "&lt;script&gt;" in rows

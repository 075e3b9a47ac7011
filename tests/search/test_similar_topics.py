"""Similar topics suggested while a question's title is typed."""

import pytest

from search.analysis import analyse_question
from search.queries import readable_board_ids, similar_topics

pytestmark = pytest.mark.django_db


def test_a_title_is_read_as_its_content_words():
    concepts = analyse_question("モデルナのバイアルの保管方法は？").concepts
    # 保管 is a word of the synonym list (保管 ~ 保存); 方法 alone says nothing of the subject.
    assert [concept.text for concept in concepts] == ["モデルナ", "バイアル", "保管"]


def test_a_title_with_shared_words_suggests_the_existing_topic(corpus, verified_user):
    topics = similar_topics(readable_board_ids(verified_user), "モデルナの保管温度について")
    assert topics[0]["title"] == "モデルナのバイアルの保管方法は？"
    assert topics[0]["solved"] is True
    assert "<mark>モデルナ</mark>" in topics[0]["title_html"]


def test_solved_topics_come_first_among_equally_close_ones(corpus, verified_user):
    topics = similar_topics(readable_board_ids(verified_user), "接種の窓口")
    solved = [topic["solved"] for topic in topics]
    assert solved == sorted(solved, reverse=True)


def test_a_solved_topic_that_matches_worse_does_not_jump_ahead(corpus, ask, verified_user):
    ask(
        "vaccination",
        "3回目接種の会場のバイアル保管",
        "3回目接種の会場でバイアルをどう保管していますか。",
        "冷凍庫です。",
    )
    ask("vaccination", "3回目接種の予約枠の増やし方", "3回目接種の予約枠が足りません。")
    topics = similar_topics(readable_board_ids(verified_user), "3回目接種の予約枠")
    titles = [topic["title"] for topic in topics]
    assert titles[0] == "3回目接種の予約枠の増やし方"  # unsolved, but the one asked
    assert "3回目接種の会場のバイアル保管" in titles[1:]  # solved, half as close


def test_endpoint_returns_json(login, verified_user, corpus):
    response = login(verified_user).get(
        "/search/similar/", {"title": "入札参加資格の申請", "board": "procurement"}
    )
    assert response["Content-Type"] == "application/json"
    assert response.json()["topics"][0]["url"].startswith("/topics/")


def test_new_topic_form_includes_the_suggestion_region(login, member, board):
    html = login(member).get(f"/boards/{board.slug}/new/").content.decode()
    assert 'aria-live="polite"' in html
    assert "bundles/site.js" in html
    assert 'data-similar-url="/search/similar/"' in html

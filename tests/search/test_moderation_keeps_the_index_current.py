"""Moderation actions change what search finds: hidden and redacted text is gone at once."""

import pytest

from forums import services
from moderation.services import content
from search.queries import SearchFilters, readable_board_ids, search
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


def found(user, query: str, **filters) -> list[int]:
    page = search(readable_board_ids(user), query, SearchFilters(**filters))
    return [result.post.pk for result in page.results]


@pytest.fixture
def topic(member, board):
    return services.create_topic(member, board, "接種券の発送", "接種券はいつ発送しますか？")


def test_a_post_hidden_by_a_moderator_is_not_found_and_comes_back_when_unhidden(
    topic, member, site_moderator, verified_user
):
    reply = services.post_reply(member, topic, "住所は羽曳野市誉田1-2-3です")
    content.hide_post(site_moderator, reply, "個人情報")
    assert found(verified_user, "誉田") == []
    content.unhide_post(site_moderator, reply)
    assert found(verified_user, "誉田") == [reply.pk]


def test_a_redacted_post_cannot_be_found_by_its_old_text(
    topic, member, site_moderator, verified_user
):
    reply = services.post_reply(member, topic, "電話番号は090-1234-5678の山本太郎さん")
    content.redact_post(site_moderator, reply, "個人情報の掲載")
    assert found(verified_user, "山本太郎") == []


def test_a_topic_moved_by_a_moderator_is_found_under_its_new_board(
    topic, board, site_moderator, verified_user
):
    welfare = BoardFactory(slug="welfare")
    content.move_topic(site_moderator, topic, welfare)
    first = topic.posts.get(number=1).pk
    assert found(verified_user, "接種券", board_id=welfare.pk) == [first]
    assert found(verified_user, "接種券", board_id=board.pk) == []


def test_merged_posts_are_found_in_the_target_topic(
    topic, member, board, site_moderator, verified_user
):
    duplicate = services.create_topic(member, board, "接種券を再発行したい", "再発行の手順は？")
    content.merge_topics(site_moderator, duplicate, topic)
    results = search(readable_board_ids(verified_user), "再発行").results
    assert [result.post.topic_id for result in results] == [topic.pk]

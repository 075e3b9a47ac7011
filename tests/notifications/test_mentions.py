"""@mentions: whom a post names, who may be told, and the autocomplete."""

import pytest
from django.urls import reverse

from forums.models import Board
from notifications import services
from notifications.mentions import mentioned_user_ids
from notifications.models import Kind
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


def test_a_mention_notifies_the_member_named(board, asker, answerer, committed):
    with committed():
        topic = make_topic(asker, board, body="@佐藤 さん、保管温度を教えてください。")

    [notification] = notifications_of(answerer)
    assert (notification.kind, notification.topic) == (Kind.MENTION, topic)


def test_the_longest_display_name_wins(board, asker):
    tanaka = MembershipFactory(board=board, user__display_name="田中").user

    assert mentioned_user_ids("@田中 太郎さん、どうですか", board) == {asker.pk}
    assert mentioned_user_ids("@田中さん、どうですか", board) == {tanaka.pk}


def test_e_mail_addresses_and_code_are_not_mentions(board, answerer):
    assert mentioned_user_ids("連絡先 someone@佐藤.example", board) == set()
    assert mentioned_user_ids("`@佐藤` と書きます\n```\n@佐藤\n```", board) == set()
    assert mentioned_user_ids("全角でも＠佐藤さん", board) == {answerer.pk}


def test_a_display_name_shared_by_two_members_names_nobody(board, answerer):
    MembershipFactory(board=board, user__display_name="佐藤")

    assert mentioned_user_ids("@佐藤 さん", board) == set()


def test_a_mention_in_a_post_links_to_the_members_profile(board, asker, answerer):
    from forums import services as forums

    topic = make_topic(asker, board, body="@佐藤 さん、`@佐藤` の書き方で呼べます。")
    html = topic.posts.get().html
    link = f'<a href="/members/{answerer.pk}/" class="mention" rel="nofollow noopener noreferrer">'
    assert html.count(link + "@佐藤</a>") == 1  # the name in code stays text
    MembershipFactory(board=board, user__display_name="佐藤")
    reply = make_reply(asker, topic, "@佐藤 さん、同じ名前が二人います。")
    assert "mention" not in reply.html  # an ambiguous name links nobody
    forums.edit_post(asker, reply, "@田中 太郎 です（自分宛て）。")
    reply.refresh_from_db()
    assert f'href="/members/{asker.pk}/" class="mention"' in reply.html


def test_a_shared_name_links_nobody_not_even_a_shorter_name_inside_it(board, asker):
    """「田中 太郎」 is two members here: @田中 太郎 names nobody, not 「田中」."""
    MembershipFactory(board=board, user__display_name="田中 太郎")
    tanaka = MembershipFactory(board=board, user__display_name="田中").user
    topic = make_topic(asker, board, body="@田中 太郎 さん、@田中 さん")
    html = topic.posts.get().html
    assert html.count('class="mention"') == 1
    assert f'<a href="/members/{tanaka.pk}/" class="mention"' in html
    assert "@田中</a> さん" in html and "@田中 太郎 さん" in html
    assert mentioned_user_ids("@田中 太郎 さん", board) == set()


def test_a_mention_of_someone_who_cannot_read_the_topic_creates_nothing(asker, committed):
    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    MembershipFactory(board=secret, user=asker)
    outsider = UserFactory(display_name="部外者")
    with committed():
        make_topic(asker, secret, body="@部外者 さんにも見てほしい")

    assert notifications_of(outsider) == []


def test_watching_and_mentioned_gives_one_notification(asker, answerer, topic, committed):
    services.watch_topic(answerer, topic)
    with committed():
        make_reply(asker, topic, "@佐藤 さん、ありがとうございます")

    [notification] = notifications_of(answerer)
    assert notification.kind == Kind.MENTION


def test_a_muted_topic_still_tells_you_when_you_are_named(asker, answerer, topic, committed):
    services.mute_topic(answerer, topic)
    with committed():
        make_reply(asker, topic, "@佐藤 さん、いかがでしょう")

    assert [n.kind for n in notifications_of(answerer)] == [Kind.MENTION]


def test_autocomplete_lists_members_of_the_board_with_their_municipality(
    login, board, asker, answerer
):
    response = login(asker).get(
        reverse("notifications:mention_candidates", args=[board.slug]), {"q": "佐"}
    )

    assert response.json() == {
        "members": [
            {
                "display_name": "佐藤",
                "full_name": "佐藤 花子",
                "municipality": "北海道 札幌市",
                "avatar": {"photo": "", "initials": "佐", "colour": answerer.pk * 7 % 8},
            }
        ]
    }


def test_autocomplete_of_an_invite_board_is_a_404_to_outsiders(login, verified_user):
    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    response = login(verified_user).get(
        reverse("notifications:mention_candidates", args=[secret.slug]), {"q": ""}
    )
    assert response.status_code == 404


def test_reply_form_offers_mentions(login, asker, topic, board):
    page = login(asker).get(topic.get_absolute_url()).content.decode()
    assert reverse("notifications:mention_candidates", args=[board.slug]) in page


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(
    board, asker, answerer, committed
):
    from forums import services as forum_services

    third = MembershipFactory(board=board, user__display_name="鈴木").user
    with committed():
        topic = make_topic(asker, board, body="@佐藤 さん、保管温度を教えてください。")
    post = topic.posts.get(number=1)
    with committed():
        forum_services.edit_post(asker, post, "@佐藤 さん、@鈴木 さん、保管温度を教えてください。")
    [already] = notifications_of(answerer, kind=Kind.MENTION)
    assert already.count == 1
    [notification] = notifications_of(third)
    assert notification.kind == Kind.MENTION

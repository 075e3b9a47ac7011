"""Each kind of event reaches the member it concerns, once, in the app and by e-mail."""

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import User
from forums import services as forum_services
from forums.models import Board, Membership
from moderation.services import content as moderation_content
from moderation.services import membership as moderation_membership
from moderation.services import site as site_moderation
from notifications.models import Kind
from notifications.text import describe
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


def test_your_reply_accepted_as_the_answer(asker, answerer, topic, committed):
    with committed():
        reply = make_reply(answerer, topic)
    with committed():
        forum_services.accept_answer(asker, topic, reply)

    [notification] = notifications_of(answerer, kind=Kind.ANSWER_ACCEPTED)
    assert notification.post == reply and notification.actor == asker


def test_an_answer_undone_before_the_worker_runs_tells_nobody(asker, answerer, topic, committed):
    with committed():
        reply = make_reply(answerer, topic)
    with committed():
        forum_services.accept_answer(asker, topic, reply)
        forum_services.accept_answer(asker, topic, None)

    assert notifications_of(answerer, kind=Kind.ANSWER_ACCEPTED) == []


def test_marked_helpful_names_the_person_and_their_municipality(asker, answerer, topic, committed):
    with committed():
        reply = make_reply(asker, topic, "うちは冷凍庫で保管")
    with committed():
        forum_services.toggle_helpful(answerer, reply)

    [notification] = notifications_of(asker, kind=Kind.HELPFUL)
    with translation.override("en"):
        assert describe(notification) == (
            "佐藤 花子 (北海道 札幌市) found your post in “モデルナの保管” helpful"
        )


def test_two_helpful_marks_are_grouped_and_a_repeat_counts_once(
    board, asker, answerer, topic, committed
):
    third = MembershipFactory(board=board).user
    with committed():
        reply = make_reply(asker, topic, "うちは冷凍庫で保管")
    with committed():
        forum_services.toggle_helpful(answerer, reply)
        forum_services.toggle_helpful(third, reply)

    [notification] = notifications_of(asker, kind=Kind.HELPFUL)
    assert notification.count == 2


def test_join_request_decided(site_moderator, verified_user, committed):
    board = BoardFactory(join_policy=Board.JoinPolicy.APPROVAL)
    membership = MembershipFactory(board=board, user=verified_user, state="pending")
    with committed():
        moderation_membership.approve_requests(site_moderator, board, [membership.pk])

    [notification] = notifications_of(verified_user)
    assert notification.kind == Kind.JOIN_DECIDED
    assert board.name_ja in notification.message
    [message] = mail.outbox  # one e-mail, from the worker, in the member's language
    assert message.to == [verified_user.email]
    assert board.name_ja in message.body


def test_moderation_action_on_your_post(site_moderator, asker, topic, committed):
    post = topic.posts.get()
    with committed():
        moderation_content.hide_post(site_moderator, post, "個人情報が含まれています")

    [notification] = notifications_of(asker, kind=Kind.MODERATION)
    assert notification.reason == "個人情報が含まれています"
    assert [message.to for message in mail.outbox] == [[asker.email]]
    assert "個人情報が含まれています" in mail.outbox[0].body


def test_moderation_notice_in_english_for_an_english_member(
    site_moderator, asker, topic, committed
):
    User.objects.filter(pk=asker.pk).update(language="en")
    asker.refresh_from_db()
    post = topic.posts.get()
    with committed():
        moderation_content.hide_post(site_moderator, post, "personal data")

    [notification] = notifications_of(asker, kind=Kind.MODERATION)
    assert notification.message.startswith("A moderator hid your post")


def test_verification_decided_is_one_notification_and_one_e_mail(site_moderator, committed):
    applicant = UserFactory(status=User.Status.PENDING, full_name="田中 一郎")
    with committed():
        site_moderation.approve_member(site_moderator, applicant)

    [notification] = notifications_of(applicant)
    assert notification.kind == Kind.VERIFICATION
    [message] = mail.outbox
    assert "田中 一郎" in message.body
    assert message.alternatives  # HTML beside the plain text


def test_removal_from_a_board_is_a_moderation_notice(board, board_moderator, member, committed):
    membership = Membership.objects.get(user=member, board=board)
    with committed():
        moderation_membership.remove_member(board_moderator, membership, "話題違い")

    [notification] = notifications_of(member)
    assert notification.kind == Kind.MODERATION

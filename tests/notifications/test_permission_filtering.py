"""No notification ever reveals what its recipient cannot read."""

import pytest

from forums.models import Board
from notifications import services
from notifications.models import Notification, TopicSubscription
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_topic(committed):
    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE, name_ja="人事の相談室")
    asker = MembershipFactory(board=secret).user
    with committed():
        topic = make_topic(asker, secret, title="異動の内示について")
    return secret, asker, topic


def test_an_invite_board_topic_never_notifies_a_non_member(secret_topic, committed):
    _secret, asker, topic = secret_topic
    former = UserFactory()
    # Watching left over from before they were removed from the board.
    TopicSubscription.objects.create(user=former, topic=topic)
    with committed():
        make_reply(asker, topic, "追記")

    assert notifications_of(former) == []


def test_watching_a_board_you_cannot_read_is_refused(secret_topic, verified_user):
    from django.core.exceptions import PermissionDenied

    secret, _asker, topic = secret_topic
    with pytest.raises(PermissionDenied):
        services.watch_board(verified_user, secret)
    with pytest.raises(PermissionDenied):
        services.watch_topic(verified_user, topic)


def test_suspended_members_are_told_nothing(board, asker, answerer, topic, committed):
    from accounts.models import User

    User.objects.filter(pk=asker.pk).update(status=User.Status.SUSPENDED)
    with committed():
        make_reply(answerer, topic)

    assert notifications_of(asker) == []


def test_a_hidden_reply_is_not_fanned_out(asker, answerer, topic, committed, site_moderator):
    from moderation.services import content

    reply = make_reply(answerer, topic)  # its fan-out has not run yet
    content.hide_post(site_moderator, reply, "確認中")
    from notifications.delivery import fan_out_post

    assert fan_out_post(reply.pk) == 0
    assert notifications_of(asker, kind="reply") == []


def test_the_list_names_no_topic_of_a_board_the_member_left(login, secret_topic, committed):
    secret, asker, topic = secret_topic
    insider = MembershipFactory(board=secret).user
    services.watch_topic(insider, topic)
    with committed():
        make_reply(asker, topic, "続報です")
    insider.memberships.all().delete()

    page = login(insider).get("/notifications/").content.decode()
    assert Notification.objects.filter(recipient=insider).count() == 1
    assert "異動の内示について" not in page
    assert "人事の相談室" not in page

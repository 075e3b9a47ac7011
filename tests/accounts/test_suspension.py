"""Specs for suspending members: their pages, their sessions and their open sockets."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts import live
from accounts.models import User, VerificationEvent
from forums.consumers import CLOSE_FORBIDDEN, TopicConsumer
from moderation.services import site as site_moderation
from tests.factories import UserFactory, make_topic

REASON = "同じ広告を複数の掲示板に繰り返し投稿したため。"


def error_messages(response) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "error"
    ]


def refreshed(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --- Suspending and reinstating through the profile page -------------------------------------


def test_site_moderator_suspends_a_member_with_a_reason(login, site_moderator, member):
    response = login(site_moderator).post(
        reverse("moderation:suspend", args=[member.pk]), {"reason": REASON}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile", args=[member.pk])
    member = refreshed(member)
    assert member.status == User.Status.SUSPENDED
    assert member.status_reason == REASON
    event = VerificationEvent.objects.get(user=member, new_status=User.Status.SUSPENDED)
    assert (event.actor, event.old_status, event.reason) == (
        site_moderator,
        User.Status.VERIFIED,
        REASON,
    )


def test_moderator_sees_the_reason_and_a_reinstate_button_on_the_profile(
    login, site_moderator, member
):
    client = login(site_moderator)
    client.post(reverse("moderation:suspend", args=[member.pk]), {"reason": REASON})

    html = client.get(reverse("accounts:profile", args=[member.pk])).content.decode()

    assert REASON in html
    assert reverse("moderation:reinstate", args=[member.pk]) in html


def test_suspension_needs_a_reason(login, site_moderator, member):
    response = login(site_moderator).post(
        reverse("moderation:suspend", args=[member.pk]), {"reason": "  "}
    )

    assert response.status_code == 302
    assert len(error_messages(response)) == 1
    assert refreshed(member).status == User.Status.VERIFIED


def test_suspended_member_is_signed_out_on_their_next_request(login, site_moderator, member, board):
    members_browser = login(member)
    assert members_browser.get(reverse("forums:board", args=[board.slug])).status_code == 200

    login(site_moderator).post(reverse("moderation:suspend", args=[member.pk]), {"reason": REASON})
    response = members_browser.get(reverse("forums:board", args=[board.slug]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:suspended")
    assert "_auth_user_id" not in members_browser.session
    suspended_page = members_browser.get(response.url)
    assert suspended_page.status_code == 403
    assert "accounts/suspended.html" in [template.name for template in suspended_page.templates]


def test_signed_out_suspended_member_cannot_reach_a_board_page(
    login, site_moderator, member, board
):
    members_browser = login(member)
    login(site_moderator).post(reverse("moderation:suspend", args=[member.pk]), {"reason": REASON})
    members_browser.get(reverse("home"))  # signed out here

    response = members_browser.get(reverse("forums:board", args=[board.slug]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_suspended_member_is_refused_at_sign_in_even_with_the_right_password(suspended_user, board):
    browser = Client()
    response = browser.post(
        reverse("account_login"),
        {"login": suspended_user.email, "password": "correct-horse-battery-42"},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:suspended")
    assert "_auth_user_id" not in browser.session
    response = browser.get(reverse("forums:board", args=[board.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_reinstating_restores_verified_status_and_access(login, site_moderator, member, board):
    moderators_browser = login(site_moderator)
    moderators_browser.post(reverse("moderation:suspend", args=[member.pk]), {"reason": REASON})

    response = moderators_browser.post(reverse("moderation:reinstate", args=[member.pk]))

    assert response.status_code == 302
    member = refreshed(member)
    assert member.status == User.Status.VERIFIED
    assert member.status_reason == ""
    assert VerificationEvent.objects.filter(
        user=member, old_status=User.Status.SUSPENDED, new_status=User.Status.VERIFIED
    ).exists()
    assert login(member).get(reverse("forums:board", args=[board.slug])).status_code == 200


def test_ordinary_member_cannot_suspend_anyone(login, member, verified_user):
    response = login(member).post(
        reverse("moderation:suspend", args=[verified_user.pk]), {"reason": REASON}
    )

    assert response.status_code == 403
    assert refreshed(verified_user).status == User.Status.VERIFIED


def test_ordinary_member_cannot_reinstate_anyone(login, member, suspended_user):
    response = login(member).post(reverse("moderation:reinstate", args=[suspended_user.pk]))

    assert response.status_code == 403
    assert refreshed(suspended_user).status == User.Status.SUSPENDED


def test_ordinary_member_sees_no_suspend_form_on_a_profile(login, member, verified_user):
    html = login(member).get(reverse("accounts:profile", args=[verified_user.pk])).content
    assert reverse("moderation:suspend", args=[verified_user.pk]).encode() not in html


def test_moderator_cannot_suspend_themselves(login, site_moderator):
    response = login(site_moderator).post(
        reverse("moderation:suspend", args=[site_moderator.pk]), {"reason": REASON}
    )

    assert response.status_code == 302
    assert len(error_messages(response)) == 1
    assert refreshed(site_moderator).status == User.Status.VERIFIED


def test_moderator_cannot_suspend_a_superuser(login, site_moderator):
    admin = UserFactory(is_superuser=True, is_staff=True)

    login(site_moderator).post(reverse("moderation:suspend", args=[admin.pk]), {"reason": REASON})

    assert refreshed(admin).status == User.Status.VERIFIED


def test_anonymous_visitor_cannot_suspend(client, member):
    response = client.post(reverse("moderation:suspend", args=[member.pk]), {"reason": REASON})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert refreshed(member).status == User.Status.VERIFIED


# --- Live sockets ----------------------------------------------------------------------------


@pytest.fixture
def topic(member, board):
    return make_topic(member, board)


def consumer_socket(user, topic) -> WebsocketCommunicator:
    """The topic consumer on its own, as the session middleware would hand it the user."""
    path = f"/ws/topics/{topic.pk}/"
    communicator = WebsocketCommunicator(TopicConsumer.as_asgi(), path)
    communicator.scope["user"] = user
    communicator.scope["url_route"] = {"kwargs": {"topic_id": topic.pk}}
    return communicator


def application_socket(topic, *, origin=b"http://localhost", cookie: str | None = None):
    """A socket through the whole ASGI application: origin check, session, routing."""
    from onlinecityhall.asgi import application

    headers = [(b"origin", origin), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/topics/{topic.pk}/", headers=headers)


def session_cookie(user) -> str:
    browser = Client()
    browser.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_verified_viewer_connects_to_a_topic_socket(verified_user, topic):
    communicator = consumer_socket(verified_user, topic)

    connected, _ = await communicator.connect()

    assert connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_suspended_member_is_refused_on_connect(suspended_user, topic):
    communicator = consumer_socket(suspended_user, topic)

    connected, code = await communicator.connect()

    assert not connected
    assert code == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_open_socket_is_closed_when_its_member_is_suspended(
    site_moderator, verified_user, topic
):
    communicator = consumer_socket(verified_user, topic)
    connected, _ = await communicator.connect()
    assert connected

    # A real transaction: the notification goes out from on_commit, as in production.
    await database_sync_to_async(site_moderation.suspend_member)(
        site_moderator, verified_user, REASON
    )

    assert await communicator.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": CLOSE_FORBIDDEN,
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_open_socket_stays_open_when_access_is_rechecked_and_still_allowed(
    verified_user, topic
):
    communicator = consumer_socket(verified_user, topic)
    connected, _ = await communicator.connect()
    assert connected

    await database_sync_to_async(live.member_access_changed)(verified_user)

    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_socket_of_another_member_stays_open_when_someone_is_suspended(
    site_moderator, verified_user, member, topic
):
    bystander = consumer_socket(member, topic)
    suspended = consumer_socket(verified_user, topic)
    assert (await bystander.connect())[0]
    assert (await suspended.connect())[0]

    await database_sync_to_async(site_moderation.suspend_member)(
        site_moderator, verified_user, REASON
    )

    assert (await suspended.receive_output(timeout=2))["code"] == CLOSE_FORBIDDEN
    assert await bystander.receive_nothing(timeout=0.3)
    await bystander.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_application_accepts_a_verified_member_with_their_session_cookie(
    verified_user, topic
):
    cookie = await database_sync_to_async(session_cookie)(verified_user)
    communicator = application_socket(topic, cookie=cookie)

    connected, _ = await communicator.connect()

    assert connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_application_refuses_a_socket_from_a_foreign_origin(verified_user, topic):
    cookie = await database_sync_to_async(session_cookie)(verified_user)
    communicator = application_socket(topic, origin=b"http://evil.example", cookie=cookie)

    connected, _ = await communicator.connect()

    assert not connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_application_refuses_an_anonymous_socket(topic):
    communicator = application_socket(topic)

    connected, code = await communicator.connect()

    assert not connected
    assert code == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_application_refuses_a_suspended_member_with_a_session_cookie(suspended_user, topic):
    cookie = await database_sync_to_async(session_cookie)(suspended_user)
    communicator = application_socket(topic, cookie=cookie)

    connected, code = await communicator.connect()

    assert not connected
    assert code == CLOSE_FORBIDDEN

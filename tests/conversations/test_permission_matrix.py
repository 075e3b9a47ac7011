"""Who may open what of a conversation: every page, catch-up URL and socket, for a
participant, a former participant (left or removed), a member blocked by a participant,
another member, a site moderator before and after a report, a suspended participant and an
anonymous visitor. Whoever may not read it gets a 404 (or the sign-in/status redirect that
every page gives to those who are not verified members), never a word of it."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import AsyncClient, Client

from accounts.models import User
from conversations import services
from conversations.consumers import ConversationConsumer
from conversations.models import MessageReport
from forums.consumers import CLOSE_FORBIDDEN
from tests.conversations.conftest import veteran

SECRET = "返還金の分割納付について"


def page_urls(conversation, message):
    base = f"/conversations/{conversation.pk}/"
    return [
        base,
        base + "events/?since=0",
        base + "export/",
        base + "participants/",
        f"/conversations/messages/{message.pk}/history/",
        f"/conversations/messages/{message.pk}/report/",
    ]


def post_urls(conversation, message):
    base = f"/conversations/{conversation.pk}/"
    return [
        (base + "messages/", {"body": "割り込み"}),
        (base + "read/", {"number": "1"}),
        (base + "leave/", {}),
        (base + "participants/add/", {"to": ["1"]}),
        (base + f"participants/{message.author_id}/remove/", {}),
        (f"/conversations/messages/{message.pk}/edit/", {"body": "改ざん"}),
        (f"/conversations/messages/{message.pk}/delete/", {}),
    ]


@pytest.fixture
def cast(db):
    starter = veteran(full_name="田中 太郎")
    partner = veteran(full_name="佐藤 花子")
    leaver = veteran(full_name="退出 者")
    removed = veteran(full_name="除外 者")
    suspended = veteran(full_name="停止 者")
    blocked = veteran(full_name="ブロック 者")
    other = veteran(full_name="他人 太郎")
    moderator = veteran(full_name="山田 花子", is_site_moderator=True)
    services.block_member(partner, blocked)
    conversation = services.start_conversation(
        starter, [partner, leaver, removed, suspended], SECRET, title="分割納付"
    )
    services.leave_conversation(leaver, conversation)
    services.remove_participant(starter, conversation, removed)
    User.objects.filter(pk=suspended.pk).update(status=User.Status.SUSPENDED)
    suspended.refresh_from_db()
    message = conversation.messages.get()
    return {
        "conversation": conversation,
        "message": message,
        "participant": partner,
        "former participant (left)": leaver,
        "former participant (removed)": removed,
        "blocked": blocked,
        "other member": other,
        "moderator": moderator,
        "suspended": suspended,
    }


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


REFUSED = [
    "former participant (left)",
    "former participant (removed)",
    "blocked",
    "other member",
    "moderator",
]


@pytest.mark.django_db
def test_a_participant_opens_every_page(cast):
    client = client_as(cast["participant"])
    for url in page_urls(cast["conversation"], cast["message"]):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", REFUSED)
def test_everyone_else_gets_404_on_every_page_and_action(cast, role):
    client = client_as(cast[role])
    for url in page_urls(cast["conversation"], cast["message"]):
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert SECRET not in response.content.decode()
    for url, data in post_urls(cast["conversation"], cast["message"]):
        assert client.post(url, data).status_code == 404, (role, url)
    assert cast["conversation"].messages.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", REFUSED)
def test_everyone_else_finds_no_trace_of_it_in_their_own_lists(cast, role):
    client = client_as(cast[role])
    for url in ("/conversations/", "/conversations/rows/"):
        html = client.get(url).content.decode()
        assert "分割納付" not in html and SECRET not in html, (role, url)
    assert client.get("/conversations/unread/").json() == {"unread": 0}


@pytest.mark.django_db
def test_a_moderator_reads_nothing_before_a_report_and_only_the_report_after(cast):
    moderator = client_as(cast["moderator"])
    assert moderator.get("/conversations/reports/").status_code == 200
    assert SECRET not in moderator.get("/conversations/reports/").content.decode()
    services.report_message(cast["participant"], cast["message"], "harassment")
    report = MessageReport.objects.get()
    page = moderator.get(f"/conversations/reports/{report.pk}/")
    assert page.status_code == 200 and SECRET in page.content.decode()
    for url in page_urls(cast["conversation"], cast["message"]):
        assert moderator.get(url).status_code == 404, url
    # Members who are not site moderators never see reports.
    assert (
        client_as(cast["participant"]).get(f"/conversations/reports/{report.pk}/").status_code
        == 403
    )


@pytest.mark.django_db
def test_suspended_and_anonymous_are_sent_away_without_content(cast):
    # A suspended member is signed out on their first request and told why.
    away = ("/account/suspended/", "/accounts/login/")
    for user in (cast["suspended"], None):
        client = client_as(user)
        for url in page_urls(cast["conversation"], cast["message"]):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(away), (url, response["Location"])
        for url, data in post_urls(cast["conversation"], cast["message"]):
            assert client.post(url, data).status_code == 302
    assert cast["conversation"].messages.count() == 1


def socket_for(user, conversation, query="since=0"):
    communicator = WebsocketCommunicator(
        ConversationConsumer.as_asgi(), f"/ws/conversations/{conversation.pk}/?{query}"
    )
    communicator.scope["user"] = user or AnonymousUser()
    communicator.scope["url_route"] = {"kwargs": {"conversation_id": conversation.pk}}
    communicator.scope["query_string"] = query.encode()
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_sockets_admit_participants_only():
    cast_ = await sync_to_async(cast.__wrapped__)(None)
    conversation = cast_["conversation"]
    socket = socket_for(cast_["participant"], conversation)
    connected, _code = await socket.connect()
    assert connected
    replayed = await socket.receive_json_from(timeout=3)
    assert replayed["type"] == "message.created" and SECRET in replayed["html"]
    await socket.disconnect()
    await sync_to_async(services.report_message)(cast_["participant"], cast_["message"], "other")
    for role in [*REFUSED, "suspended", None]:
        user = cast_[role] if role else None
        socket = socket_for(user, conversation)
        connected, code = await socket.connect()
        assert not connected and code == CLOSE_FORBIDDEN, role


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_event_stream_is_for_participants_only():
    cast_ = await sync_to_async(cast.__wrapped__)(None)
    conversation = cast_["conversation"]
    url = f"/conversations/{conversation.pk}/events/stream/?since=0"
    await sync_to_async(services.report_message)(cast_["participant"], cast_["message"], "other")
    for role in [*REFUSED, "suspended", None]:
        client = AsyncClient()
        if role is not None:
            await sync_to_async(client.force_login)(cast_[role])
        response = await client.get(url)
        assert response.status_code in (302, 404), role
        assert not getattr(response, "streaming", False), role

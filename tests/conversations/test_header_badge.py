"""The header's count of conversations with unread messages: on every page of a verified
member, live on the member's own channel, and over plain HTTP where no socket gets through."""

from unittest import mock

from accounts.live import user_group
from accounts.models import User
from conversations import live, services
from tests.factories import UserFactory


def badge_number(html: str) -> str:
    start = html.index("data-conversation-count-number>") + len("data-conversation-count-number>")
    return html[start : html.index("<", start)]


def activity_events(send_many) -> dict:
    """The ``conversation.activity`` event each user group was sent, from patched sends."""
    return {
        group: message["event"]
        for call in send_many.call_args_list
        for group, message in call.args[0]
        if message.get("event", {}).get("type") == "conversation.activity"
    }


def test_the_header_counts_conversations_with_unread_messages(login, newcomer, expert, outsider):
    first = services.start_conversation(newcomer, [expert], "一通目")
    services.send_message(newcomer, first, "二通目")
    services.start_conversation(outsider, [expert], "別の相談")
    client = login(expert)
    html = client.get("/boards/").content.decode()
    assert badge_number(html) == "2"  # two conversations, however many messages
    assert "data-conversation-count hidden" not in html
    client.get(f"/conversations/{first.pk}/")  # reads it
    assert badge_number(client.get("/boards/").content.decode()) == "1"
    assert client.get("/conversations/unread/").json() == {"unread": 1}
    # The writer has read their own messages.
    html = login(newcomer).get("/boards/").content.decode()
    assert badge_number(html) == "0" and "data-conversation-count hidden" in html


def test_former_participants_are_not_counted(login, newcomer, expert):
    conversation = services.start_conversation(newcomer, [expert], "一通目")
    services.leave_conversation(expert, conversation)
    services.send_message(newcomer, conversation, "二通目")
    assert login(expert).get("/conversations/unread/").json() == {"unread": 0}


def test_the_count_url_is_for_verified_members_only(db, client, login):
    assert client.get("/conversations/unread/").status_code == 302
    pending = UserFactory(status=User.Status.PENDING)
    assert login(pending).get("/conversations/unread/").status_code == 302


def test_every_participant_hears_their_new_count_after_a_message(
    newcomer, expert, outsider, committed
):
    services.start_conversation(outsider, [expert], "別の相談")
    with mock.patch.object(live.broadcast, "send_many") as send_many, committed():
        conversation = services.start_conversation(newcomer, [expert], "一通目")
    events = activity_events(send_many)
    assert events[user_group(expert.pk)] == {
        "type": "conversation.activity",
        "conversation_id": conversation.pk,
        "unread": 1,
        "unread_conversations": 2,
    }
    assert events[user_group(newcomer.pk)]["unread_conversations"] == 0


def test_reading_and_leaving_update_the_count_of_that_member(newcomer, expert, committed):
    conversation = services.start_conversation(newcomer, [expert], "一通目")
    seat = conversation.participants.select_related("conversation").get(user=expert)
    with mock.patch.object(live.broadcast, "send_many") as send_many, committed():
        services.mark_read(expert, seat, 1)
    events = activity_events(send_many)
    assert list(events) == [user_group(expert.pk)]  # only the reader's own pages
    assert events[user_group(expert.pk)]["unread_conversations"] == 0
    services.send_message(newcomer, conversation, "二通目")
    with mock.patch.object(live.broadcast, "send_many") as send_many, committed():
        services.leave_conversation(expert, conversation)
    event = activity_events(send_many)[user_group(expert.pk)]
    assert event["unread"] == 0 and event["unread_conversations"] == 0

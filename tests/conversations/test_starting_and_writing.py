"""Starting conversations and writing in them: from a profile, a post's author menu and the
conversations page; Markdown, quotes, edits with history, mentions and participants."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conversations import live, services
from conversations.models import Conversation, Message, Participant
from notifications.models import Kind, Notification
from tests.conversations.conftest import veteran
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.django_db


def test_a_profile_offers_a_private_message_and_the_form_starts_one(login, newcomer, expert):
    client = login(newcomer)
    profile = client.get(f"/members/{expert.pk}/")
    assert f"/conversations/new/?to={expert.pk}" in profile.content.decode()
    page = client.get(f"/conversations/new/?to={expert.pk}")
    assert page.status_code == 200 and "佐藤 花子" in page.content.decode()
    response = client.post(
        "/conversations/new/",
        {
            "to": [expert.pk],
            "title": "返還金",
            "body": "**至急**ではありません",
            "submission_token": "t1",
        },
    )
    conversation = Conversation.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/conversations/{conversation.pk}/"
    )
    message = Message.objects.get()
    assert message.html == "<p><strong>至急</strong>ではありません</p>\n"
    assert {p.user_id for p in conversation.participants.all()} == {newcomer.pk, expert.pk}
    # A double submit of the same form finds the first conversation.
    client.post(
        "/conversations/new/",
        {
            "to": [expert.pk],
            "title": "返還金",
            "body": "**至急**ではありません",
            "submission_token": "t1",
        },
    )
    assert Conversation.objects.count() == 1


def test_a_failed_start_keeps_what_was_typed(login, newcomer, expert):
    response = login(newcomer).post(
        "/conversations/new/", {"to": [expert.pk], "title": "x" * 121, "body": "下書きの本文"}
    )
    assert response.status_code == 400
    assert "下書きの本文" in response.content.decode()


def test_the_post_author_menu_links_to_a_private_message(login, newcomer, expert):
    board = BoardFactory()
    MembershipFactory(board=board, user=newcomer)
    MembershipFactory(board=board, user=expert)
    topic = make_topic(expert, board)
    link = (
        f'href="/conversations/new/to/{expert.pk}/" class="small no-print" data-show-for="message"'
    )
    html = login(newcomer).get(f"/topics/{topic.pk}/").content.decode()
    assert link + ">" in html
    own = login(expert).get(f"/topics/{topic.pk}/").content.decode()
    assert link + " hidden>" in own
    follow = login(newcomer).get(f"/conversations/new/to/{expert.pk}/")
    assert follow["Location"] == f"/conversations/new/?to={expert.pk}"


def test_the_conversations_page_finds_members_to_write_to(login, newcomer, expert):
    html = login(newcomer).get("/conversations/new/?q=札幌").content.decode()
    assert f'name="to" value="{expert.pk}"' in html


def test_a_chosen_recipient_can_be_taken_off_before_sending(login, newcomer, expert, outsider):
    html = login(newcomer).get(f"/conversations/new/?to={expert.pk}&to={outsider.pk}").content
    html = html.decode()
    assert f'href="/conversations/new/?to={outsider.pk}">佐藤 花子さんを外す</a>' in html
    assert f'href="/conversations/new/?to={expert.pk}">' in html


def test_finding_and_adding_someone_keeps_what_was_typed(login, newcomer, expert, outsider):
    client = login(newcomer)
    typed = {"to": [outsider.pk], "title": "契約書の案", "body": "ご相談です。"}
    found = client.post("/conversations/new/", {**typed, "q": "札幌", "find": ""})
    page = found.content.decode()
    assert f'name="to" value="{expert.pk}"' in page and "ご相談です。" in page
    assert 'form="compose-form" name="add"' in page

    added = client.post(
        "/conversations/new/", {**typed, "to": [outsider.pk, expert.pk], "add": "", "had": "1"}
    )
    assert {member.pk for member in added.context["chosen"]} == {outsider.pk, expert.pk}
    assert "ご相談です。" in added.content.decode()
    assert not Conversation.objects.exists()  # arranging people never sends


def test_adding_with_nobody_ticked_says_so_and_keeps_the_search(login, newcomer, expert):
    client = login(newcomer)
    nothing = client.get("/conversations/new/", {"q": "札幌", "had": "0"}).content.decode()
    assert "追加するメンバーにチェックを入れてください。" in nothing
    assert f'name="to" value="{expert.pk}"' in nothing
    added = client.get(
        "/conversations/new/", {"q": "札幌", "had": "0", "to": [expert.pk]}
    ).content.decode()
    assert "チェックを入れてください" not in added
    assert 'data-draft-key="draft:conversation:new"' in added


def test_replies_quote_only_messages_of_the_same_conversation(
    login, newcomer, expert, outsider, conversation
):
    other = services.start_conversation(outsider, [expert], "別の会話の秘密")
    secret = other.messages.get()
    first = conversation.messages.get()
    client = login(newcomer)
    html = client.get(f"/conversations/{conversation.pk}/?quote={first.pk}").content.decode()
    assert "&gt; はじめまして。" in html
    html = client.get(f"/conversations/{conversation.pk}/?quote={secret.pk}").content.decode()
    assert "別の会話の秘密" not in html
    # Posting with another conversation's message as reply_to quotes nothing from it.
    client.post(
        f"/conversations/{conversation.pk}/messages/", {"body": "返信", "reply_to": secret.pk}
    )
    assert conversation.messages.get(number=2).reply_to_id is None


def test_a_private_message_cannot_be_quoted_into_a_board_post(
    login, newcomer, expert, conversation
):
    board = BoardFactory()
    MembershipFactory(board=board, user=newcomer)
    topic = make_topic(newcomer, board)
    message = conversation.messages.get()
    html = login(newcomer).get(f"/topics/{topic.pk}/?quote={message.pk}").content.decode()
    assert "返還金の件" not in html


def test_edits_keep_their_history_for_the_participants(login, newcomer, expert, conversation):
    message = conversation.messages.get()
    client = login(newcomer)
    response = client.post(f"/conversations/messages/{message.pk}/edit/", {"body": "訂正後の本文"})
    assert response.status_code == 302
    history = login(expert).get(f"/conversations/messages/{message.pk}/history/").content.decode()
    assert "訂正後の本文" in history and "返還金の件で相談させてください" in history
    # Only the author edits.
    assert login(expert).get(f"/conversations/messages/{message.pk}/edit/").status_code == 403


def test_deleting_leaves_a_placeholder(login, newcomer, expert, conversation):
    message = conversation.messages.get()
    login(newcomer).post(f"/conversations/messages/{message.pk}/delete/")
    html = login(expert).get(f"/conversations/{conversation.pk}/").content.decode()
    assert "This message was deleted by its author." in html or "削除" in html
    assert "返還金の件で相談させてください" not in html


def test_markdown_is_sanitised_like_posts(newcomer, expert):
    conversation = services.start_conversation(
        newcomer, [expert], "<script>alert(1)</script>[x](javascript:alert(1))"
    )
    html = conversation.messages.get().html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_mentions_reach_participants_only(newcomer, expert, outsider, committed):
    board = BoardFactory()
    for user in (newcomer, expert, outsider):
        MembershipFactory(board=board, user=user)
    with committed():
        conversation = services.start_conversation(newcomer, [expert], "はじめまして")
    with committed():
        services.send_message(newcomer, conversation, "@佐藤 花子 さんと @鈴木 一郎 さんに")
    mention = Notification.objects.get(recipient=expert, kind=Kind.PRIVATE_MESSAGE)
    assert mention.data["mention"] is True
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Only the participant's name links to a profile.
    html = conversation.messages.get(number=2).html
    assert f'<a href="/members/{expert.pk}/" class="mention"' in html
    assert f"/members/{outsider.pk}/" not in html and "@鈴木 一郎" in html


def test_groups_are_limited_in_size(newcomer, settings):
    settings.CONVERSATION_MAX_PARTICIPANTS = 3
    others = [veteran() for _ in range(3)]
    with pytest.raises(ValidationError):
        services.start_conversation(newcomer, others, "多すぎ")
    conversation = services.start_conversation(newcomer, others[:2], "三人で")
    assert conversation.participants.count() == 3
    # Adding people counts against the same limit.
    with pytest.raises(ValidationError):
        services.add_participants(newcomer, conversation, [veteran()])
    assert conversation.participants.count() == 3


def test_the_starter_adds_and_removes_and_anyone_can_leave(
    login, newcomer, expert, outsider, conversation
):
    client = login(newcomer)
    client.post(f"/conversations/{conversation.pk}/participants/add/", {"to": [outsider.pk]})
    assert Participant.objects.filter(
        conversation=conversation, user=outsider, left_at=None
    ).exists()
    # Only the starter manages participants.
    with pytest.raises(PermissionDenied):
        services.remove_participant(expert, conversation, outsider)
    client.post(f"/conversations/{conversation.pk}/participants/{outsider.pk}/remove/")
    seat = Participant.objects.get(conversation=conversation, user=outsider)
    assert seat.left_at is not None and seat.removed_by == newcomer
    login(expert).post(f"/conversations/{conversation.pk}/leave/")
    assert Participant.objects.get(conversation=conversation, user=expert).left_at is not None
    # What the leaver wrote stays for the others.
    assert conversation.messages.count() == 1


def test_when_the_manager_leaves_the_longest_participant_manages_the_group(
    login, newcomer, expert, outsider, committed
):
    conversation = services.start_conversation(newcomer, [expert], "三人で相談します")
    services.add_participants(newcomer, conversation, [outsider])
    with committed():
        services.leave_conversation(newcomer, conversation)
    conversation.refresh_from_db()
    # The expert has been in the conversation longer than the outsider.
    assert conversation.manager == expert and conversation.starter == newcomer
    with pytest.raises(PermissionDenied):
        services.remove_participant(outsider, conversation, expert)
    client = login(expert)
    page = client.get(f"/conversations/{conversation.pk}/participants/").content.decode()
    assert "参加者を追加" in page and "管理者" in page
    client.post(f"/conversations/{conversation.pk}/participants/{outsider.pk}/remove/")
    assert Participant.objects.get(conversation=conversation, user=outsider).removed_by == expert
    # The starter, added again, is a participant like the others.
    services.add_participants(expert, conversation, [newcomer])
    conversation.refresh_from_db()
    assert conversation.manager == expert
    with pytest.raises(PermissionDenied):
        services.add_participants(newcomer, conversation, [outsider])


def test_the_others_see_who_manages_the_group_now(newcomer, expert, outsider, committed):
    conversation = services.start_conversation(newcomer, [expert, outsider], "三人で")
    with committed():
        services.leave_conversation(newcomer, conversation)
    conversation.refresh_from_db()
    event = live.events_since(conversation, 0)[-1]
    assert event["type"] == "participants.changed"
    assert "管理者" in event["html"] and "田中 太郎" not in event["html"]


def test_a_conversation_nobody_is_left_in_has_no_manager(newcomer, expert):
    conversation = services.start_conversation(newcomer, [expert], "二人で")
    services.leave_conversation(newcomer, conversation)
    services.leave_conversation(expert, conversation)
    conversation.refresh_from_db()
    assert conversation.manager is None


def test_only_the_manager_leaving_hands_the_role_on(newcomer, expert, outsider):
    conversation = services.start_conversation(newcomer, [expert, outsider], "三人で")
    services.leave_conversation(outsider, conversation)
    conversation.refresh_from_db()
    assert conversation.manager == newcomer


def test_a_suspended_manager_hands_the_group_to_the_longest_participant(
    login, newcomer, expert, outsider, moderator, committed
):
    from moderation.services.site import suspend_member

    conversation = services.start_conversation(newcomer, [expert], "三人で相談します")
    services.add_participants(newcomer, conversation, [outsider])
    with committed():
        suspend_member(moderator, newcomer, "なりすましの疑い")
    conversation.refresh_from_db()

    assert conversation.manager == expert
    assert Participant.objects.get(conversation=conversation, user=newcomer).left_at is None
    assert live.events_since(conversation, 0)[-1]["type"] == "participants.changed"
    page = login(expert).get(f"/conversations/{conversation.pk}/participants/").content.decode()
    assert "参加者を追加" in page


def test_a_suspended_participant_is_never_chosen_as_the_next_manager(
    newcomer, expert, outsider, moderator
):
    from moderation.services.site import suspend_member

    conversation = services.start_conversation(newcomer, [expert, outsider], "三人で")
    suspend_member(moderator, expert, "なりすましの疑い")
    services.leave_conversation(newcomer, conversation)
    conversation.refresh_from_db()

    assert conversation.manager == outsider

"""Notifications of private messages (in-app, e-mail at once, digest or off, never the text
unless the member allows it), the export for records, and the retention setting."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from notifications import services as notification_services
from notifications.digests import send_digest
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

SECRET = "契約書案の第12条（違約金）をご確認ください"


def test_a_message_notifies_the_others_once_per_conversation(newcomer, expert, committed):
    with committed():
        conversation = services.start_conversation(newcomer, [expert], "はじめまして")
    with committed():
        services.send_message(newcomer, conversation, "追伸です")
    row = Notification.objects.get(recipient=expert)
    assert (row.kind, row.count, row.path) == (
        Kind.PRIVATE_MESSAGE,
        2,
        f"/conversations/{conversation.pk}/",
    )
    assert not Notification.objects.filter(recipient=newcomer).exists()


def test_e_mails_never_carry_the_text_by_default(newcomer, expert, committed):
    with committed():
        services.start_conversation(newcomer, [expert], SECRET, title="違約金の相談")
    [email] = mail.outbox
    assert email.to == [expert.email]
    text = email.body + email.alternatives[0][0] + email.subject
    assert SECRET not in text and "違約金" not in text
    assert "田中 太郎" in text
    assert "/conversations/" in email.body


def test_e_mails_carry_the_text_when_the_member_allows_it(newcomer, expert, committed):
    services.save_contact_settings(expert, email_includes_text=True)
    with committed():
        services.start_conversation(newcomer, [expert], SECRET)
    [email] = mail.outbox
    assert SECRET in email.body and SECRET in email.alternatives[0][0]


def test_a_mention_added_by_an_edit_is_e_mailed_without_the_text(
    newcomer, expert, outsider, committed
):
    conversation = services.start_conversation(newcomer, [expert, outsider], "相談です")
    message = conversation.messages.get()
    mail.outbox.clear()
    with committed():
        services.edit_message(newcomer, message, f"@佐藤 花子 さん、{SECRET}")
    [email] = mail.outbox
    assert email.to == [expert.email]
    assert SECRET not in email.body + email.alternatives[0][0] + email.subject


def test_digest_and_off_follow_the_e_mail_preferences(newcomer, expert, committed):
    notification_services.set_email_preferences(expert, {Kind.PRIVATE_MESSAGE: "digest"})
    with committed():
        services.start_conversation(newcomer, [expert], SECRET)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=expert).in_digest
    assert send_digest(expert.pk)
    [digest] = mail.outbox
    assert "田中 太郎" in digest.body and SECRET not in digest.body
    mail.outbox.clear()
    notification_services.set_email_preferences(expert, {Kind.PRIVATE_MESSAGE: "off"})
    with committed():
        services.start_conversation(newcomer, [expert], "二件目")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=expert).count() == 2


def test_reading_the_conversation_reads_its_notifications(login, newcomer, expert, committed):
    with committed():
        conversation = services.start_conversation(newcomer, [expert], "はじめまして")
    assert Notification.objects.get(recipient=expert).is_unread
    login(expert).get(f"/conversations/{conversation.pk}/")
    assert not Notification.objects.get(recipient=expert).is_unread


def test_the_conversations_page_counts_unread_messages(
    login, newcomer, expert, django_assert_num_queries
):
    conversation = services.start_conversation(newcomer, [expert], "一通目")
    services.send_message(newcomer, conversation, "二通目")
    client = login(expert)
    with django_assert_num_queries(6):
        # session, user, the notification and conversation badges, seats with unread counts,
        # other participants
        html = client.get("/conversations/").content.decode()
    assert "data-unread>未読2件<" in html
    rows = client.get("/conversations/rows/").content.decode()
    assert "田中 太郎" in rows


def test_export_lists_dates_names_organisations_and_edits(login, newcomer, expert):
    conversation = services.start_conversation(newcomer, [expert], "初版", title="返還金")
    message = conversation.messages.get()
    services.edit_message(newcomer, message, "第二版")
    services.send_message(expert, conversation, "札幌市ではこうしています")
    response = login(expert).get(f"/conversations/{conversation.pk}/export/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert "返還金" in text
    assert "田中 太郎（大阪府 羽曳野市 生活福祉課）" in text
    assert "佐藤 花子（北海道 札幌市 保護課）" in text
    assert "第二版" in text and "初版" in text
    assert timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M") in text


def test_retention_keeps_everything_by_default_and_purges_when_set(newcomer, expert, settings):
    old = services.start_conversation(newcomer, [expert], "古い")
    Conversation.objects.filter(pk=old.pk).update(
        last_message_at=timezone.now() - timedelta(days=400)
    )
    services.start_conversation(newcomer, [expert], "新しい")
    call_command("purge_conversations")
    assert Conversation.objects.count() == 2
    settings.CONVERSATION_RETENTION_DAYS = 365
    call_command("purge_conversations")
    assert list(Conversation.objects.values_list("messages__body", flat=True)) == ["新しい"]


def test_the_conversation_page_costs_the_same_queries_however_long(login, newcomer, expert):
    """No query per message: quotes, authors and organisations come with the page's query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    conversation = services.start_conversation(newcomer, [expert], "一通目")
    client = login(expert)
    client.get(f"/conversations/{conversation.pk}/")  # reads what is there
    with CaptureQueriesContext(connection) as few:
        client.get(f"/conversations/{conversation.pk}/")
    first = conversation.messages.get()
    for number in range(20):
        services.send_message(newcomer, conversation, f"{number}通目", reply_to=first)
    client.get(f"/conversations/{conversation.pk}/")
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/conversations/{conversation.pk}/")
    assert response.status_code == 200
    # session, user, seat, messages, their files, participants, everyone's contact settings
    # (receipts), the viewer's, the notification and conversation badges
    assert len(many) == len(few) == 10


def test_the_preferences_page_offers_private_message_e_mails(login, expert):
    html = login(expert).get("/notifications/preferences/").content.decode()
    assert "private_message" in html

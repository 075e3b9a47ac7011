"""Files in private messages: attached with the message, opened by the participants only
(never by a former participant, another member or a moderator), listed in the export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment
from conversations import services
from core import broadcast
from tests.conversations.conftest import veteran

pytestmark = pytest.mark.django_db

CSV = "項目,金額\n違約金,100000\n".encode("cp932")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def test_a_file_sent_with_a_message_is_for_the_participants_only(
    login, newcomer, expert, outsider, moderator, conversation
):
    client = login(newcomer)
    response = client.post(
        f"/conversations/{conversation.pk}/messages/",
        {
            "body": "契約書案の表を添付します。",
            "files": [SimpleUploadedFile("違約金.csv", CSV, content_type="text/csv")],
        },
    )
    assert response.status_code == 302
    file = Attachment.objects.get()
    message = conversation.messages.get(number=2)
    assert file.message == message and file.post is None
    url = f"/files/{file.key}/{file.name}"
    page = login(expert).get(f"/conversations/{conversation.pk}/").content.decode()
    assert "違約金.csv" in page
    assert login(expert).get(url).status_code == 200
    assert login(newcomer).get(url).status_code == 200
    for stranger in (outsider, moderator):
        assert login(stranger).get(url).status_code == 404
    services.leave_conversation(expert, conversation)
    assert login(expert).get(url).status_code == 404
    export = login(newcomer).get(f"/conversations/{conversation.pk}/export/").content.decode()
    assert "違約金.csv" in export and f"/files/{file.key}/" in export
    assert f"({len(CSV)}\xa0バイト)" in export and "bytes" not in export


def test_a_refused_file_keeps_the_text_and_the_accepted_files(login, newcomer, conversation):
    client = login(newcomer)
    response = client.post(
        f"/conversations/{conversation.pk}/messages/",
        {
            "body": "書きかけの本文",
            "files": [
                SimpleUploadedFile("表.csv", CSV, content_type="text/csv"),
                SimpleUploadedFile("evil.pdf", b"<html><script>", content_type="application/pdf"),
            ],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "書きかけの本文" in html and "evil.pdf" in html
    kept = Attachment.objects.get()
    assert f'name="attachments" value="{kept.key}"' in html
    # Sent again with the kept file's key: the message carries it.
    client.post(
        f"/conversations/{conversation.pk}/messages/",
        {"body": "書きかけの本文", "attachments": [str(kept.key)]},
    )
    kept.refresh_from_db()
    assert kept.message == conversation.messages.get(number=2)


def test_nobody_attaches_someone_elses_pending_file(newcomer, expert, conversation):
    other = veteran()
    from attachments import services as attachment_services

    pending = attachment_services.upload(
        other, None, SimpleUploadedFile("a.csv", CSV, content_type="text/csv")
    )
    services.send_message(newcomer, conversation, "横取り", attachment_keys=[str(pending.key)])
    pending.refresh_from_db()
    assert pending.message is None


def test_a_conversation_can_start_with_a_file(login, newcomer, expert):
    response = login(newcomer).post(
        "/conversations/new/",
        {
            "to": [expert.pk],
            "body": "契約書案です。",
            "files": [SimpleUploadedFile("案.csv", CSV, content_type="text/csv")],
        },
    )
    assert response.status_code == 302
    file = Attachment.objects.get()
    assert file.message.number == 1
    assert login(expert).get(f"/files/{file.key}/{file.name}").status_code == 200


def test_a_file_checked_after_sending_is_shown_again_on_open_pages(
    login, newcomer, conversation, committed
):
    """The message is shown as 'checking…' when sent; once the file is checked, open pages get
    the message again with its file."""
    from conversations.models import ConversationEvent

    with committed():  # the upload's processing task runs once the upload commits
        response = login(newcomer).post(
            f"/conversations/{conversation.pk}/messages/",
            {
                "body": "契約書案の表を添付します。",
                "files": [SimpleUploadedFile("違約金.csv", CSV, content_type="text/csv")],
            },
        )
    assert response.status_code == 302
    message = conversation.messages.get(number=2)
    assert Attachment.objects.get().processed_at is not None
    kinds = list(ConversationEvent.objects.filter(message=message).values_list("kind", flat=True))
    assert "message.edited" in kinds


def test_the_live_event_of_a_message_shows_what_the_catch_up_shows(
    login, newcomer, expert, conversation, django_capture_on_commit_callbacks
):
    """The writer's message is rendered for the live event as it is in memory; its quote, its
    author's organisation and its files must come out as a page catching up reads them."""
    from unittest import mock

    from conversations import live
    from conversations.models import ConversationEvent

    first = conversation.messages.get(number=1)
    sent = []
    client = login(newcomer)
    with (
        mock.patch.object(live.broadcast, "send", lambda *args, **kwargs: sent.append(args)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        with_files = client.post(
            f"/conversations/{conversation.pk}/messages/",
            {
                "body": "表を添付します。",
                "reply_to": first.pk,
                "files": [SimpleUploadedFile("違約金.csv", CSV, content_type="text/csv")],
            },
        )
    assert with_files.status_code == 302
    events = [json.loads(broadcast.event_json(args[1], "ja")) for args in sent]
    [live_event] = [event for event in events if event["type"] == "message.created"]
    assert "違約金.csv" in live_event["html"] and "#1" in live_event["html"]
    assert str(newcomer.municipality) in live_event["html"]
    recorded = ConversationEvent.objects.get(sequence=live_event["sequence"])
    assert live_event["html"] == live.render_event(recorded)["html"]

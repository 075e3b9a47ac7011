"""Previews made in the background reach open pages through the post's ordinary live edit
event; attachments' names and text are found by search."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from attachments.models import Attachment
from core import broadcast
from forums import live
from forums.models import TopicEvent
from tests.attachments import samples
from tests.attachments.conftest import upload_file
from tests.factories import MembershipFactory


def listen(topic):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.topic_group(topic.pk), channel)
    return lambda: json.loads(broadcast.event_json(async_to_sync(layer.receive)(channel)))


def test_thumbnails_arrive_in_the_posts_live_edit_event(attach, member, topic, settings):
    # The event's content is under test here; delivery over Redis is tested in tests/forums.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    receive = listen(topic)

    (photo,) = attach(member, topic, [upload_file("受付.png", samples.png())])

    events = [receive() for _ in range(TopicEvent.objects.filter(topic=topic).count())]
    edited = [event for event in events if event["type"] == "post.edited"]
    thumbnail = reverse("attachments:thumbnail", args=[photo.key])
    assert edited and thumbnail in edited[-1]["html"]
    assert edited[-1]["post_id"] == photo.post_id


def test_the_live_html_equals_the_page_html_for_the_files(attach, login, member, topic):
    attach(member, topic, [upload_file("受付.png", samples.png())])
    event = TopicEvent.objects.filter(topic=topic, kind="post.edited").latest("sequence")

    live_html = live.render_event(event)["html"]
    page = login(member).get(topic.get_absolute_url()).content.decode()

    start = live_html.index('<ul class="post-files"')
    fragment = live_html[start : live_html.index("</ul>", start)]
    assert fragment in page


def test_a_file_waiting_for_its_scan_shows_checking_to_its_author_only(login, member, topic):
    client = login(member)
    client.post(
        reverse("forums:topic_reply", args=[topic.pk]),
        {"body": "確認中", "files": [upload_file("a.txt", b"hello")]},
    )
    file = Attachment.objects.get()

    assert not file.is_ready
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "post-file--checking" in page and "a.txt" in page
    assert reverse("attachments:download", args=[file.key, file.name]) not in page


def test_a_file_waiting_for_its_scan_keeps_its_name_from_everybody_else(
    login, member, topic, board
):
    client = login(member)
    client.post(
        reverse("forums:topic_reply", args=[topic.pk]),
        {"body": "確認中", "files": [upload_file("人事異動の内示一覧.txt", b"hello")]},
    )
    post = Attachment.objects.get().post

    other = MembershipFactory(board=board).user
    assert "人事異動の内示一覧" not in login(other).get(topic.get_absolute_url()).content.decode()
    event = TopicEvent.objects.filter(topic=topic, post=post).latest("sequence")
    assert "人事異動の内示一覧" not in live.render_event(event)["html"]


def test_search_finds_a_post_by_the_text_of_its_pdf(attach, login, member, topic):
    attach(member, topic, [upload_file("保管手順.pdf", samples.pdf(("Ultracold freezer",)))])

    response = login(member).get("/search/", {"q": "ultracold"})

    assert response.context["result"].total == 1


def test_search_finds_a_post_by_a_file_name(attach, login, member, topic):
    attach(member, topic, [upload_file("モデルナ保管手順.docx", samples.docx())])

    by_name = login(member).get("/search/", {"q": "モデルナ"}).context["result"].total
    by_text = login(member).get("/search/", {"q": "超低温冷凍庫"}).context["result"].total

    assert by_name == 1 and by_text == 1


def test_the_index_rebuild_keeps_attachment_text(attach, login, member, topic):
    from search import indexing

    files = attach(member, topic, [upload_file("rates.xlsx", samples.xlsx())])
    indexing.rebuild()

    result = login(member).get("/search/", {"q": "接種率"}).context["result"]
    # The workbook's post holds the word itself; the topic's first post only shares 接種.
    assert result.results[0].post.pk == files[0].post_id


def test_notification_emails_name_the_files_and_never_attach_them(
    attach, member, board, topic, mailoutbox
):
    from notifications import services as notifications
    from tests.factories import MembershipFactory

    watcher = MembershipFactory(board=board).user
    notifications.watch_topic(watcher, topic)
    attach(member, topic, [upload_file("会場図.pdf", samples.pdf())], body="会場図です。")

    sent = [mail for mail in mailoutbox if watcher.email in mail.to]
    assert sent and "会場図.pdf" in sent[-1].body
    assert not sent[-1].attachments

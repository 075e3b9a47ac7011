"""Abandoned pending uploads are cleaned by a background task; site moderators see quotas."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from attachments import services, tasks
from attachments.models import Attachment
from attachments.storage import attachment_storage
from tests.attachments.conftest import upload_file


def test_orphaned_pending_uploads_are_deleted_with_their_bytes(login, member, board):
    key = (
        login(member)
        .post(
            reverse("attachments:upload", args=[board.slug]),
            {"files": [upload_file("a.txt", b"x")]},
        )
        .json()["accepted"][0]["key"]
    )
    orphan = Attachment.objects.get(key=key)
    Attachment.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert tasks.clean_pending_uploads.call() == 1
    assert not Attachment.objects.filter(pk=orphan.pk).exists()
    assert not attachment_storage().exists(orphan.file.name)


def test_recent_pending_and_attached_files_are_kept(attach, member, topic, login, board):
    (attached,) = attach(member, topic, [upload_file("a.txt", b"x")])
    Attachment.objects.filter(pk=attached.pk).update(created_at=timezone.now() - timedelta(days=9))
    login(member).post(
        reverse("attachments:upload", args=[board.slug]), {"files": [upload_file("b.txt", b"y")]}
    )

    assert services.remove_orphans() == 0
    assert Attachment.objects.count() == 2


def test_site_moderators_see_usage_per_board_and_member(
    attach, login, member, topic, site_moderator
):
    attach(member, topic, [upload_file("a.txt", b"x" * 3000)])

    page = login(site_moderator).get(reverse("attachments:usage")).content.decode()

    assert topic.board.name_ja in page and member.full_name in page and "3 KB" in page


def test_members_cannot_see_usage(login, member):
    assert login(member).get(reverse("attachments:usage")).status_code == 403

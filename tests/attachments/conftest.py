"""Attachments are stored in a temporary folder per test; helpers upload like a browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment
from attachments.storage import attachment_storage
from forums import services as forum_services
from tests.attachments import samples


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


def upload_file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_bytes(name: str) -> bytes:
    with attachment_storage().open(name, "rb") as stored:
        return stored.read()


@pytest.fixture
def topic(board, member):
    return forum_services.create_topic(
        member, board, "接種会場のレイアウト", "会場図を共有します。"
    )


@pytest.fixture
def first_post(topic):
    return topic.posts.get(number=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the writes queue after their commit: with the immediate task backend the
    background processing (scan, previews, text) runs right there, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def attach(login, committed):
    """Reply with files through the real form (no JavaScript), let the worker process them;
    returns the new post's files."""

    def reply_with(user, topic, files, body="図面を添付します。"):
        client = login(user)
        with committed():
            response = client.post(
                reverse("forums:topic_reply", args=[topic.pk]),
                {"body": body, "files": files},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        post = topic.posts.order_by("-number").first()
        return list(Attachment.objects.filter(post=post).order_by("position"))

    return reply_with


@pytest.fixture
def pdf_file():
    return upload_file("会場レイアウト.pdf", samples.pdf(("Ultracold freezer layout",), pages=3))

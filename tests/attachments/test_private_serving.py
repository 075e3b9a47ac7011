"""A file is as private as its post: every role × every file URL, including after leaving,
suspension, hiding, deletion and redaction. Anything that may not be seen is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from attachments.models import Attachment
from attachments.storage import attachment_storage
from forums import services as forum_services
from forums.models import Membership
from moderation.services import content as moderation
from tests.attachments import samples
from tests.attachments.conftest import upload_file
from tests.factories import MembershipFactory, UserFactory


def file_urls(attachment) -> list[str]:
    urls = [
        reverse("attachments:download", args=[attachment.key, attachment.name]),
        reverse("attachments:thumbnail", args=[attachment.key]),
    ]
    if attachment.kind == "pdf":
        urls += [
            reverse("attachments:pdf_pages", args=[attachment.key]),
            reverse("attachments:pdf_page", args=[attachment.key, 1]),
        ]
    return urls


def statuses(client, attachment) -> set[int]:
    return {client.get(url).status_code for url in file_urls(attachment)}


@pytest.fixture
def secret_board(invite_board):
    return invite_board


@pytest.fixture
def author(secret_board):
    return MembershipFactory(board=secret_board).user


@pytest.fixture
def reader(secret_board):
    return MembershipFactory(board=secret_board).user


@pytest.fixture
def moderator(secret_board):
    return MembershipFactory(board=secret_board, role=Membership.Role.MODERATOR).user


@pytest.fixture
def pdf_attachment(author, secret_board, attach):
    topic = forum_services.create_topic(author, secret_board, "会場図", "会場図です。")
    (pdf,) = attach(author, topic, [upload_file("plan.pdf", samples.pdf(pages=2))])
    return pdf


@pytest.fixture
def image_attachment(author, secret_board, attach):
    topic = forum_services.create_topic(author, secret_board, "写真", "写真です。")
    (image,) = attach(author, topic, [upload_file("queue.jpg", samples.jpeg_with_gps())])
    return image


def test_members_of_the_board_open_every_url_of_a_file(login, reader, pdf_attachment):
    assert statuses(login(reader), pdf_attachment) == {200}


@pytest.mark.parametrize("role", ["anonymous", "unverified", "pending", "outsider", "rejected"])
def test_everyone_else_gets_404_for_every_url(login, role, pdf_attachment, image_attachment):
    if role == "anonymous":
        client = Client()
    elif role == "outsider":
        client = login(UserFactory())
    else:
        client = login(UserFactory(status=getattr(User.Status, role.upper())))

    assert statuses(client, pdf_attachment) == {404}
    assert statuses(client, image_attachment) == {404}


def test_a_suspended_member_gets_nothing(login, reader, pdf_attachment):
    client = login(reader)
    User.objects.filter(pk=reader.pk).update(status=User.Status.SUSPENDED)

    for url in file_urls(pdf_attachment):
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_after_leaving_the_board_the_files_are_gone(login, reader, secret_board, pdf_attachment):
    forum_services.leave_board(reader, secret_board)

    assert statuses(login(reader), pdf_attachment) == {404}


def test_a_hidden_posts_files_stay_with_its_author_and_the_moderators(
    login, author, reader, moderator, image_attachment
):
    moderation.hide_post(moderator, image_attachment.post, "確認中")

    assert statuses(login(reader), image_attachment) == {404}
    assert statuses(login(author), image_attachment) == {200}
    assert statuses(login(moderator), image_attachment) == {200}


def test_a_deleted_posts_files_are_gone_for_everyone(login, author, reader, image_attachment):
    forum_services.delete_post(author, image_attachment.post)

    assert statuses(login(reader), image_attachment) == {404}
    assert statuses(login(author), image_attachment) == {404}


def test_redaction_deletes_the_stored_files(
    login, moderator, image_attachment, django_capture_on_commit_callbacks
):
    names = [image_attachment.file.name, image_attachment.thumbnail.name]
    assert all(attachment_storage().exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.redact_post(moderator, image_attachment.post, "個人情報")

    assert not Attachment.objects.filter(pk=image_attachment.pk).exists()
    assert not any(attachment_storage().exists(name) for name in names)
    assert statuses(login(moderator), image_attachment) == {404}


def test_a_pending_file_is_seen_by_its_uploader_only(login, author, reader, secret_board):
    key = (
        login(author)
        .post(
            reverse("attachments:upload", args=[secret_board.slug]),
            {"files": [upload_file("draft.txt", b"draft")]},
        )
        .json()["accepted"][0]["key"]
    )
    url = reverse("attachments:download", args=[key, "draft.txt"])

    assert login(author).get(url).status_code == 200
    assert login(reader).get(url).status_code == 404


def test_downloads_are_attachments_with_nosniff_and_a_sandbox(login, reader, pdf_attachment):
    response = login(reader).get(file_urls(pdf_attachment)[0])

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")


def test_a_cleaned_image_is_shown_inline(login, reader, image_attachment):
    response = login(reader).get(file_urls(image_attachment)[0])

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_text_file_is_never_rendered_inline(login, author, reader, secret_board, attach):
    topic = forum_services.create_topic(author, secret_board, "表", "表です。")
    (csv,) = attach(author, topic, [upload_file("list.csv", b"a,b\n")])

    response = login(reader).get(file_urls(csv)[0])

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_made_up_key_is_404(login, reader):
    url = reverse("attachments:download", args=["12345678-1234-5678-1234-567812345678", "x.pdf"])

    assert login(reader).get(url).status_code == 404


def test_x_accel_redirect_mode_hands_the_file_to_nginx(login, reader, pdf_attachment, settings):
    settings.ATTACHMENTS_DELIVERY = "accel"

    response = login(reader).get(file_urls(pdf_attachment)[0])

    assert response["X-Accel-Redirect"].startswith("/protected-files/files/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b""

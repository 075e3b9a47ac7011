"""Faces beside names: a photo (square, resized, EXIF removed) or initials on a colour drawn
locally; shown in posts, lists, the directory, profiles, mentions and notifications."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from accounts.faces import photo_name
from accounts.models import User
from attachments import avatars
from moderation.models import AuditEntry
from notifications.models import Notification
from tests.attachments import samples
from tests.attachments.conftest import stored_bytes, upload_file
from tests.factories import MembershipFactory


@pytest.fixture
def photo_member(member):
    avatars.set_photo(member, upload_file("me.jpg", samples.jpeg_with_gps(size=(300, 200))))
    member.refresh_from_db()
    return member


def avatar_src(user) -> str:
    return f"/avatars/{user.pk}/{user.avatar_version}-"


def test_a_photo_is_cropped_square_resized_and_stripped(photo_member):
    for size in (96, 256):
        stored = stored_bytes(photo_name(photo_member.pk, photo_member.avatar_version, size))
        with Image.open(io.BytesIO(stored)) as image:
            assert image.size == (size, size) and dict(image.getexif()) == {}
        assert b"TestCamera" not in stored


def test_the_photo_is_uploaded_through_the_form(login, member):
    response = login(member).post(
        reverse("attachments:avatar_edit"), {"photo": upload_file("me.png", samples.png())}
    )

    member.refresh_from_db()
    assert response.status_code == 302 and member.avatar_version == 1


def test_a_non_image_is_refused_with_a_message(login, member):
    response = login(member).post(
        reverse("attachments:avatar_edit"), {"photo": upload_file("me.png", b"<svg></svg>")}
    )

    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    member.refresh_from_db()
    assert member.avatar_version == 0


def test_without_a_photo_initials_on_a_colour_class_are_drawn(login, member, board):
    page = login(member).get(reverse("accounts:profile", args=[member.pk])).content.decode()

    match = re.search(
        r'<span class="avatar avatar--l avatar--c(\d)" aria-hidden="true">(.)</span>', page
    )
    assert match and match.group(2) == member.full_name[0]
    assert "style=" not in match.group(0)


def test_the_avatar_appears_wherever_the_name_does(login, photo_member, board, committed):
    from forums import services

    reader = MembershipFactory(board=board).user
    with committed():
        topic = services.create_topic(photo_member, board, "会場の導線", "写真あり")
        services.post_reply(photo_member, topic, f"@{reader.display_name} さん、どうですか")
    client = login(reader)
    places = {
        "post": client.get(topic.get_absolute_url()),
        "board list": client.get(board.get_absolute_url()),
        "directory": client.get(reverse("accounts:members")),
        "profile": client.get(reverse("accounts:profile", args=[photo_member.pk])),
        "notifications": client.get(reverse("notifications:list")),
    }
    for place, response in places.items():
        assert avatar_src(photo_member) in response.content.decode(), place
    mentions = client.get(
        reverse("notifications:mention_candidates", args=[board.slug]),
        {"q": photo_member.display_name[:1]},
    ).json()["members"]
    assert any(avatar_src(photo_member) in entry["avatar"]["photo"] for entry in mentions)


def test_avatar_photos_are_for_signed_in_members_only(client, login, photo_member, verified_user):
    url = f"{avatar_src(photo_member)}96.webp"

    assert client.get(url).status_code == 404
    response = login(verified_user).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]


def test_a_moderator_removes_an_avatar_with_the_audit_log(login, photo_member, site_moderator):
    version = photo_member.avatar_version
    login(site_moderator).post(
        reverse("attachments:avatar_remove", args=[photo_member.pk]), {"reason": "不適切な画像"}
    )

    photo_member.refresh_from_db()
    assert photo_member.avatar_version == 0
    entry = AuditEntry.objects.get(action="avatar.removed")
    assert entry.target_user == photo_member and entry.reason == "不適切な画像"
    assert (
        login(site_moderator).get(f"/avatars/{photo_member.pk}/{version}-96.webp").status_code
        == 404
    )


def test_members_cannot_remove_someone_elses_avatar(login, photo_member, board):
    other = MembershipFactory(board=board).user

    response = login(other).post(reverse("attachments:avatar_remove", args=[photo_member.pk]))

    assert response.status_code == 404
    assert User.objects.get(pk=photo_member.pk).avatar_version == 1


def test_the_member_is_told_when_a_moderator_removes_the_avatar(
    login, photo_member, site_moderator, committed
):
    with committed():
        avatars.remove_photo(site_moderator, photo_member, "不適切")

    assert Notification.objects.filter(recipient=photo_member).exists()


def test_a_photo_of_too_many_pixels_is_refused_with_a_message(login, member):
    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, "PNG")  # 48 megapixels in a few KB
    response = login(member).post(
        reverse("attachments:avatar_edit"), {"photo": upload_file("huge.png", huge.getvalue())}
    )
    assert response.status_code == 200
    assert "40メガピクセル" in response.content.decode()
    member.refresh_from_db()
    assert member.avatar_version == 0


def test_a_damaged_pdf_as_an_avatar_is_told_to_choose_a_photo(login, member):
    response = login(member).post(
        reverse("attachments:avatar_edit"), {"photo": upload_file("me.pdf", b"%PDF-1.4 broken")}
    )
    page = response.content.decode()
    error = page.split('class="errorlist', 1)[1][:200]
    assert response.status_code == 200 and "JPEG" in error and "PDF" not in error

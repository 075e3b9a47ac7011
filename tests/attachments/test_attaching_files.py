"""Attaching files to a new topic, a reply and an edit, with and without JavaScript; refusals
keep the typed text and the files already accepted."""

import re

from django.urls import reverse

from attachments.models import Attachment
from moderation.models import AuditEntry
from tests.attachments import samples
from tests.attachments.conftest import upload_file
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_topic


def pending_keys(html: str) -> list[str]:
    return re.findall(r'name="attachment" value="([0-9a-f-]{36})"', html)


def test_a_new_topic_is_posted_with_a_pdf_and_a_photo(login, member, board, committed):
    client = login(member)
    with committed():
        response = client.post(
            reverse("forums:topic_new", args=[board.slug]),
            {
                "title": "集団接種会場のレイアウト",
                "body": "会場図と写真です。",
                "files": [
                    upload_file("会場図.pdf", samples.pdf()),
                    upload_file("受付.jpg", samples.jpeg_with_gps()),
                ],
            },
        )

    assert response.status_code == 302
    files = list(Attachment.objects.order_by("position"))
    assert [(item.name, item.kind) for item in files] == [
        ("会場図.pdf", "pdf"),
        ("受付.jpg", "image"),
    ]
    assert all(item.post.number == 1 and item.is_ready for item in files)
    page = client.get(response["Location"]).content.decode()
    assert "会場図.pdf" in page and reverse("attachments:thumbnail", args=[files[1].key]) in page


def test_a_reply_gets_its_files(attach, member, topic, pdf_file):
    files = attach(member, topic, [pdf_file])

    assert [item.name for item in files] == ["会場レイアウト.pdf"]
    assert files[0].page_count == 3


def test_an_oversize_file_is_refused_keeping_the_text_and_the_accepted_files(
    login, member, topic, settings
):
    settings.ATTACHMENTS_MAX_BYTES = 2_000
    response = login(member).post(
        reverse("forums:topic_reply", args=[topic.pk]),
        {
            "body": "長い返信を書きました。保管温度の件です。",
            "files": [
                upload_file("small.csv", b"a,b\n1,2\n"),
                upload_file("big.pdf", samples.pdf(pages=20)),
            ],
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "長い返信を書きました。保管温度の件です。" in page
    assert "big.pdf" in page and "2 KB" in page
    accepted = Attachment.objects.get(name="small.csv")
    assert pending_keys(page) == [str(accepted.key)]
    assert topic.posts.count() == 1


def test_the_form_shown_again_attaches_the_kept_files_when_posted(login, member, topic):
    client = login(member)
    first = client.post(
        reverse("forums:topic_reply", args=[topic.pk]),
        {"body": "", "files": [upload_file("表.csv", b"a,b\n1,2\n")]},
    )
    keys = pending_keys(first.content.decode())
    assert first.status_code == 400 and len(keys) == 1

    second = client.post(
        reverse("forums:topic_reply", args=[topic.pk]),
        {"body": "表を付けます。", "attachment": keys},
    )

    assert second.status_code == 302
    assert Attachment.objects.get(key=keys[0]).post.body == "表を付けます。"


def test_too_many_files_are_refused_by_name_keeping_the_text(login, member, topic, settings):
    settings.ATTACHMENTS_MAX_FILES = 2
    files = [upload_file(f"memo{number}.txt", b"note") for number in range(3)]
    response = login(member).post(
        reverse("forums:topic_reply", args=[topic.pk]), {"body": "三つ目は多すぎ", "files": files}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "三つ目は多すぎ" in page and "memo2.txt" in page
    assert len(pending_keys(page)) == 2


def test_refusals_are_in_the_members_language(login, member, topic):
    client = login(member)
    fake = upload_file("plan.pdf", b"<html><body>hi</body></html>")
    japanese = client.post(
        reverse("forums:topic_reply", args=[topic.pk]), {"body": "x", "files": [fake]}
    ).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    fake = upload_file("plan.pdf", b"<html><body>hi</body></html>")
    english = client.post(
        reverse("forums:topic_reply", args=[topic.pk]), {"body": "x", "files": [fake]}
    ).content.decode()

    assert "looks like a web page" in english
    assert "looks like a web page" not in japanese and "plan.pdf" in japanese


def test_the_script_upload_answers_json_with_the_pending_item(login, member, board):
    response = login(member).post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("写真.png", samples.png()), upload_file("x.pdf", b"<html>")]},
    )

    answer = response.json()
    assert response.status_code == 200
    assert len(answer["accepted"]) == 1 and 'name="attachment"' in answer["accepted"][0]["html"]
    assert len(answer["errors"]) == 1 and "x.pdf" in answer["errors"][0]


def test_someone_elses_pending_file_cannot_be_attached(login, member, board, topic):
    other = MembershipFactory(board=board).user
    client = login(other)
    key = client.post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("secret.txt", b"secret")]},
    ).json()["accepted"][0]["key"]

    login(member).post(
        reverse("forums:topic_reply", args=[topic.pk]), {"body": "盗用", "attachment": [key]}
    )

    assert Attachment.objects.get(key=key).post is None


def test_a_non_member_cannot_upload(login, verified_user, board):
    response = login(verified_user).post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("a.txt", b"hello")]},
    )

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_an_edit_adds_files_and_the_author_removes_one(login, member, first_post, committed):
    client = login(member)
    with committed():
        client.post(
            reverse("forums:post_edit", args=[first_post.pk]),
            {
                "title": first_post.topic.title,
                "body": first_post.body,
                "files": [upload_file("a.txt", b"one"), upload_file("b.txt", b"two")],
            },
        )
    first, second = Attachment.objects.filter(post=first_post).order_by("position")

    with committed():
        client.post(reverse("attachments:remove", args=[first.key]))

    assert list(Attachment.objects.filter(post=first_post)) == [second]
    assert not AuditEntry.objects.filter(action="attachment.removed").exists()


def test_a_moderator_removes_a_file_with_a_reason_in_the_audit_log(
    attach, login, member, board_moderator, topic
):
    (file,) = attach(member, topic, [upload_file("住民名簿.csv", "氏名,住所\n".encode())])

    login(board_moderator).post(
        reverse("attachments:remove", args=[file.key]), {"reason": "個人情報のため"}
    )

    assert not Attachment.objects.filter(pk=file.pk).exists()
    entry = AuditEntry.objects.get(action="attachment.removed")
    assert entry.reason == "個人情報のため" and entry.before["file"] == "住民名簿.csv"


def test_another_member_cannot_remove_a_file(attach, login, member, board, topic):
    (file,) = attach(member, topic, [upload_file("a.txt", b"one")])
    other = MembershipFactory(board=board).user

    response = login(other).post(reverse("attachments:remove", args=[file.key]))

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=file.pk).exists()


def test_the_member_daily_quota_refuses_with_a_clear_message(login, member, board, settings):
    settings.ATTACHMENTS_MEMBER_DAILY_BYTES = 10
    response = login(member).post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("a.txt", b"more than ten bytes")]},
    )

    assert response.status_code == 400
    assert "a.txt" in response.json()["errors"][0]


def test_the_board_quota_refuses_uploads(login, member, board, settings):
    settings.ATTACHMENTS_BOARD_BYTES = 10
    response = login(member).post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("a.txt", b"more than ten bytes")]},
    )

    assert response.status_code == 400


def test_zip_files_follow_the_board_policy(login, member, board, board_moderator):
    zip_file = upload_file("files.zip", samples.zip_archive())
    refused = login(member).post(
        reverse("attachments:upload", args=[board.slug]), {"files": [zip_file]}
    )
    login(board_moderator).post(
        reverse("attachments:board_settings", args=[board.slug]), {"allow_zip": "on"}
    )
    zip_file = upload_file("files.zip", samples.zip_archive())
    accepted = login(member).post(
        reverse("attachments:upload", args=[board.slug]), {"files": [zip_file]}
    )

    assert refused.status_code == 400 and accepted.status_code == 200
    assert AuditEntry.objects.filter(action="board.updated", after={"allow_zip": True}).exists()


def test_a_file_uploaded_for_one_board_never_lands_on_another_or_in_a_conversation(
    login, member, board, board_moderator
):
    login(board_moderator).post(
        reverse("attachments:board_settings", args=[board.slug]), {"allow_zip": "on"}
    )
    client = login(member)
    key = client.post(
        reverse("attachments:upload", args=[board.slug]),
        {"files": [upload_file("files.zip", samples.zip_archive())]},
    ).json()["accepted"][0]["key"]
    elsewhere = BoardFactory(slug="welfare", name_ja="生活保護")
    MembershipFactory(board=elsewhere, user=member)
    topic = make_topic(member, elsewhere, title="ZIPの持ち込み")

    client.post(
        reverse("forums:topic_reply", args=[topic.pk]), {"body": "添付", "attachment": [key]}
    )
    assert Attachment.objects.get(key=key).post is None

    from conversations import services as conversations

    colleague = UserFactory()
    conversation = conversations.start_conversation(member, [colleague], "こんにちは")
    client.post(
        f"/conversations/{conversation.pk}/messages/", {"body": "添付", "attachments": [key]}
    )
    assert Attachment.objects.get(key=key).message is None


def test_members_cannot_change_the_board_file_policy(login, member, board):
    response = login(member).post(
        reverse("attachments:board_settings", args=[board.slug]), {"allow_zip": "on"}
    )

    assert response.status_code == 403


def test_quoting_a_post_links_its_files(attach, login, member, topic):
    (file,) = attach(member, topic, [upload_file("手順書.pdf", samples.pdf())])
    post = file.post

    page = login(member).get(topic.get_absolute_url(), {"quote": post.pk}).content.decode()

    assert f"/files/{file.key}/" in page and "手順書.pdf" in page


def test_a_file_named_for_another_kind_is_shown_under_the_name_it_downloads_as(
    attach, login, member, topic
):
    (file,) = attach(member, topic, [upload_file("手順.exe", "受付の手順メモ".encode())])
    assert file.download_name == "手順.exe.txt"

    page = login(member).get(topic.get_absolute_url()).content.decode()
    download = login(member).get(reverse("attachments:download", args=[file.key, file.name]))

    assert ">手順.exe.txt</a>" in page
    assert (
        "手順.exe.txt" in download["Content-Disposition"]
        or "%E6%89%8B%E9%A0%86.exe.txt" in (download["Content-Disposition"])
    )


def test_files_of_a_page_cost_one_query_for_every_post_that_has_any(
    login, member, topic, attach, pdf_file
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_reply

    client = login(member)

    def queries_of_the_page() -> tuple[int, str]:
        client.get(topic.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            page = client.get(topic.get_absolute_url()).content.decode()
        return len(queries), page

    make_reply(member, topic, "ファイルなしの返信です。")
    without_files, _page = queries_of_the_page()
    attach(member, topic, [pdf_file])
    attach(member, topic, [upload_file("席次表.txt", "1列目 受付\n".encode(), "text/plain")])
    with_files, page = queries_of_the_page()
    assert with_files == without_files + 1
    assert "会場レイアウト.pdf" in page and "席次表.txt" in page

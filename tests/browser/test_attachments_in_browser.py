"""Attaching a PDF and a photo from the browser: the script uploads them while the member
writes, the reply shows the PDF's first page and the photo's thumbnail; without JavaScript the
same form works with the plain file input. Screenshots go to test-artifacts/."""

from pathlib import Path

import pytest

from attachments.models import Attachment
from tests.attachments import samples
from tests.factories import BoardFactory, MembershipFactory, make_topic

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""


@pytest.fixture
def files(tmp_path):
    pdf = tmp_path / "集団接種会場レイアウト.pdf"
    pdf.write_bytes(samples.pdf(("Mass vaccination site plan",), pages=2))
    photo = tmp_path / "受付の列.jpg"
    photo.write_bytes(samples.jpeg_with_gps(size=(640, 480), orientation=1))
    fake = tmp_path / "plan.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body>not a plan</body></html>")
    return pdf, photo, fake


def test_a_pdf_and_a_photo_are_attached_with_the_script(page_for, files):
    board = BoardFactory()
    author = MembershipFactory(board=board).user
    topic = make_topic(author, board)
    page = page_for(author)
    page.goto(f"/topics/{topic.pk}/")
    pdf, photo, fake = files

    page.locator("#reply textarea").fill("会場図と受付の写真を共有します。")
    page.set_input_files("#id_files", [str(pdf), str(photo), str(fake)])
    page.locator("[data-pending-key]").nth(1).wait_for(timeout=30_000)
    page.get_by_role("alert").filter(has_text="plan.pdf").wait_for()
    assert page.locator("#id_files").input_value() == ""
    assert page.locator("#reply textarea").input_value() == "会場図と受付の写真を共有します。"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#reply").screenshot(path=str(ARTIFACTS / "attachments-reply-form.png"))

    page.get_by_role("button", name="返信を投稿").click()
    page.wait_for_url(f"**/topics/{topic.pk}/**")
    post = page.locator("article.post").last
    post.get_by_role("img", name="集団接種会場レイアウト.pdf の1ページ目").wait_for()
    post.get_by_role("img", name="受付の列.jpg").wait_for()
    for image in post.locator(".post-files img").all():
        # Visible is not loaded yet: wait until the browser has finished with the image.
        loaded = "img => img.complete || new Promise(done => img.onload = img.onerror = done)"
        image.evaluate(loaded)
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    post.screenshot(path=str(ARTIFACTS / "attachments-reply.png"))
    assert sorted(Attachment.objects.values_list("name", flat=True)) == [
        "受付の列.jpg",
        "集団接種会場レイアウト.pdf",
    ]

    post.get_by_role("link", name="ページを表示").click()
    page.get_by_role("img", name="集団接種会場レイアウト.pdf の2ページ").wait_for()
    first_page = page.locator(".pdf-pages img").first
    first_page.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const image = document.querySelector('.pdf-pages img');"
        " return image.complete && image.naturalWidth > 0; }"
    )
    assert first_page.evaluate("img => img.naturalWidth") == 1240
    page.screenshot(path=str(ARTIFACTS / "attachments-pdf-pages.png"))


def test_without_javascript_a_refused_file_keeps_the_text_and_the_accepted_file(
    chromium, asgi_server, files
):
    from django.conf import settings
    from django.test import Client

    board = BoardFactory()
    author = MembershipFactory(board=board).user
    topic = make_topic(author, board)
    client = Client()
    client.force_login(author)
    context = chromium.new_context(locale="ja-JP", base_url=asgi_server, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": asgi_server,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"/topics/{topic.pk}/")
    pdf, _photo, fake = files

    page.locator("#reply textarea").fill("JavaScriptなしで添付")
    page.set_input_files("#id_files", [str(pdf), str(fake)])
    page.get_by_role("button", name="返信を投稿").click()

    page.get_by_role("alert").filter(has_text="plan.pdf").wait_for()
    assert page.locator("#reply textarea").input_value() == "JavaScriptなしで添付"
    assert page.locator("[data-pending-key]").count() == 1
    page.get_by_role("button", name="返信を投稿").click()
    page.locator("#post-2").wait_for(timeout=30_000)
    assert Attachment.objects.get().post.body == "JavaScriptなしで添付"
    context.close()


def test_a_pasted_screenshot_and_a_dropped_file_are_attached(page_for):
    import base64

    board = BoardFactory()
    author = MembershipFactory(board=board).user
    topic = make_topic(author, board)
    page = page_for(author)
    page.goto(f"/topics/{topic.pk}/")
    png = base64.b64encode(samples.png(size=(120, 80))).decode()
    csv = base64.b64encode("自治体,接種率\n羽曳野市,91.2\n".encode()).decode()

    page.evaluate(
        """([png, csv]) => {
          const file = (data, name, type) =>
            new File([Uint8Array.from(atob(data), c => c.charCodeAt(0))], name, {type});
          const pasted = new DataTransfer();
          pasted.items.add(file(png, 'image.png', 'image/png'));
          document.querySelector('#reply textarea').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: pasted, bubbles: true, cancelable: true}));
          const dropped = new DataTransfer();
          dropped.items.add(file(csv, '接種率.csv', 'text/csv'));
          const form = document.querySelector('#reply form');
          const options = {dataTransfer: dropped, bubbles: true, cancelable: true};
          form.dispatchEvent(new DragEvent('dragover', options));
          form.dispatchEvent(new DragEvent('drop', options));
        }""",
        [png, csv],
    )

    page.locator("[data-pending-key]").nth(1).wait_for(timeout=30_000)
    names = page.locator("[data-pending-key]").all_inner_texts()
    assert any("スクリーンショット-" in name and ".png" in name for name in names)
    assert any("接種率.csv" in name for name in names)
    page.locator("#reply textarea").fill("貼り付けとドロップ")
    page.get_by_role("button", name="返信を投稿").click()
    # The page is already a page of the topic: wait for the reply itself, not for the address.
    page.locator("#post-2").wait_for(timeout=30_000)
    assert Attachment.objects.filter(post__isnull=False).count() == 2

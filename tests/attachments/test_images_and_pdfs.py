"""Images lose EXIF and GPS and are turned upright; large ones are scaled down; PDFs get a
first-page preview, a page count and page images; text is read for search."""

import io

from django.urls import reverse
from PIL import Image

from attachments.models import Attachment
from tests.attachments import samples
from tests.attachments.conftest import stored_bytes, upload_file


def test_exif_and_gps_are_removed_from_the_stored_photo(attach, member, topic):
    original = samples.jpeg_with_gps(size=(64, 32), orientation=6)
    assert b"Exif" in original

    (photo,) = attach(member, topic, [upload_file("受付の列.jpg", original)])

    stored = stored_bytes(photo.file.name)
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (32, 64)  # orientation 6 (rotate 90°) applied to the pixels
    assert b"Exif" not in stored and b"TestCamera" not in stored
    assert (photo.width, photo.height) == (32, 64)


def test_the_thumbnail_has_no_metadata_either(attach, member, topic):
    (photo,) = attach(member, topic, [upload_file("a.jpg", samples.jpeg_with_gps())])

    thumbnail = stored_bytes(photo.thumbnail.name)
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "WEBP" and dict(image.getexif()) == {}


def test_very_large_images_are_scaled_down(attach, member, topic):
    (photo,) = attach(member, topic, [upload_file("wide.png", samples.png(size=(6000, 300)))])

    with Image.open(io.BytesIO(stored_bytes(photo.file.name))) as image:
        assert image.size == (4096, 205)


def test_a_pdf_gets_a_preview_page_count_and_viewable_pages(attach, login, member, topic):
    (pdf,) = attach(member, topic, [upload_file("手順書.pdf", samples.pdf(pages=3))])
    client = login(member)

    assert pdf.page_count == 3 and pdf.thumbnail.name
    pages = client.get(reverse("attachments:pdf_pages", args=[pdf.key])).content.decode()
    assert all(f"/files/{pdf.key}/pages/{number}/" in pages for number in (1, 2, 3))
    page_two = client.get(reverse("attachments:pdf_page", args=[pdf.key, 2]))
    assert page_two.status_code == 200 and page_two["Content-Type"] == "image/webp"
    body = b"".join(page_two.streaming_content)
    with Image.open(io.BytesIO(body)) as image:
        assert image.width == 1240
    assert client.get(reverse("attachments:pdf_page", args=[pdf.key, 4])).status_code == 404


def test_text_is_read_from_pdfs_spreadsheets_and_documents(attach, member, topic):
    files = attach(
        member,
        topic,
        [
            upload_file("plan.pdf", samples.pdf(("Ultracold freezer",))),
            upload_file("rates.xlsx", samples.xlsx()),
            upload_file("manual.docx", samples.docx()),
        ],
    )

    texts = {item.extension: item.text for item in files}
    assert "Ultracold freezer" in texts["pdf"]
    assert "3回目接種率" in texts["xlsx"] and "91.2%" in texts["xlsx"]
    assert "超低温冷凍庫の保管手順" in texts["docx"]


def test_other_files_show_icon_name_size_and_kind(attach, login, member, topic):
    attach(member, topic, [upload_file("接種率.xlsx", samples.xlsx())])

    page = login(member).get(topic.get_absolute_url()).content.decode()

    assert "接種率.xlsx" in page and "file-icon--spreadsheet" in page and "KB" in page


def test_a_file_that_cannot_be_previewed_is_still_attached(attach, member, topic, monkeypatch):
    from attachments import pdf

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(pdf, "render_page", broken)
    (pdf,) = attach(member, topic, [upload_file("plan.pdf", samples.pdf())])

    assert pdf.is_ready and not pdf.thumbnail.name
    assert Attachment.objects.get(pk=pdf.pk).post_id


def test_file_fields_read_from_the_attachment_storage(attach, member, topic):
    (photo,) = attach(member, topic, [upload_file("a.png", samples.png())])

    assert photo.file.size == photo.size
    assert photo.thumbnail.size == len(stored_bytes(photo.thumbnail.name))


def test_a_page_far_taller_than_wide_is_drawn_narrower_not_huge(attach, login, member, topic):
    strip = samples.pdf(size=(10, 14400))
    (pdf,) = attach(member, topic, [upload_file("strip.pdf", strip)])

    page = login(member).get(reverse("attachments:pdf_page", args=[pdf.key, 1]))
    assert page.status_code == 200
    with Image.open(io.BytesIO(b"".join(page.streaming_content))) as image:
        assert image.height <= 3 * 1240 + 1 and image.width < 1240  # + 1: rounding
    with Image.open(io.BytesIO(stored_bytes(pdf.thumbnail.name))) as preview:
        assert preview.height <= 3 * 320 + 1


def test_a_long_animation_is_kept_as_its_first_frame(attach, member, topic):
    frames = [Image.new("RGB", (1000, 1000), (index * 6, 0, 0)) for index in range(40)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=50)

    (animation,) = attach(member, topic, [upload_file("anime.gif", out.getvalue())])

    with Image.open(io.BytesIO(stored_bytes(animation.file.name))) as stored:
        assert getattr(stored, "n_frames", 1) == 1 and stored.size == (1000, 1000)


def test_a_short_animation_stays_animated(attach, member, topic):
    frames = [Image.new("RGB", (100, 100), (index * 50, 0, 0)) for index in range(5)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=50)

    (animation,) = attach(member, topic, [upload_file("blink.gif", out.getvalue())])

    with Image.open(io.BytesIO(stored_bytes(animation.file.name))) as stored:
        assert stored.n_frames == 5

"""Attachment and avatar pages pass axe-core (no serious or critical problem), in Japanese and
English: a topic with a PDF, a photo and a workbook, the PDF's pages, the reply form showing a
refused file, the avatar page, a board's file settings and the site's file usage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments import avatars, services
from tests.accessibility.test_axe_every_page import LANGUAGES, check_pages, problems_on
from tests.attachments import samples

pytestmark = pytest.mark.browser


@pytest.fixture
def files(site, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    answer, board = site["answer"], site["board"]
    uploads = [
        services.upload(answer.author, board, SimpleUploadedFile(name, data))
        for name, data in (
            ("会場図.pdf", samples.pdf(pages=2)),
            ("受付.jpg", samples.jpeg_with_gps(size=(320, 240), orientation=1)),
            ("接種率.xlsx", samples.xlsx()),
        )
    ]
    for upload in uploads:
        services.process(upload.pk)
    services.attach(answer.author, answer, [upload.key for upload in uploads])
    avatars.set_photo(site["asker"], SimpleUploadedFile("me.png", samples.png(size=(300, 300))))
    return uploads


@pytest.mark.parametrize("language", LANGUAGES)
def test_attachment_pages_have_no_serious_problems(open_tab, site, files, language):
    pdf = files[0]
    page = open_tab(site["asker"], language=language)
    found = check_pages(
        page,
        [
            (f"/topics/{site['topic'].pk}/", 200),
            (f"/files/{pdf.key}/pages/", 200),
            ("/avatars/mine/", 200),
            (f"/members/{site['asker'].pk}/", 200),
        ],
        language,
    )
    page.goto(f"/topics/{site['open_topic'].pk}/")
    page.eval_on_selector("#reply form", "form => { form.noValidate = true; }")
    page.locator("#reply textarea").fill("図です")
    page.evaluate(
        """() => {
          const input = document.querySelector('#id_files');
          const transfer = new DataTransfer();
          transfer.items.add(new File(['<html></html>'], 'plan.pdf', {type: 'application/pdf'}));
          input.files = transfer.files;
          input.dispatchEvent(new Event('change'));
        }"""
    )
    page.get_by_role("alert").first.wait_for()
    found += problems_on(page)
    moderator = open_tab(site["board_moderator"], language=language)
    found += check_pages(moderator, [("/files/boards/vaccination/settings/", 200)], language)
    site_moderator = open_tab(site["site_moderator"], language=language)
    found += check_pages(site_moderator, [("/files/usage/", 200), ("/moderation/", 200)], language)
    assert not found, "\n".join(found)

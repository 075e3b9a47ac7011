"""The kind of a file is decided from its content: signatures, container parts, text."""

import pytest
from django.core.exceptions import ValidationError

from attachments.sniffing import detect
from tests.attachments import samples
from tests.attachments.conftest import upload_file


def kind_of(name, data, **options):
    return detect(upload_file(name, data), name, **options)


def refusal_of(name, data, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        kind_of(name, data, **options)
    return caught.value


@pytest.mark.parametrize(
    ("name", "data", "extension", "kind"),
    [
        ("plan.pdf", samples.pdf(), "pdf", "pdf"),
        ("queue.jpg", samples.jpeg_with_gps(), "jpg", "image"),
        ("layout.png", samples.png(), "png", "image"),
        ("rates.xlsx", samples.xlsx(), "xlsx", "spreadsheet"),
        ("manual.docx", samples.docx(), "docx", "document"),
        ("old.xls", samples.ole("Workbook"), "xls", "spreadsheet"),
        ("old.doc", samples.ole("WordDocument"), "doc", "document"),
        ("list.csv", "自治体,接種率\n羽曳野市,91.2\n".encode(), "csv", "text"),
        ("list_sjis.csv", "自治体,接種率\n羽曳野市,91.2\n".encode("cp932"), "csv", "text"),
        ("memo.txt", "保管温度は -20℃ 以下 (x<5 でも y>3)".encode(), "txt", "text"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, data, extension, kind):
    detected = kind_of(name, data)

    assert (detected.extension, detected.kind) == (extension, kind)


def test_a_pdf_reports_its_page_count():
    assert kind_of("plan.pdf", samples.pdf(pages=4)).page_count == 4


def test_a_web_page_renamed_to_pdf_is_refused():
    error = refusal_of("plan.pdf", b"<!DOCTYPE html><html><body>Not a plan</body></html>")

    assert error.code == "markup"
    assert "plan.pdf" in error.messages[0]


def test_a_renamed_html_without_doctype_is_refused_as_markup():
    error = refusal_of("plan.pdf", b"Hello <b>world</b> <a href='x'>click</a>")

    assert error.code in ("markup", "mismatch")


def test_a_pdf_html_polyglot_is_refused():
    polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n" + samples.pdf()

    assert refusal_of("plan.pdf", polyglot).code == "markup"


def test_a_gif_javascript_polyglot_is_refused():
    polyglot = b"GIF89a/*\x01\x00\x01\x00*/=1;<script>alert(1)</script>"

    assert refusal_of("cat.gif", polyglot).code in ("markup", "damaged")


def test_an_image_named_pdf_is_refused_as_a_mismatch():
    error = refusal_of("plan.pdf", samples.png())

    assert error.code == "mismatch"


def test_svg_is_never_accepted():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert refusal_of("logo.svg", svg).code == "markup"


def test_a_zip_named_xlsx_without_workbook_parts_is_refused():
    assert refusal_of("rates.xlsx", samples.fake_office_zip()).code == "mismatch"


def test_a_zip_is_refused_unless_the_board_allows_it():
    assert refusal_of("files.zip", samples.zip_archive()).code == "zip_not_allowed"
    assert kind_of("files.zip", samples.zip_archive(), allow_zip=True).kind == "archive"


def test_a_password_protected_zip_is_refused_even_where_zip_is_allowed():
    error = refusal_of("files.zip", samples.zip_archive(encrypted=True), allow_zip=True)

    assert error.code == "encrypted"


def test_an_unknown_ole_file_is_refused():
    assert refusal_of("thing.msg", samples.ole("__substg1.0_0037001F")).code == "unknown"


def test_executables_and_binary_junk_are_refused():
    assert refusal_of("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200).code in ("unknown", "mismatch")
    assert refusal_of("data.bin", bytes(range(256)) * 4).code == "unknown"


def test_text_that_is_neither_utf8_nor_shift_jis_is_refused():
    assert refusal_of("memo.txt", "温度".encode("utf-16")).code == "unknown"


def test_an_empty_file_is_refused():
    assert refusal_of("empty.txt", b"").code == "empty"


def test_a_damaged_pdf_is_refused():
    assert refusal_of("plan.pdf", b"%PDF-1.4\nnot really a pdf").code == "damaged"


def office_zip(part: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<presentation/>")
    return out.getvalue()


def test_presentations_old_and_new_are_recognised():
    assert kind_of("slides.pptx", office_zip("ppt/presentation.xml")).extension == "pptx"
    assert kind_of("slides.ppt", samples.ole("PowerPoint Document")).extension == "ppt"


def test_ichitaro_is_recognised_by_its_streams_and_name():
    detected = kind_of("議事録.jtd", samples.ole("DocumentText"))

    assert (detected.kind, detected.extension) == ("document", "jtd")
    assert refusal_of("議事録.bin", samples.ole("DocumentText")).code == "unknown"


def test_plain_text_with_comparisons_is_text_not_markup():
    text = "条件: 接種率 < 50% かつ 年齢 > 65 の場合は a < b and c > d".encode()
    assert kind_of("memo.txt", text).kind == "text"
    assert refusal_of("memo.txt", b"<b>bold</b>").code == "markup"

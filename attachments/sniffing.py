"""Deciding what an uploaded file is from its content, never from its name alone.

Signatures come from ``filetype``; containers are opened to check that they hold the parts of
their kind (an Office file is a ZIP with the parts of a workbook, a document or a presentation;
an old .xls/.doc is an OLE compound file with a Workbook or WordDocument stream); PDFs must
open in PDFium and images in Pillow. CSV and text have no signature: they must decode as UTF-8
or Shift_JIS and hold no markup. A file that starts like a web page is refused whatever it is
called, and a name that promises another kind than the content (``plan.pdf`` holding HTML) is
refused too.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
import olefile
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, UnidentifiedImageError

from attachments import pdf
from attachments.models import Attachment

Kind = Attachment.Kind
HEAD_BYTES = 8192
MARKUP_HEAD = (b"<html", b"<script", b"<!doctype", b"<svg", b"<body", b"<iframe", b"<?xml")
# A tag as browsers read one: "<" right before its name ("a < b and c > d" is arithmetic).
MARKUP = re.compile(r"<[/!?]?[A-Za-z][^<>]*>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff]")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}
OFFICE_PARTS = (
    (
        "xl/workbook.xml",
        Kind.SPREADSHEET,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "word/document.xml",
        Kind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "ppt/presentation.xml",
        Kind.PRESENTATION,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
)
# What each file name extension promises; a file whose content is another kind is refused.
PROMISED = {
    "pdf": "pdf",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "webp": "image",
    "gif": "image",
    "xlsx": "xlsx",
    "docx": "docx",
    "pptx": "pptx",
    "xls": "xls",
    "doc": "doc",
    "ppt": "ppt",
    "jtd": "jtd",
    "jtdc": "jtd",
    "csv": "text",
    "txt": "text",
    "tsv": "text",
    "zip": "zip",
}
ICHITARO_EXTENSIONS = {"jtd", "jtdc", "jtt"}


@dataclass(frozen=True)
class Detected:
    kind: str
    content_type: str
    extension: str
    page_count: int | None = None


def name_extension(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def detect(upload, name: str, *, allow_zip: bool = False) -> Detected:
    """What ``upload`` (a seekable binary file) is, or a ValidationError saying why it is
    refused, in the reader's language."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise _refuse(_("%(name)s is empty.") % {"name": name}, "empty")
    if any(marker in head[:1024].lower() for marker in MARKUP_HEAD):
        raise _refuse(
            _("%(name)s looks like a web page or markup, which cannot be attached.")
            % {"name": name},
            "markup",
        )
    if head.startswith(b"%PDF-"):
        detected = _pdf(upload, name)
    elif head.startswith(ZIP_SIGNATURE):
        detected = _zip(upload, name, allow_zip)
    elif head.startswith(OLE_SIGNATURE):
        detected = _ole(upload, name)
    else:
        guess = filetype.guess(head)
        if guess is not None and guess.mime in IMAGE_TYPES:
            detected = _image(upload, name, guess.mime)
        elif guess is not None:
            raise _refuse(
                _("%(name)s is a kind of file that cannot be attached (%(kind)s).")
                % {"name": name, "kind": guess.mime},
                "unknown",
            )
        else:
            detected = _text(upload, name)
    _check_name_matches(name, detected)
    upload.seek(0)
    return detected


def _check_name_matches(name: str, detected: Detected) -> None:
    promised = PROMISED.get(name_extension(name))
    if promised is None:
        return
    actual = "image" if detected.kind == Kind.IMAGE else detected.extension
    if detected.kind == Kind.TEXT:
        actual = "text"
    if promised != actual:
        raise _refuse(
            _(
                "%(name)s is not what its name says: its content is %(actual)s. "
                "Save it again in the right format and attach that file."
            )
            % {"name": name, "actual": _describe(detected)},
            "mismatch",
        )


def _describe(detected: Detected) -> str:
    if detected.kind == Kind.TEXT:
        return pgettext("file kind", "plain text")
    return detected.extension.upper()


def _pdf(upload, name: str) -> Detected:
    try:
        pages = pdf.page_count(upload)
    except pdf.PdfError as error:
        if "password" in str(error).lower():
            raise _refuse(
                _("%(name)s is protected by a password, so it cannot be checked.") % {"name": name},
                "encrypted",
            ) from error
        raise _refuse(
            _("%(name)s is damaged or is not a real PDF.") % {"name": name}, "damaged"
        ) from error
    if pages < 1:
        raise _refuse(_("%(name)s is damaged or is not a real PDF.") % {"name": name}, "damaged")
    return Detected(Kind.PDF, "application/pdf", "pdf", page_count=pages)


def _image(upload, name: str, mime: str) -> Detected:
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise _refuse(
            _("%(name)s is damaged or is not a real image.") % {"name": name}, "damaged"
        ) from error
    return Detected(Kind.IMAGE, mime, IMAGE_TYPES[mime])


def _zip(upload, name: str, allow_zip: bool) -> Detected:
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(
            _("%(name)s is damaged or is not a real ZIP-based file.") % {"name": name}, "damaged"
        ) from error
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise _refuse(
            _(
                "%(name)s is protected by a password, so it cannot be checked for malware. "
                "Attach the files inside it instead."
            )
            % {"name": name},
            "encrypted",
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names:
        for part, kind, content_type, extension in OFFICE_PARTS:
            if part in names:
                return Detected(kind, content_type, extension)
    if PROMISED.get(name_extension(name)) in {"xlsx", "docx", "pptx"}:
        raise _refuse(
            _("%(name)s is not a real Office file: the parts of its kind are missing.")
            % {"name": name},
            "mismatch",
        )
    if not allow_zip:
        raise _refuse(
            _(
                "ZIP archives are not accepted on this board (%(name)s). Attach the files "
                "inside it, or ask a board moderator to allow ZIP files."
            )
            % {"name": name},
            "zip_not_allowed",
        )
    return Detected(Kind.ARCHIVE, "application/zip", "zip")


def _ole(upload, name: str) -> Detected:
    try:
        ole = olefile.OleFileIO(upload)
        streams = {"/".join(path) for path in ole.listdir()}
        ole.close()
    except (OSError, ValueError) as error:
        raise _refuse(
            _("%(name)s is damaged or is not a real Office file.") % {"name": name}, "damaged"
        ) from error
    top = {stream.split("/", 1)[0] for stream in streams}
    if "EncryptedPackage" in top:
        raise _refuse(
            _("%(name)s is protected by a password, so it cannot be checked.") % {"name": name},
            "encrypted",
        )
    if "WordDocument" in top:
        return Detected(Kind.DOCUMENT, "application/msword", "doc")
    if "Workbook" in top or "Book" in top:
        return Detected(Kind.SPREADSHEET, "application/vnd.ms-excel", "xls")
    if "PowerPoint Document" in top:
        return Detected(Kind.PRESENTATION, "application/vnd.ms-powerpoint", "ppt")
    # Ichitaro keeps its text in a DocumentText stream beside JSRV_* streams.
    if name_extension(name) in ICHITARO_EXTENSIONS and (
        "DocumentText" in top or any(stream.startswith("JSRV_") for stream in top)
    ):
        return Detected(Kind.DOCUMENT, "application/x-js-taro", "jtd")
    raise _refuse(
        _("%(name)s is an Office file of a kind that cannot be attached.") % {"name": name},
        "unknown",
    )


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Shift_JIS (Windows' cp932); None if neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text(upload, name: str) -> Detected:
    data = upload.read()
    text = decode_text(data)
    if text is None or CONTROL.search(text):
        raise _refuse(
            _(
                "%(name)s is of a kind that cannot be attached. Accepted: PDF, images (JPEG, "
                "PNG, WebP, GIF), Office files, Ichitaro, CSV and plain text."
            )
            % {"name": name},
            "unknown",
        )
    if MARKUP.search(text):
        raise _refuse(
            _("%(name)s contains markup (HTML or XML tags), which cannot be attached as text.")
            % {"name": name},
            "markup",
        )
    extension = name_extension(name)
    if extension in {"csv", "tsv"}:
        return Detected(
            Kind.TEXT, f"text/{'csv' if extension == 'csv' else 'tab-separated-values'}", extension
        )
    return Detected(Kind.TEXT, "text/plain", "txt")

"""Turning an uploaded file into what pages show, in the background worker.

Images: orientation applied (``ImageOps.exif_transpose``), then re-encoded from the pixels
alone, so EXIF (GPS, camera, owner) and every other metadata block are gone from the stored
file; very large images are scaled down; a small WebP thumbnail. PDFs: a first-page preview,
the page count, the text for search, and page images rendered on request. Spreadsheets and
documents: their text for search.
"""

import io
import logging

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from attachments import pdf
from attachments.models import Attachment
from attachments.sniffing import decode_text
from attachments.storage import attachment_storage, stored_name

logger = logging.getLogger(__name__)

MAX_IMAGE_SIDE = 4096
THUMBNAIL_SIDE = 320
PDF_PREVIEW_WIDTH = 320
PDF_PAGE_WIDTH = 1240
MAX_TEXT = 100_000
Image.MAX_IMAGE_PIXELS = 80_000_000
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 82},
    "GIF": {},
}


def _webp(image: Image.Image, side: int) -> bytes:
    image = image.copy()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=70)
    return out.getvalue()


def clean_image(data: bytes) -> tuple[bytes, str, Image.Image]:
    """The image re-encoded from its pixels, upright, without metadata, at most
    MAX_IMAGE_SIDE on its longer side. Returns (bytes, Pillow format, upright image)."""
    with Image.open(io.BytesIO(data)) as original:
        image_format = original.format if original.format in SAVE_OPTIONS else "PNG"
        if image_format == "GIF" and getattr(original, "n_frames", 1) > 1:
            return _clean_animated_gif(original)
        upright = ImageOps.exif_transpose(original)
        upright.load()
    if max(upright.size) > MAX_IMAGE_SIDE:
        upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
    # A new image holding only the pixels: nothing of the original's info dictionary survives.
    mode = upright.mode
    if image_format == "JPEG" and mode not in ("RGB", "L"):
        mode = "RGB"
    pixels = upright.convert(mode) if mode != upright.mode else upright
    bare = Image.new(pixels.mode, pixels.size)
    bare.paste(pixels)
    if pixels.mode == "P":
        bare.putpalette(pixels.getpalette())
    out = io.BytesIO()
    bare.save(out, image_format, **SAVE_OPTIONS[image_format])
    return out.getvalue(), image_format, bare


# Every frame of an animation is decoded to full size (4 bytes a pixel): a 160 KB GIF of 200
# one-pixel changes on a 1000 × 1000 canvas took 650 MB. Beyond this many pixels in all, only
# the first frame is kept, as a still image.
MAX_ANIMATION_PIXELS = 24_000_000


def _clean_animated_gif(original: Image.Image) -> tuple[bytes, str, Image.Image]:
    width, height = original.size
    if width * height * original.n_frames > MAX_ANIMATION_PIXELS:
        original.seek(0)
        still = original.convert("RGBA")
        if max(still.size) > MAX_IMAGE_SIDE:
            still.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        still.save(out, "GIF")
        return out.getvalue(), "GIF", still
    frames = []
    for index in range(original.n_frames):
        original.seek(index)
        frames.append(original.convert("RGBA"))
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        loop=0,
        duration=original.info.get("duration", 100),
    )
    return out.getvalue(), "GIF", frames[0]


def process_image(attachment: Attachment, data: bytes) -> None:
    cleaned, _image_format, image = clean_image(data)
    storage = attachment_storage()
    old_name = attachment.file.name
    name = storage.save(
        stored_name("files", attachment.key, f".{attachment.extension}"), ContentFile(cleaned)
    )
    attachment.file.name = name
    if old_name and old_name != name:
        storage.delete(old_name)
    attachment.size = len(cleaned)
    attachment.width, attachment.height = image.size
    attachment.thumbnail.name = storage.save(
        stored_name("thumbnails", attachment.key, ".webp"),
        ContentFile(_webp(image, THUMBNAIL_SIDE)),
    )


def process_pdf(attachment: Attachment, data: bytes) -> None:
    attachment.page_count, attachment.text = pdf.text(data, MAX_TEXT)
    preview = pdf.render_page(data, 0, PDF_PREVIEW_WIDTH)
    attachment.thumbnail.name = attachment_storage().save(
        stored_name("thumbnails", attachment.key, ".webp"), ContentFile(preview)
    )


def spreadsheet_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts, length = [], 0
    try:
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    line = " ".join(cells)
                    parts.append(line)
                    length += len(line)
                if length > MAX_TEXT:
                    return "\n".join(parts)[:MAX_TEXT]
    finally:
        workbook.close()
    return "\n".join(parts)[:MAX_TEXT]


def document_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs if paragraph.text]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells if cell.text))
    return "\n".join(parts)[:MAX_TEXT]


def extract(attachment: Attachment, data: bytes) -> None:
    """Previews and text for one attachment; a file that cannot be read for them is still
    served as it is (the member may open it in their own program)."""
    try:
        if attachment.kind == Attachment.Kind.IMAGE:
            process_image(attachment, data)
        elif attachment.kind == Attachment.Kind.PDF:
            process_pdf(attachment, data)
        elif attachment.extension == "xlsx":
            attachment.text = spreadsheet_text(data)
        elif attachment.extension == "docx":
            attachment.text = document_text(data)
        elif attachment.kind == Attachment.Kind.TEXT:
            attachment.text = (decode_text(data) or "")[:MAX_TEXT]
    except Exception:  # a damaged file must not stop the others: log it and serve it as is
        logger.warning("Could not make previews of attachment %s", attachment.pk, exc_info=True)

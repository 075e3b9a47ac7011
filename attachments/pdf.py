"""Every call into PDFium, one at a time per process.

PDFium is not thread-safe, not even across different documents: two threads inside it at once
corrupt its state and can crash the whole process. Here several threads do PDF work at the same
moment: the ASGI server runs each request's synchronous code in a thread of its own (uploads
are sniffed, page images are rendered on request) and the task worker processes new files
beside it. So nothing outside this module imports ``pypdfium2``; each function below opens,
reads and closes its document (and every page, text page and bitmap it made) while holding one
process-wide lock. A PDF preview is rare and short next to a page view, so the lock costs
little; a busier site runs more worker processes, which each have their own PDFium.
"""

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium

PdfError = pdfium.PdfiumError

_lock = threading.Lock()


@contextmanager
def _document(source) -> Iterator[pdfium.PdfDocument]:
    with _lock:
        document = pdfium.PdfDocument(source)
        try:
            yield document
        finally:
            document.close()


def page_count(source) -> int:
    """The number of pages; raises ``PdfError`` for a damaged or password-protected file."""
    with _document(source) as document:
        return len(document)


# A page far taller than wide (a 10 × 14,400 pt strip) would render to gigabytes at the width
# asked for: the image is made narrower instead, at most this many times as tall as wide.
MAX_HEIGHT_PER_WIDTH = 3


def render_page(source, index: int, width: int) -> bytes:
    """Page ``index`` (from 0) as a WebP image ``width`` pixels wide (narrower for a page more
    than three times as tall as wide); raises ``PdfError`` for a page without a size."""
    with _document(source) as document:
        page = document[index]
        try:
            page_width, page_height = page.get_size()
            if not (page_width > 0 and page_height > 0):
                raise PdfError("The page has no size.")
            scale = min(width / page_width, MAX_HEIGHT_PER_WIDTH * width / page_height)
            bitmap = page.render(scale=scale)
            try:
                out = io.BytesIO()
                bitmap.to_pil().save(out, "WEBP", quality=80)
                return out.getvalue()
            finally:
                bitmap.close()
        finally:
            page.close()


def text(source, limit: int) -> tuple[int, str]:
    """The page count and the text of the first pages, up to ``limit`` characters."""
    with _document(source) as document:
        parts, length = [], 0
        for index in range(len(document)):
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    parts.append(text_page.get_text_range())
                finally:
                    text_page.close()
            finally:
                page.close()
            length += len(parts[-1])
            if length > limit:
                break
        return len(document), "\n".join(parts)[:limit]

"""PDFium is never entered by two threads at once: uploads sniffed in request threads, page
images rendered on request and the task worker's previews all go through ``attachments.pdf``,
which holds one lock per process (two threads inside PDFium can crash the whole server)."""

import threading
import time
from pathlib import Path

import pypdfium2

from attachments import pdf
from tests.attachments import samples

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_but_the_gateway_calls_pdfium():
    callers = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in {".venv", "tests", "staticfiles"}
        and "pypdfium2" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["attachments/pdf.py"]


def test_threads_reading_and_rendering_pdfs_enter_pdfium_one_at_a_time(monkeypatch):
    inside, most = 0, 0
    counter = threading.Lock()
    real_document = pypdfium2.PdfDocument

    class WatchedDocument(real_document):
        def __init__(self, *args, **kwargs):
            nonlocal inside, most
            with counter:
                inside += 1
                most = max(most, inside)
            time.sleep(0.01)  # long enough for another thread to arrive if it could
            super().__init__(*args, **kwargs)

        def close(self):
            nonlocal inside
            super().close()
            with counter:
                inside -= 1

    monkeypatch.setattr(pypdfium2, "PdfDocument", WatchedDocument)
    data = samples.pdf(lines=("会場図", "受付"), pages=2)
    results, errors = [], []

    def work(index):
        try:
            if index % 3 == 0:
                results.append(pdf.page_count(data))
            elif index % 3 == 1:
                results.append(pdf.text(data, 1000)[0])
            else:
                results.append(len(pdf.render_page(data, 1, 200)) > 0 and 2)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert results == [2] * 12
    assert most == 1

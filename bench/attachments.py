"""Attachments benchmark: upload and background processing of a 20 MB PDF and a 12-megapixel
photo, and the topic page with 10 images against the same page without them.

    .venv/bin/python bench/attachments.py                # about a minute
    .venv/bin/python bench/attachments.py --repeat 10 --page-requests 200

Runs in-process on a throw-away SQLite database and storage folder (under /tmp), through the
whole Django stack (middleware, multipart parsing, permission checks) with Django's test
client, so the figures are server time without network transfer. The upload request only
checks the kind and stores the file; scanning and previews are timed separately, as the
worker runs them (``attachments.services.process``).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="och-bench-attachments-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="onlinecityhall.settings",
    DJANGO_DEBUG="1",
    DJANGO_ALLOWED_HOSTS="testserver",
    SQLITE_NAME=str(WORK / "bench.sqlite3"),
    MEDIA_DIR=str(WORK / "media"),
    TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
)
for name in ("DATABASE_URL", "REDIS_URL", "CLAMD_SOCKET", "CLAMD_HOST", "ATTACHMENTS_S3_BUCKET"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import ExifTags, Image  # noqa: E402

MB = 1024 * 1024


def big_pdf(target: int = 19 * MB) -> bytes:
    """A scanned-document-like PDF of about ``target`` bytes (noisy A4 pages as JPEG)."""
    pages = []
    size = 0
    while size < target:
        noise = Image.frombytes("L", (1240, 1754), os.urandom(1240 * 1754)).convert("RGB")
        pages.append(noise)
        out = io.BytesIO()
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], quality=92)
        size = out.tell()
    return out.getvalue()


def photo_12mp() -> bytes:
    """A 4000×3000 JPEG with EXIF (camera, GPS) as a phone takes it."""
    gradient = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.frombytes("L", (4000, 3000), os.urandom(4000 * 3000))
    image = Image.merge("RGB", (gradient, Image.blend(gradient, noise, 0.3), noise))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 33.0, 27.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def scene(number: int) -> Image.Image:
    """A photo-like 1600×1200 picture: smooth shapes with sensor noise (flat colours would
    make thumbnails unrealistically small)."""
    from PIL import ImageDraw, ImageFilter

    image = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(12):
        x = (index * 131 + number * 57) % 1500
        draw.ellipse(
            (x, 300 + index * 40, x + 160, 460 + index * 40), fill=(30 * index % 255, 90, 160)
        )
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    return Image.blend(image.filter(ImageFilter.GaussianBlur(2)), noise, 0.12)


def setup():
    from accounts.models import User
    from forums.models import Board, Membership, WorkField

    call_command("migrate", verbosity=0)
    field = WorkField.objects.create(slug="vaccination", name_ja="予防接種", name_en="Vaccination")
    board = Board.objects.create(slug="bench", name_ja="ベンチ", name_en="Bench", field=field)
    member = User.objects.create_user(
        "bench@city.habikino.lg.jp",
        "bench-pass",
        full_name="計測 太郎",
        display_name="計測",
        status=User.Status.VERIFIED,
    )
    Membership.objects.create(user=member, board=board)
    return board, member


def median_max(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} / {max(values) * 1000:.0f}"


def upload_and_process(client, board, name: str, data: bytes, repeat: int):
    from attachments import services
    from attachments.models import Attachment

    uploads, processing = [], []
    for _ in range(repeat):
        file = SimpleUploadedFile(name, data)
        started = time.perf_counter()
        response = client.post(reverse("attachments:upload", args=[board.slug]), {"files": [file]})
        uploads.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        key = response.json()["accepted"][0]["key"]
        attachment = Attachment.objects.get(key=key)
        started = time.perf_counter()
        services.process(attachment.pk)
        processing.append(time.perf_counter() - started)
    attachment.refresh_from_db()
    thumbnail = attachment.thumbnail.size if attachment.thumbnail else 0
    return uploads, processing, attachment.size, thumbnail


def topic_with_images(board, member, client, images: int):
    from attachments import services
    from forums import services as forums

    topic = forums.create_topic(member, board, f"会場の写真 {images}枚", "会場の写真です。")
    for number in range(images):
        post = forums.post_reply(member, topic, f"写真 {number + 1}")
        photo = scene(number)
        out = io.BytesIO()
        photo.save(out, "JPEG", quality=85)
        attachment = services.upload(
            member, board, SimpleUploadedFile(f"{number}.jpg", out.getvalue())
        )
        services.process(attachment.pk)
        services.attach(member, post, [attachment.key])
    if not images:
        for number in range(10):
            forums.post_reply(member, topic, f"写真 {number + 1}")
    return topic


def page_figures(client, topic, requests: int) -> dict:
    import re

    url = topic.get_absolute_url()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    html = response.content
    image_bytes = 0
    sources = re.findall(rb'<img[^>]+src="([^"]+)"', html)
    for source in sources:
        image = client.get(source.decode())
        image_bytes += len(b"".join(image.streaming_content) if image.streaming else image.content)
    times.sort()
    return {
        "p50": statistics.median(times) * 1000,
        "p95": times[int(len(times) * 0.95) - 1] * 1000,
        "html": len(html) / 1024,
        "images": image_bytes / 1024,
        "count": len(sources),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="uploads of each file")
    parser.add_argument("--page-requests", type=int, default=100)
    options = parser.parse_args()

    board, member = setup()
    client = Client()
    client.force_login(member)
    pdf, photo = big_pdf(), photo_12mp()
    print(f"Working in {WORK}")
    print(f"PDF: {len(pdf) / MB:.1f} MB; photo: 4000×3000, {len(photo) / MB:.1f} MB\n")
    print(
        "| file | upload request ms (median / max) | worker processing ms (median / max) "
        "| stored KiB | thumbnail KiB |"
    )
    print("|---|---:|---:|---:|---:|")
    upload_and_process(client, board, "warm-up.pdf", pdf[:0] or big_pdf(1), 1)
    for name, data in (("scan.pdf", pdf), ("photo.jpg", photo)):
        uploads, processing, stored, thumbnail = upload_and_process(
            client, board, name, data, options.repeat
        )
        print(
            f"| {name} | {median_max(uploads)} | {median_max(processing)} "
            f"| {stored / 1024:.0f} | {thumbnail / 1024:.1f} |"
        )

    print("\n| topic page | p50 ms | p95 ms | HTML KiB | images | image KiB | total KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for images in (0, 10):
        topic = topic_with_images(board, member, client, images)
        page_figures(client, topic, 5)  # warm up
        figures = page_figures(client, topic, options.page_requests)
        label = f"11 posts, {images} images" if images else "11 posts, no images"
        print(
            f"| {label} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['html']:.1f} "
            f"| {figures['count']} | {figures['images']:.1f} "
            f"| {figures['html'] + figures['images']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

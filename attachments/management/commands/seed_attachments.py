"""Demo files and faces (run by seed_demo, safe to run again): the cushion-cutting diagram and
the storage procedure on the accepted Moderna answer, the mass vaccination site plan (PDF) and
a photo of the reception queue on the reply that shares it, a workbook of identity documents,
and avatar photos for two members (the others show initials)."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from PIL import ExifTags, Image, ImageDraw, ImageFont

from accounts.models import User
from attachments import avatars, services
from attachments.models import Attachment
from forums.models import Post

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def font(size: int):
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:  # without Japanese fonts the labels fall back to Pillow's own font
        return ImageFont.load_default(size)


def site_plan_pdf() -> bytes:
    """A two-page A4 site plan: the floor layout, then the flow and staffing."""
    pages = []
    for page in (1, 2):
        image = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(image)
        draw.text((80, 60), "羽曳野市 集団接種会場 レイアウト図", font=font(44), fill="black")
        draw.text((80, 130), f"（{date.today():%Y年%m月}版・{page}/2）", font=font(28), fill="#444")
        if page == 1:
            rooms = [
                ((80, 220, 560, 520), "受付（3列）", "#dbe9f7"),
                ((640, 220, 1160, 520), "予診（医師2名）", "#e4f3e0"),
                ((80, 600, 560, 1000), "接種ブース 1〜4", "#fde9d9"),
                ((640, 600, 1160, 1000), "経過観察（15分・30分）", "#f3e5f5"),
                ((80, 1080, 1160, 1300), "ワクチン保管・調製室（超低温冷凍庫）", "#fff4d6"),
            ]
            for box, label, colour in rooms:
                draw.rectangle(box, fill=colour, outline="black", width=4)
                draw.text((box[0] + 24, box[1] + 24), label, font=font(34), fill="black")
            draw.line((560, 370, 640, 370), fill="#a4161a", width=8)
            draw.line((900, 520, 900, 600), fill="#a4161a", width=8)
            draw.line((560, 800, 640, 800), fill="#a4161a", width=8)
            draw.text((80, 1360), "赤線：来場者の動線（一方通行）", font=font(30), fill="#a4161a")
        else:
            lines = [
                "1. 受付で接種券と本人確認書類を確認",
                "2. 予診票の記入漏れは受付横の記入台で対応",
                "3. 接種後は経過観察エリアで15分（既往歴により30分）",
                "4. モデルナのバイアルは専用クッションで保管・運搬",
                "5. 従事者：受付6名、予診2名、接種4名、観察2名",
            ]
            for row, line in enumerate(lines):
                draw.text((80, 240 + row * 90), line, font=font(34), fill="black")
        pages.append(image)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


def cushion_diagram_png() -> bytes:
    image = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 30), "ファイザー用クッションの切り方", font=font(40), fill="black")
    draw.rectangle((150, 150, 750, 530), fill="#eeeeee", outline="black", width=4)
    draw.ellipse((350, 240, 550, 440), fill="white", outline="black", width=4)
    draw.line((450, 220, 450, 460), fill="#a4161a", width=6)
    draw.line((330, 340, 570, 340), fill="#a4161a", width=6)
    draw.text((560, 450), "中央を十字に切る", font=font(28), fill="#a4161a")
    draw.text((160, 545), "角を2mm落とす", font=font(28), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def storage_procedure_pdf() -> bytes:
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((80, 60), "モデルナ バイアル 保管・運搬手順", font=font(44), fill="black")
    steps = [
        "・冷凍保管：-50〜-15℃（超低温冷凍庫は使わない）",
        "・解凍後の冷蔵保管：2〜8℃で30日以内",
        "・運搬時はクッションで固定し、振動を避ける",
        "・穿刺後は2〜25℃で12時間以内に使い切る",
    ]
    for row, line in enumerate(steps):
        draw.text((80, 200 + row * 80), line, font=font(34), fill="black")
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def queue_photo_jpeg() -> bytes:
    """A photo as a phone takes it: EXIF with GPS and a rotation the site must apply."""
    image = Image.new("RGB", (2400, 1800), "#c9d6e3")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 1200, 2400, 1800), fill="#8c8c8c")
    for column in range(6):
        x = 250 + column * 330
        draw.ellipse((x, 700, x + 140, 840), fill="#3b2f2f")
        draw.rectangle((x - 20, 840, x + 160, 1300), fill="#2e5e8c")
    draw.rectangle((1900, 600, 2350, 1250), fill="#f2f2f2", outline="black", width=8)
    draw.text((1940, 650), "受付", font=font(120), fill="black")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Smartphone"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 33.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (135.0, 36.0, 24.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def identity_documents_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "本人確認書類"
    rows = [
        ("書類", "点数", "備考"),
        ("運転免許証", "1点", "顔写真付き"),
        ("マイナンバーカード", "1点", "顔写真付き"),
        ("健康保険の資格確認書", "2点で確認", "年金手帳などと組み合わせ"),
        ("年金手帳", "2点で確認", ""),
    ]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def portrait_jpeg(background: str, face: str) -> bytes:
    image = Image.new("RGB", (600, 800), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((180, 160, 420, 420), fill=face)
    draw.rectangle((120, 440, 480, 800), fill="#2f3e55")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


# (topic title, post number, [(file name, maker)])
FILES = [
    (
        "モデルナのバイアルがファイザー用のクッションに合いません",
        2,
        [
            ("クッションの切り方.png", cushion_diagram_png),
            ("モデルナ_バイアル保管手順.pdf", storage_procedure_pdf),
        ],
    ),
    (
        "モデルナのバイアルがファイザー用のクッションに合いません",
        3,
        [
            ("集団接種会場レイアウト図.pdf", site_plan_pdf),
            ("受付の待機列.jpg", queue_photo_jpeg),
        ],
    ),
    (
        "接種券の再発行、本人確認はどこまで求めていますか？",
        2,
        [("本人確認書類一覧.xlsx", identity_documents_xlsx)],
    ),
]
PORTRAITS = {
    "tanaka@city.kobe.lg.jp": ("#d8e6f3", "#f1c9a5"),
    "sato@vill.ogasawara.lg.jp": ("#e3efd9", "#e0b48f"),
}


class Command(BaseCommand):
    help = "Attach demo files to demo posts and give two demo members avatar photos."

    def handle(self, *args, **options):
        attached = 0
        for title, number, files in FILES:
            post = (
                Post.objects.select_related("topic__board", "author")
                .filter(topic__title=title, number=number)
                .first()
            )
            if post is None or Attachment.objects.filter(post=post).exists():
                continue
            uploads = [
                services.upload(
                    post.author,
                    post.topic.board,
                    SimpleUploadedFile(name, maker()),
                )
                for name, maker in files
            ]
            services.attach(post.author, post, [item.key for item in uploads])
            attached += len(uploads)
        for email, colours in PORTRAITS.items():
            person = User.objects.filter(email=email, avatar_version=0).first()
            if person is not None:
                avatars.set_photo(person, SimpleUploadedFile("me.jpg", portrait_jpeg(*colours)))
        self.stdout.write(f"Demo files attached: {attached}.")

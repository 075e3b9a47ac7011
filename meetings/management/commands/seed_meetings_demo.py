"""Demo exchange meeting and progress tables on the vaccination board (safe to run again).

Run by ``seed_demo``: colleagues from about forty organisations across Japan, a Saturday-evening
meeting with their answers, a small meeting that is full with a waiting list, a progress table
filled over a week (so its history chart has a shape), and a quick poll.
"""

import random
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, User
from forums.models import Board, Membership
from meetings import services as meetings
from meetings.models import Meeting
from progress import services as progress
from progress.models import ProgressRow, ProgressRowRevision, ProgressTable

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose

# (prefecture, name, family name, given name) of the vaccination leads of the demo.
COLLEAGUES = [
    ("北海道", "札幌市", "佐々木", "恵"), ("青森県", "青森市", "工藤", "健太"),
    ("岩手県", "盛岡市", "菊池", "真理"), ("宮城県", "仙台市", "阿部", "翔太"),
    ("秋田県", "秋田市", "佐藤", "由紀"), ("山形県", "山形市", "鈴木", "聡"),
    ("福島県", "郡山市", "渡辺", "直子"), ("茨城県", "水戸市", "小林", "大輔"),
    ("栃木県", "宇都宮市", "斎藤", "彩"), ("群馬県", "前橋市", "高橋", "修"),
    ("埼玉県", "川越市", "中村", "舞"), ("千葉県", "船橋市", "伊藤", "誠"),
    ("東京都", "世田谷区", "山本", "香織"), ("東京都", "檜原村", "清水", "隆"),
    ("神奈川県", "横須賀市", "加藤", "智子"), ("新潟県", "長岡市", "五十嵐", "徹"),
    ("富山県", "富山市", "吉田", "紀子"), ("石川県", "金沢市", "山田", "亮"),
    ("長野県", "松本市", "丸山", "千尋"), ("岐阜県", "高山市", "林", "浩二"),
    ("静岡県", "浜松市", "杉山", "瞳"), ("愛知県", "豊田市", "加藤", "祐介"),
    ("三重県", "津市", "森", "久美子"), ("滋賀県", "大津市", "西村", "拓也"),
    ("京都府", "宇治市", "井上", "優子"), ("大阪府", "堺市", "松本", "一樹"),
    ("兵庫県", "姫路市", "藤原", "明美"), ("奈良県", "奈良市", "岡田", "健"),
    ("和歌山県", "田辺市", "坂本", "麻衣"), ("鳥取県", "鳥取市", "山根", "学"),
    ("岡山県", "倉敷市", "三宅", "恵子"), ("広島県", "福山市", "村上", "大樹"),
    ("香川県", "高松市", "大西", "綾"), ("愛媛県", "松山市", "矢野", "正人"),
    ("福岡県", "北九州市", "古賀", "由美"), ("熊本県", "熊本市", "田中", "慎也"),
    ("鹿児島県", "屋久島町", "中島", "千夏"), ("沖縄県", "那覇市", "比嘉", "美咲"),
    ("沖縄県", "与那国町", "大城", "勝"),
]  # fmt: skip

# Organisations that answer the RSVP "maybe" / "not", and those who have not filled the table.
MAYBE = {"青森市", "長岡市", "田辺市"}
NOT_ATTENDING = {"檜原村", "屋久島町"}
NOT_ANSWERED_TABLE = {"盛岡市", "高山市", "鳥取市", "与那国町"}

TABLE_TITLE = "3回目接種 進捗状況（11月末時点）"
COLUMNS = [
    {"question": "65歳以上の接種率", "kind": "percentage"},
    {"question": "12〜64歳の接種率", "kind": "percentage"},
    {"question": "累計接種者数", "kind": "number", "unit": "人"},
    {"question": "集団接種の開始日", "kind": "date"},
    {"question": "個別接種（医療機関）", "kind": "yes_no"},
    {"question": "主な予約方法", "kind": "choice", "choices": ["Web", "電話", "窓口", "併用"]},
    {"question": "いま困っていること", "kind": "text"},
]
WORRIES = [
    "", "予約枠の空きが目立つ", "若年層の予約が伸びない", "会場スタッフの確保", "",
    "接種券の再発行が多い", "モデルナの在庫調整", "", "高齢者施設の日程調整", "",
]  # fmt: skip
POLL_QUESTION = "接種券の再発行、窓口での本人確認書類は何点求めていますか？"
POLL_CHOICES = ["顔写真付き1点", "2点（写真なしの場合）", "求めていない", "その他"]


class Command(BaseCommand):
    help = "Demo exchange meetings, a filled progress table and a quick poll (safe to run again)."

    def handle(self, *args, **options):
        board = Board.objects.filter(slug="vaccination").first()
        if board is None:
            self.stderr.write("Run seed_demo first: there is no vaccination board.")
            return
        with transaction.atomic():
            colleagues = self.create_colleagues(board)
            host = User.objects.get(email="tanaka@city.kobe.lg.jp")
            self.create_meetings(board, host, colleagues)
            self.create_table(board, host, colleagues)
            self.create_poll(
                board, User.objects.get(email="yamada@city.habikino.lg.jp"), colleagues
            )
        self.stdout.write(f"Exchange meetings and progress tables: {len(colleagues)} colleagues.")

    def create_colleagues(self, board) -> list[User]:
        people = []
        for number, (prefecture, name, family, given) in enumerate(COLLEAGUES, start=1):
            municipality = Municipality.objects.filter(prefecture=prefecture, name=name).first()
            if municipality is None:
                continue
            email = f"vaccine{number:02d}@demo-{municipality.code}.lg.jp"
            person = User.objects.filter(email=email).first()
            if person is None:
                person = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=f"{family} {given}",
                    display_name=f"{family}（{name}）",
                    municipality=municipality,
                    department="健康づくり課 予防接種係",
                    position="主任",
                    status=User.Status.VERIFIED,
                    status_changed_at=timezone.now(),
                )
            Membership.objects.get_or_create(user=person, board=board)
            people.append(person)
        board.member_count = board.memberships.filter(state=Membership.State.ACTIVE).count()
        board.save(update_fields=["member_count"])
        return people

    def next_saturday_at(self, hour: int, weeks: int = 0) -> datetime:
        today = timezone.localdate()
        days = (5 - today.weekday()) % 7 or 7
        day = today + timedelta(days=days + 7 * weeks)
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def create_meetings(self, board, host, colleagues) -> None:
        if Meeting.objects.filter(board=board, cancelled_at__isnull=True).exists():
            return
        meeting = meetings.schedule_meeting(
            host,
            board,
            title="3回目接種の進め方 意見交換会",
            starts_at=self.next_saturday_at(20),
            duration_minutes=90,
            video_url="https://meet.city.kobe.lg.jp/j/20261205-vaccine",
            capacity=None,
            description=(
                "全国の接種担当の皆さんで、3回目接種の進め方を情報交換します。\n"
                "・予約枠が埋まらないときの工夫\n・若年層への周知方法\n"
                "・モデルナとファイザーの配分\n\n"
                "事前に「進捗状況」の表にご記入ください。当日はその表を画面共有します。"
            ),
        )
        for person in colleagues:
            name = person.municipality.name
            answer = "maybe" if name in MAYBE else "not" if name in NOT_ATTENDING else "attending"
            meetings.answer_rsvp(person, meeting, answer)
        small = meetings.schedule_meeting(
            host,
            board,
            title="接種券の発送スケジュール 少人数相談会",
            starts_at=self.next_saturday_at(10, weeks=2),
            duration_minutes=60,
            video_url="https://meet.city.kobe.lg.jp/j/20261219-voucher",
            capacity=5,
            description="発送時期をずらした経験のある自治体から、段取りを伺います（定員5名）。",
        )
        for person in colleagues[:8]:
            meetings.answer_rsvp(person, small, "attending")

    def create_table(self, board, host, colleagues) -> None:
        if ProgressTable.objects.filter(board=board, title=TABLE_TITLE).exists():
            return
        table = progress.define_table(
            host,
            board,
            title=TABLE_TITLE,
            description="11月30日時点の数値をご記入ください。意見交換会で画面共有します。",
            deadline=self.next_saturday_at(20).date() - timedelta(days=1),
            columns=COLUMNS,
        )
        columns = list(table.columns.order_by("position"))
        rng = random.Random(17)  # noqa: S311 - demo figures, not security
        now = timezone.now()
        for index, person in enumerate(colleagues):
            if person.municipality.name in NOT_ANSWERED_TABLE:
                continue
            senior = rng.uniform(62, 88)
            younger = senior - rng.uniform(18, 35)
            people = rng.randint(8, 450) * 100
            # A week ago, then again three days ago for most: the history chart has a slope.
            rounds = [(7, senior - rng.uniform(8, 14), younger - rng.uniform(6, 12), people * 0.8)]
            if index % 3:
                rounds.append(
                    (3, senior - rng.uniform(2, 6), younger - rng.uniform(2, 5), people * 0.9)
                )
            rounds.append((0, senior, younger, people))
            version = 0
            for days_ago, senior_rate, younger_rate, count in rounds:
                typed = {
                    columns[0].key: f"{senior_rate:.1f}",
                    columns[1].key: f"{max(younger_rate, 5):.1f}",
                    columns[2].key: f"{int(count):,}",
                    columns[3].key: f"R4.{rng.randint(1, 3)}.{rng.randint(1, 28)}",
                    columns[4].key: "はい" if index % 5 else "いいえ",
                    columns[5].key: COLUMNS[5]["choices"][index % 4],
                    columns[6].key: WORRIES[index % len(WORRIES)],
                }
                row = progress.save_row(person, table, typed, version)
                version = row.version
                moment = now - timedelta(days=days_ago, hours=rng.randint(0, 5))
                ProgressRowRevision.objects.filter(row=row, version=row.version).update(
                    created_at=moment
                )
                ProgressRow.objects.filter(pk=row.pk).update(updated_at=moment)

    def create_poll(self, board, author, colleagues) -> None:
        if ProgressTable.objects.filter(board=board, title=POLL_QUESTION).exists():
            return
        poll = progress.create_poll(author, board, question=POLL_QUESTION, choices=POLL_CHOICES)
        [column] = poll.columns.all()
        for index, person in enumerate(colleagues[:24]):
            choice = POLL_CHOICES[(index * 7) % 5 % 4]
            progress.save_row(person, poll, {column.key: choice}, 0)

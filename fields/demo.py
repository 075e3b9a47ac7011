"""Demo data for fields of work: boards of each field, a guide with history, the calendar of
the year, assignment histories with "ask me", a national official on secondment, a planned
move and handover notes (``manage.py seed_demo``; safe to run again)."""

import datetime

from django.utils import timezone

from accounts.models import Assignment, Municipality, User
from fields.models import CalendarEntry, DepartmentAlias, Field, GuideRevision, HandoverNote
from fields.registry import load_registry
from forums.models import Board

BOARDS_OF_FIELDS = {
    "vaccination": ["vaccination"],
    "health-promotion": ["vaccination"],
    "public-assistance": ["welfare"],
    "self-reliance-support": ["welfare"],
    "welfare-policy": ["welfare"],
    "procurement": ["procurement"],
    "disaster-prevention": ["disaster"],
    "child-family": ["parents"],
}

VACCINATION_GUIDE = [
    (
        "初版",
        "# 予防接種担当になったら\n\n"
        "## 最初の1週間\n"
        "- 予防接種法と実施要領（厚生労働省）の定期接種の部分を読む\n"
        "- 委託医療機関の一覧と契約書の保管場所を確認する\n"
        "- 前任者の引継書と、昨年度の接種率の推移を見る\n",
    ),
    (
        "ワクチン保管と接種券の項目を追加",
        "# 予防接種担当になったら\n\n"
        "## 最初の1週間\n"
        "- 予防接種法と実施要領（厚生労働省）の定期接種の部分を読む\n"
        "- 委託医療機関の一覧と契約書の保管場所を確認する\n"
        "- 前任者の引継書と、昨年度の接種率の推移を見る\n\n"
        "## ワクチンの保管\n"
        "- 冷蔵庫の温度記録は毎日。停電時の移送先を決めておく\n"
        "- 「保管」で検索すると、各市の工夫（バイアル用クッションなど）が見つかります\n\n"
        "## 接種券\n"
        "- 発送は4月と9月が山。再発行の本人確認の基準は掲示板に各市の例があります\n",
    ),
]

VACCINATION_CALENDAR = [
    (4, "接種券の一斉発送", "新年度の対象者（1歳・小学校入学前など）へ発送。転入者分は随時。"),
    (4, "委託医療機関との契約更新", "単価改定があれば医師会と協議済みの内容で契約。"),
    (6, "前年度の接種実績報告", "地域保健・健康増進事業報告の入力。"),
    (9, "高齢者インフルエンザ予防接種の案内", "10月開始に向けて広報紙・個別通知。"),
    (10, "予算要求", "翌年度のワクチン単価と対象者数の見込み。"),
    (12, "新年度の実施計画案", "制度改正（定期接種化など）の情報を確認。"),
    (2, "当初予算の議会審議", "委員会での質問に備えた想定問答。"),
    (3, "人事異動の内示・引継書の作成", "後任者のために引継書をここに共有しましょう。"),
]

WELFARE_CALENDAR = [
    (4, "ケース移管と担当地区の引継ぎ", "異動者のケースを新任ワーカーへ。訪問計画の見直し。"),
    (7, "生活保護法施行事務監査の準備", "指摘事項への対応状況を整理。"),
    (10, "予算要求", "扶助費の見込み。"),
    (1, "年金額改定に伴う収入認定の確認", ""),
]

HANDOVER_BODY = (
    "## 年間の仕事\n4月の接種券一斉発送と、10月からの高齢者インフルエンザが二つの山です。\n\n"
    "## 進行中の案件\n- 集団接種会場（市民体育館）の使用申請は毎年1月。\n"
    "- 医師会との単価協議は12月に終える。\n\n"
    "## 連絡先\n医師会事務局、健康福祉局の各区保健センター（内線は庁内名簿）。\n\n"
    "## 保管場所\n共有フォルダ「予防接種/契約」と「予防接種/実績報告」。\n\n"
    "## 反省と注意\n発送の宛名データは住基の異動締め日を必ず確認すること。"
)


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _history(member: User, rows) -> None:
    """Give a member dated assignments once: (organisation, department, kind, from, to)."""
    if member is None or Assignment.objects.filter(user=member, ended_on__isnull=False).exists():
        return
    Assignment.objects.filter(user=member).delete()
    for organisation, department, kind, start, end in rows:
        Assignment.objects.create(
            user=member,
            municipality=organisation,
            department=department,
            position=member.position,
            kind=kind,
            started_on=start,
            ended_on=end,
        )


DEMO_STAFF = [
    "yamada@city.habikino.lg.jp",
    "tanaka@city.kobe.lg.jp",
    "suzuki@city.fukuroi.lg.jp",
    "sato@vill.ogasawara.lg.jp",
    "kato@city.kunitachi.lg.jp",
]


def seed_fields() -> bool:
    """Returns False when the demo staff are missing (run ``seed_demo`` instead)."""
    load_registry(Field, DepartmentAlias)
    staff = [_person(email) for email in DEMO_STAFF]
    if None in staff:
        return False
    boards = {board.slug: board for board in Board.objects.all()}
    fields = {field.slug: field for field in Field.objects.all()}
    for slug, board_slugs in BOARDS_OF_FIELDS.items():
        fields[slug].boards.set([boards[board] for board in board_slugs if board in boards])
    yamada, tanaka, suzuki, sato, kato = staff[:5]
    day = datetime.date
    post, concurrent = Assignment.Kind.POST, Assignment.Kind.CONCURRENT
    _history(tanaka, [
        (tanaka.municipality, "市民税課", post, day(2014, 4, 1), day(2019, 3, 31)),
        (tanaka.municipality, "予防接種課", post, day(2019, 4, 1), None),
    ])  # fmt: skip
    _history(kato, [
        (kato.municipality, "健康増進課", post, day(2017, 4, 1), day(2023, 3, 31)),
        (kato.municipality, "生活福祉課", post, day(2023, 4, 1), None),
    ])  # fmt: skip
    _history(sato, [
        (sato.municipality, "村民課", post, day(2020, 4, 1), None),
        (sato.municipality, "保健センター", concurrent, day(2021, 4, 1), None),
    ])  # fmt: skip
    _history(yamada, [
        (yamada.municipality, "契約課", post, day(2016, 4, 1), day(2022, 3, 31)),
        (yamada.municipality, "健康増進課", post, day(2022, 4, 1), None),
    ])  # fmt: skip
    _history(suzuki, [
        (suzuki.municipality, "契約管財課", post, day(2021, 4, 1), day(2027, 3, 31)),
        (suzuki.municipality, "健康づくり課", post, day(2027, 4, 1), None),
    ])  # fmt: skip
    User.objects.filter(pk__in=[tanaka.pk, kato.pk, sato.pk, yamada.pk]).update(ask_me=True)
    User.objects.filter(pk=suzuki.pk).update(next_move_on=day(2027, 4, 1))
    _national_official(staff, fields)
    _guide_and_calendar(fields, tanaka, kato, sato)
    if not HandoverNote.objects.exists():
        HandoverNote.objects.create(
            field=fields["vaccination"],
            author=tanaka,
            organisation=tanaka.municipality,
            department="予防接種課",
            title="予防接種担当 引継書（2026年度版）",
            body=HANDOVER_BODY,
            is_shared=True,
        )
    return True


def _national_official(staff, fields) -> None:
    """A ministry official seconded (出向) to a prefecture, who joined as themselves."""
    ministry = Municipality.objects.filter(national_identifier="mhlw").first()
    osaka = Municipality.objects.filter(code="270008").first()
    if ministry is None or osaka is None or User.objects.filter(email__endswith="mhlw.go.jp"):
        return
    official = User.objects.create_user(
        "takahashi@mhlw.go.jp",
        full_name="高橋 直子",
        display_name="高橋（厚生労働省）",
        municipality=osaka,
        department="健康医療部 感染症対策課",
        position="課長補佐",
        status=User.Status.VERIFIED,
        ask_me=True,
        can_help_with="予防接種制度、国と自治体の役割分担",
    )
    official.password = staff[0].password  # the same demo password as everyone
    official.save(update_fields=["password"])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=official, email=official.email, defaults={"verified": True, "primary": True}
    )
    day = datetime.date
    for organisation, department, kind, start, end in [
        (ministry, "健康・生活衛生局 予防接種課", Assignment.Kind.POST, day(2018, 4, 1), None),
        (osaka, "健康医療部 感染症対策課", Assignment.Kind.SECONDMENT, day(2025, 4, 1),
         day(2027, 3, 31)),
    ]:  # fmt: skip
        Assignment.objects.create(
            user=official,
            municipality=organisation,
            department=department,
            position="課長補佐",
            kind=kind,
            started_on=start,
            ended_on=end,
            field=fields["vaccination"],
        )


def _guide_and_calendar(fields, tanaka, kato, sato) -> None:
    vaccination, welfare = fields["vaccination"], fields["public-assistance"]
    if not vaccination.guide_revisions.exists():
        for number, (note, body) in enumerate(VACCINATION_GUIDE, start=1):
            GuideRevision.objects.create(
                field=vaccination,
                number=number,
                body=body,
                note=note,
                author=tanaka if number == 1 else sato,
                created_at=timezone.now() - datetime.timedelta(days=30 // number),
            )
    for field, entries, author in ((vaccination, VACCINATION_CALENDAR, tanaka),
                                   (welfare, WELFARE_CALENDAR, kato)):  # fmt: skip
        if field.calendar_entries.exists():
            continue
        for month, title, description in entries:
            CalendarEntry.objects.create(
                field=field,
                month=month,
                title=title,
                description=description,
                created_by=author,
                updated_by=author,
            )

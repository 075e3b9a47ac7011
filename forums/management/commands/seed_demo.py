"""Demo data so that a newcomer sees a living site: staff, boards, questions and answers."""

import time

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import services as account_services
from accounts.models import Municipality, MunicipalityDomain, User
from forums import services
from forums.models import Board, Membership, Topic, WorkField
from moderation.models import AuditEntry, Flag
from moderation.services import content, membership, site

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose

FIELDS = [
    ("vaccination", "予防接種", "Vaccination", 10),
    ("welfare", "福祉", "Welfare", 20),
    ("procurement", "調達・契約", "Procurement and contracts", 30),
    ("childcare", "子育て", "Childcare", 40),
    ("disaster", "防災", "Disaster prevention", 50),
    ("community", "サークル", "Circles", 90),
]

BOARDS = [
    ("vaccination", "vaccination", "予防接種", "Vaccination",
     "接種券の発送、集団接種会場の運営、ワクチンの保管など予防接種業務の情報交換。",
     "Vouchers, mass vaccination sites, vaccine storage.", "open"),
    ("welfare", "welfare", "生活保護", "Public assistance",
     "生活保護のケースワーク、申請対応、制度運用についての相談。",
     "Casework, applications and the rules of public assistance.", "open"),
    ("procurement", "procurement", "調達・契約", "Procurement and contracts",
     "入札・契約事務、仕様書の作り方、電子入札の運用。",
     "Tenders, contracts, specifications and e-bidding.", "approval"),
    ("disaster", "disaster", "防災", "Disaster prevention",
     "避難所運営、防災訓練、備蓄品の管理。", "Shelters, drills and stockpiles.", "open"),
    ("parents", "childcare", "子育て中の職員サークル", "Parents' circle",
     "子育てしながら働く職員の情報交換（業務外）。", "Staff raising children (off work).", "open"),
    ("moderators", "community", "モデレーター室", "Moderators' room",
     "モデレーター同士の連絡用（招待制）。", "For moderators only (invite).", "invite"),
]  # fmt: skip

# (email, full name, display name, municipality code, department, position)
STAFF = [
    ("yamada@city.habikino.lg.jp", "山田 花子", "山田（羽曳野市）", "272221", "健康増進課",
     "主査"),
    ("tanaka@city.kobe.lg.jp", "田中 一郎", "田中（神戸市）", "281000", "予防接種課",
     "係長"),
    ("suzuki@city.fukuroi.lg.jp", "鈴木 美咲", "鈴木（袋井市）", "222160", "契約管財課", "主任"),
    ("sato@vill.ogasawara.lg.jp", "佐藤 健", "佐藤（小笠原村）", "134210", "村民課", "主事"),
    ("kato@city.kunitachi.lg.jp", "加藤 由美", "加藤（国立市）", "132152", "生活福祉課",
     "ケースワーカー"),
]  # fmt: skip
SITE_MODERATORS = (0, 4)  # two, so that a domain outside lg.jp / go.jp can be confirmed
# Applicants as site moderators meet them: (e-mail, name, display name, code, department, note)
APPLICANTS = [
    ("nakamura@city.sakai.lg.jp", "中村 優子", "中村（堺市）", "271403", "健康福祉局 保健所",
     ""),
    ("kimura.takuya@gmail.com", "木村 拓也", "木村（国立市）", "132152", "子育て支援課",
     "庁内メールは外部のサイトに登録できないため、個人のアドレスで申請しました。"
     "国立市役所の代表番号（042-576-2111）から子育て支援課の木村につないでいただけます。"),
    ("okada@city.fuchu.hiroshima.jp", "岡田 直樹", "岡田（府中市）", "342084", "総務課", ""),
]  # fmt: skip
# Registered by the first site moderator; in effect once the second confirms it.
PROPOSED_DOMAIN = ("342084", "city.fuchu.hiroshima.jp")
DOMAINS = {
    "272221": "city.habikino.lg.jp",
    "281000": "city.kobe.lg.jp",
    "222160": "city.fukuroi.lg.jp",
    "134210": "vill.ogasawara.lg.jp",
    "132152": "city.kunitachi.lg.jp",
}

# (board, asker, title, body, [(replier, body)], accepted reply index or None, tags)
TOPICS = [
    ("vaccination", 1, "モデルナのバイアルがファイザー用のクッションに合いません",
     "集団接種会場で使っているバイアル保管用のクッション（ファイザー用）に、モデルナのバイアルが"
     "うまく収まりません。皆さんどうされていますか？",
     [(3, "うちの村ではファイザー用のクッションをカッターで切って、モデルナのバイアルの径に合わせて"
          "います。切り方の図を貼りますね。\n\n1. 中央の穴を十字に切る\n2. 角を2mm落とす\n\n"
          "これで輸送中も安定しています。"),
      (1, "@佐藤（小笠原村） さん、ありがとうございます！早速試したらぴったりでした。"
          "お返しに当市の集団接種会場の"
          "レイアウト図を共有します。")],
     0, ["接種", "保管"]),
    ("vaccination", 0, "接種券の再発行、本人確認はどこまで求めていますか？",
     "4月に異動してきたばかりです。接種券の再発行申請で、窓口での本人確認書類は何を求めていますか？",
     [(1, "神戸市では運転免許証・マイナンバーカードなら1点、保険証などは2点で確認しています。")],
     None, ["接種券"]),
    ("welfare", 4, "扶養照会の運用、他市ではどうしていますか",
     "扶養照会について、DVなどの事情がある場合の省略判断の基準を他市の例で教えてください。",
     [(0, "羽曳野市では、ケース診断会議で判断し記録を残す運用にしています。")], 0, ["生活保護"]),
    ("procurement", 2, "電子入札で最低制限価格を事後公表にした自治体はありますか",
     "当市では事前公表ですが、事後公表への切り替えを検討しています。経験のある方いらっしゃいますか？",
     [], None, ["入札"]),
    ("disaster", 3, "避難所の段ボールベッド、備蓄数の目安は？",
     "人口比でどのくらい備蓄していますか。島しょ部なので輸送に時間がかかります。", [], None, []),
    # Found by questions in other words: 「特養の入所の順番の決め方」, 「公用車の鍵の管理は？」
    ("welfare", 2, "特別養護老人ホームの入所申込の優先順位",
     "特別養護老人ホームの入所申込が増えています。入所の優先順位の基準をどう決めていますか。",
     [(4, "県の入所指針に沿って、要介護度・介護者の状況・在宅サービスの利用状況を点数化し、"
          "入所検討委員会で順位を決めています。\n\n点数表は年1回見直しています。")],
     0, ["介護"]),
    ("procurement", 0, "庁用車の鍵の保管と貸出簿",
     "令和6年度から庁用車の鍵をキーボックスで管理していますが、返却漏れが続いています。",
     [(2, "鍵は総務課のキーボックスで保管し、貸出簿に使用者・行先・走行距離を記入してもらって"
          "います。\n\n未返却は毎夕チェックしています。")],
     0, []),
]  # fmt: skip


# Staff (by index) whose requests to join the approval board wait for a moderator.
ASKING_TO_JOIN = {
    1: "入札事務を今年度から担当しています。",
    3: "村でも電子入札の導入を検討中です。",
}


class Command(BaseCommand):
    help = "Create demo municipalities, staff, boards, topics and replies (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sign-ins-only",
            action="store_true",
            help="only print the demo sign-ins (make run does, once the site is up)",
        )
        parser.add_argument(
            "--wait-for-queue",
            type=int,
            default=0,
            metavar="SECONDS",
            help="first wait (at most this long) until the task worker has sent what is queued",
        )
        parser.add_argument("--url", default="", help="the address the site runs at")

    def handle(self, *args, **options):
        if options["sign_ins_only"]:
            self.wait_for_queue(options["wait_for_queue"])
            staff = [User.objects.get(email=row[0]) for row in STAFF]
            self.print_logins(staff, url=options["url"])
            return
        if not Municipality.objects.exists():
            call_command("load_municipalities", stdout=self.stdout)
        with transaction.atomic():
            staff = self.create_staff()
            boards = self.create_boards(staff)
            self.create_topics(staff, boards)
            self.create_moderation_work(staff, boards)
            call_command("seed_fields_demo", stdout=self.stdout)
        call_command("seed_conversations", stdout=self.stdout)
        call_command("seed_attachments", stdout=self.stdout)
        call_command("seed_meetings_demo", stdout=self.stdout)
        self.print_logins(staff)

    def create_staff(self) -> list[User]:
        for code, domain in DOMAINS.items():
            MunicipalityDomain.objects.get_or_create(
                domain=domain,
                defaults={
                    "municipality": Municipality.objects.get(code=code),
                    "confirmed_at": timezone.now(),
                },
            )
        people = []
        for index, (email, full_name, display, code, department, position) in enumerate(STAFF):
            person = User.objects.filter(email=email).first()
            if person is None:
                person = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=full_name,
                    display_name=display,
                    municipality=Municipality.objects.get(code=code),
                    department=department,
                    position=position,
                    is_site_moderator=index in SITE_MODERATORS,
                )
                person = self.confirm_email(person)
            people.append(person)
        moderators = [people[index].pk for index in SITE_MODERATORS]
        User.objects.filter(pk__in=moderators).update(is_site_moderator=True)
        applicant = User.objects.filter(email="applicant@example.com").first()
        if applicant is None:
            applicant = User.objects.create_user(
                "applicant@example.com",
                DEMO_PASSWORD,
                full_name="高橋 翔",
                display_name="高橋",
                municipality=Municipality.objects.get(code="011002"),
                department="保健福祉局 保護指導課",
                review_note="札幌市役所の代表番号から内線で確認できます。",
            )
            self.confirm_email(applicant)
        self.create_applicants(people)
        return people

    def create_applicants(self, staff) -> None:
        """An lg.jp address not yet registered (strong evidence), a personal address that can
        only be approved one person at a time, and a domain outside lg.jp waiting for the second
        site moderator, with a colleague who signed up with it meanwhile."""
        code, domain = PROPOSED_DOMAIN
        if not MunicipalityDomain.objects.filter(domain=domain).exists():
            site.register_municipality_domain(
                staff[SITE_MODERATORS[0]], Municipality.objects.get(code=code), domain
            )
        for email, full_name, display, code, department, note in APPLICANTS:
            if not User.objects.filter(email=email).exists():
                person = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=full_name,
                    display_name=display,
                    municipality=Municipality.objects.get(code=code),
                    department=department,
                    review_note=note,
                )
                self.confirm_email(person)

    def confirm_email(self, person: User) -> User:
        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )
        return account_services.verify_after_email_confirmation(person, person.email)

    def create_boards(self, staff) -> dict[str, Board]:
        fields = {}
        for slug, name_ja, name_en, position in FIELDS:
            fields[slug], _created = WorkField.objects.update_or_create(
                slug=slug, defaults={"name_ja": name_ja, "name_en": name_en, "position": position}
            )
        boards = {}
        for position, (slug, field, name_ja, name_en, desc_ja, desc_en, policy) in enumerate(
            BOARDS
        ):
            boards[slug], _created = Board.objects.update_or_create(
                slug=slug,
                defaults={
                    "field": fields[field],
                    "name_ja": name_ja,
                    "name_en": name_en,
                    "description_ja": desc_ja,
                    "description_en": desc_en,
                    "join_policy": policy,
                    "position": position,
                },
            )
        for index, person in enumerate(staff):
            for slug in ("vaccination", "welfare", "procurement", "disaster"):
                if slug == "procurement" and index in ASKING_TO_JOIN:
                    continue  # their join requests wait in the moderation queue
                self.add_member(person, boards[slug])
        moderator = staff[0]
        self.add_member(moderator, boards["moderators"], role=Membership.Role.MODERATOR)
        for slug in ("vaccination", "procurement"):
            Membership.objects.filter(user=moderator, board=boards[slug]).update(
                role=Membership.Role.MODERATOR
            )
        return boards

    def add_member(self, person, board, role=Membership.Role.MEMBER) -> None:
        _membership, created = Membership.objects.get_or_create(
            user=person, board=board, defaults={"role": role}
        )
        if created:
            board.member_count = board.memberships.filter(state=Membership.State.ACTIVE).count()
            board.save(update_fields=["member_count"])

    def create_topics(self, staff, boards) -> None:
        for slug, asker, title, body, replies, accepted, tags in TOPICS:
            board = boards[slug]
            if Topic.objects.filter(board=board, title=title).exists():
                continue
            topic = services.create_topic(staff[asker], board, title, body, tags=tags)
            posts = [services.post_reply(staff[who], topic, text) for who, text in replies]
            if accepted is not None:
                services.accept_answer(staff[asker], topic, posts[accepted])
            for post in posts:
                if post.author != staff[asker]:
                    services.toggle_helpful(staff[asker], post)

    def create_moderation_work(self, staff, boards) -> None:
        """Pending join requests, a flagged post and some audit history, once."""
        moderator = staff[0]
        procurement = boards["procurement"]
        for index, message in ASKING_TO_JOIN.items():
            services.join_board(staff[index], procurement, message)  # returns an existing request
        vaccination = boards["vaccination"]
        topic = Topic.objects.filter(board=vaccination).order_by("created_at", "id").last()
        reply = topic.posts.filter(number__gt=1).first() if topic else None
        if reply is not None and not Flag.objects.filter(post=reply).exists():
            content.flag_post(
                staff[4] if reply.author != staff[4] else staff[2],
                reply,
                Flag.Reason.PERSONAL_DATA,
                "窓口に来た方の氏名が書かれているように見えます。",
            )
        if not AuditEntry.objects.filter(actor=moderator).exists():
            first = Topic.objects.filter(board=vaccination).order_by("created_at", "id").first()
            content.set_pinned(moderator, first, True)
            disaster = Topic.objects.filter(board=boards["disaster"]).first()
            if disaster is not None:
                content.set_locked(moderator, disaster, True, "同じ質問が別のトピックにあります。")
                content.set_locked(moderator, disaster, False)
            helper = Membership.objects.get(user=staff[1], board=vaccination)
            membership.set_moderator(moderator, helper, True)

    def wait_for_queue(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(1)
            if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
                time.sleep(1)  # the line of the last message it sent
                return

    def print_logins(self, staff, url: str = "") -> None:
        self.stdout.write("")
        if url:
            self.stdout.write(self.style.SUCCESS(f"Online City Hall is running at {url}"))
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for index, person in enumerate(staff):
            role = " (site moderator)" if index in SITE_MODERATORS else ""
            self.stdout.write(f"  {person.email} / {DEMO_PASSWORD}{role}")
        self.stdout.write(f"  applicant@example.com / {DEMO_PASSWORD} (waiting for review)")
        if User.objects.filter(email="takahashi@mhlw.go.jp").exists():
            self.stdout.write(f"  takahashi@mhlw.go.jp / {DEMO_PASSWORD} (ministry, seconded)")
        self.stdout.write(
            "E-mails are not sent: each one is a line here, and the whole message is in sent-mail/."
        )

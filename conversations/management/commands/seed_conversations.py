"""Demo private conversations for ``seed_demo``: a one-to-one question after a transfer, a
small group about a contract draft (quote, mention, edit, read receipts), and a reported
message waiting for a site moderator. Safe to run again."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, User
from conversations import services
from conversations.models import ContactSettings, Conversation, Message, MessageReport

EMAILS = {
    "yamada": "yamada@city.habikino.lg.jp",
    "tanaka": "tanaka@city.kobe.lg.jp",
    "suzuki": "suzuki@city.fukuroi.lg.jp",
    "sato": "sato@vill.ogasawara.lg.jp",
    "kato": "kato@city.kunitachi.lg.jp",
}

ONE_TO_ONE = [
    ("kato", "山田さん、はじめまして。国立市生活福祉課の加藤です。"
             "4月に税務課から異動してきました。\n\n"
             "掲示板で扶養照会について回答されていたのを拝見しました。ケース診断会議の記録は、"
             "どのような様式で残していますか？ 掲示板には出しにくい個別ケースの話も含むので、"
             "こちらで伺えればと思いました。"),
    ("yamada", "加藤さん、はじめまして。異動直後は大変ですよね。\n\n"
               "当市では次の3点を1枚の様式にまとめています。\n\n"
               "1. 照会を省略する理由（DV・虐待・長期音信不通など）\n"
               "2. 根拠となった聴取内容と日付\n"
               "3. 会議の出席者と結論\n\n"
               "様式の Word 版は明日お送りしますね。"),
    ("kato", "> 1. 照会を省略する理由（DV・虐待・長期音信不通など）\n\n"
             "ありがとうございます！ 長期音信不通は何年くらいを目安にしていますか？"),
    ("yamada", "おおむね10年を目安にしていますが、"
               "年数だけで機械的に決めず、会議で個別に判断しています。"),
]  # fmt: skip

GROUP_TITLE = "委託契約書案の違約金条項について"
GROUP = [
    ("suzuki", "田中さん、佐藤さん、急にすみません。袋井市契約管財課の鈴木です。\n\n"
               "集団接種会場の運営委託の契約書案を作っていて、違約金の条項で迷っています。"
               "まだ庁内調整前の案なので、掲示板ではなくこちらで相談させてください。\n\n"
               "**第12条（違約金）** 受注者の責めに帰すべき事由により契約を解除したときは、"
               "契約金額の100分の10に相当する額を違約金として支払う。"),
    ("tanaka", "神戸市でも同じ100分の10です。ただ、接種会場の運営委託では「再委託先の"
               "事由」も含めるかを明記しておいたほうが後で揉めません。"),
    ("sato", "小笠原村は船便の欠航があるので、天候による履行不能を免責として別条に書いています。"
             "@鈴木（袋井市） さん、必要なら条文をお送りします。"),
    ("suzuki", "ありがとうございます。再委託先の件、第12条に追記します。"
               "佐藤さん、ぜひお願いします！"),
]  # fmt: skip
GROUP_EDIT = (
    "神戸市でも同じ100分の10です。ただ、接種会場の運営委託では「再委託先の事由」も含めるかを"
    "明記しておいたほうが後で揉めません（令和5年度の契約から追記しました）。"
)

REPORTED = [
    ("matsumoto", "田中さん、はじめまして。実は知人の会社が予約システムを販売していまして、"
             "特別価格でご案内できます。ご担当の方の直通番号を教えていただけませんか？"),
    ("tanaka", "申し訳ありませんが、調達は入札で行っていますので、"
               "個別のご案内はお受けできません。"),
    ("matsumoto", "そうおっしゃらずに。今月中にご契約いただければ半額にします。お電話ください。"),
]  # fmt: skip


class Command(BaseCommand):
    help = "Create demo private conversations (run by seed_demo; safe to run again)."

    def handle(self, *args, **options):
        people = {key: User.objects.filter(email=email).first() for key, email in EMAILS.items()}
        if None in people.values() or Message.objects.exists():
            return
        with transaction.atomic():
            people["matsumoto"] = self.pushy_member()
            self.one_to_one(people)
            self.group(people)
            self.reported(people)
            ContactSettings.objects.get_or_create(
                user=people["sato"], defaults={"who_may_contact": "shared_board"}
            )
        self.stdout.write(
            "Private conversations: 加藤 ↔ 山田, a group of three about a contract draft, "
            "and a reported message for the site moderator."
        )

    def thread(self, people, script, title=""):
        starter, body = script[0]
        others = {key for key, _text in script} - {starter}
        conversation = services.start_conversation(
            people[starter], [people[key] for key in sorted(others)], body, title=title
        )
        messages = [conversation.messages.get()]
        for who, text in script[1:]:
            messages.append(services.send_message(people[who], conversation, text))
        # Spread the messages over the last days, as a real exchange would be.
        start = timezone.now() - timedelta(days=2, hours=3)
        for index, message in enumerate(messages):
            Message.objects.filter(pk=message.pk).update(
                created_at=start + timedelta(hours=5 * index, minutes=7 * index)
            )
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=start, last_message_at=start + timedelta(hours=5 * (len(messages) - 1))
        )
        return conversation, messages

    def pushy_member(self) -> User:
        """A verified member who uses private messages to sell, for the report demo."""
        from allauth.account.models import EmailAddress

        from forums.management.commands.seed_demo import DEMO_PASSWORD

        email = "matsumoto@city.shizuoka.lg.jp"
        member = User.objects.filter(email=email).first()
        if member is None:
            member = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name="松本 健二",
                display_name="松本（静岡市）",
                municipality=Municipality.objects.filter(name="静岡市").first(),
                department="情報政策課",
                position="主任",
                status=User.Status.VERIFIED,
                status_changed_at=timezone.now() - timedelta(days=30),
            )
            EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
        return member

    def one_to_one(self, people):
        conversation, _messages = self.thread(people, ONE_TO_ONE)
        # 加藤 has not seen 山田's last answer yet: an unread count for her, a read receipt
        # ("read up to #3") for 山田.
        seat = conversation.participants.get(user=people["kato"])
        seat.last_read_number = 3
        seat.save(update_fields=["last_read_number"])

    def group(self, people):
        _conversation, messages = self.thread(people, GROUP, title=GROUP_TITLE)
        services.edit_message(people["tanaka"], messages[1], GROUP_EDIT)

    def reported(self, people):
        _conversation, messages = self.thread(people, REPORTED)
        if not MessageReport.objects.exists():
            services.report_message(
                people["tanaka"],
                messages[2],
                MessageReport.Reason.SPAM,
                "業者の営業のようです。断っても続けて連絡が来ます。",
            )

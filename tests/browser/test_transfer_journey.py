"""The newcomer after a transfer, in a browser: from "moved to welfare on 1 April" to the right
boards, guide, people and a live answer (screenshots at 1280 and 390 px)."""

import datetime
from pathlib import Path

from django.utils import timezone

from accounts.models import Assignment, Municipality, local_government_check_digit
from fields.models import DepartmentAlias, Field, GuideRevision
from fields.registry import load_registry
from forums import services as forum_services
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

ARTIFACTS = Path("test-artifacts")


def place(code5, prefecture, name, kind):
    return Municipality.objects.get_or_create(
        code=code5 + local_government_check_digit(code5),
        defaults={"prefecture": prefecture, "name": name, "kind": kind},
    )[0]


def next_first_of_april() -> datetime.date:
    today = timezone.localdate()
    year = today.year + 1 if today >= datetime.date(today.year, 4, 1) else today.year
    return datetime.date(year, 4, 1)


def scene():
    load_registry(Field, DepartmentAlias)
    welfare_field = Field.objects.get(slug="public-assistance")
    board = BoardFactory(slug="welfare", name_ja="生活保護", name_en="Public assistance",
                         description_ja="ケースワークと制度運用の相談")  # fmt: skip
    welfare_field.boards.add(board)
    GuideRevision.objects.create(
        field=welfare_field,
        number=1,
        body="# 生活保護の担当になったら\n\n- 生活保護手帳と別冊問答集を手元に\n- 4月はケース移管",
    )
    habikino = place("27222", "大阪府", "羽曳野市", Municipality.Kind.CITY)
    kind = Municipality.Kind
    people = []
    for code5, prefecture, name, who in [
        ("13215", "東京都", "国立市", "加藤 由美"),
        ("22216", "静岡県", "袋井市", "鈴木 美咲"),
        ("28100", "兵庫県", "神戸市", "神戸 係長"),
    ]:
        organisation = place(code5, prefecture, name,
                             kind.DESIGNATED_CITY if name == "神戸市" else kind.CITY)  # fmt: skip
        member = MembershipFactory(board=board, user__full_name=who, user__ask_me=True).user
        Assignment.objects.create(user=member, municipality=organisation,
                                  department="生活福祉課", started_on=datetime.date(2019, 4, 1),
                                  ended_on=datetime.date(2024, 3, 31))  # fmt: skip
        people.append(member)
    asker = people[0]
    solved = make_topic(asker, board, title="扶養照会の省略基準について", body="DVの場合の扱い")
    forum_services.accept_answer(asker, solved, make_reply(people[1], solved))
    newcomer = UserFactory(full_name="異動 新人", municipality=habikino, department="税務課")
    Assignment.objects.create(user=newcomer, municipality=habikino, department="税務課",
                              started_on=datetime.date(2021, 4, 1))  # fmt: skip
    return newcomer, people, board


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"transfer-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_newcomer_after_a_transfer_finds_boards_guide_people_and_an_answer(page_for, monkeypatch):
    newcomer, people, board = scene()
    first_day = next_first_of_april()
    page = page_for(newcomer)

    # The advance notice came: enter the new post from 1 April.
    page.goto("/account/assignments/")
    page.get_by_label("所属（課）").fill("生活福祉課")
    page.get_by_label("開始日").fill(first_day.isoformat())
    shoot(page, "assignments")
    page.get_by_role("button", name="担当業務を保存").click()
    page.wait_for_url("**/fields/public-assistance/")

    # 1 April: the first visit lands on the new field's page, with a welcome.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: first_day)
    page.goto("/")
    page.wait_for_url("**/fields/public-assistance/")
    assert page.get_by_role("heading", name="生活保護へようこそ").is_visible()
    shoot(page, "field-page")

    # Join its boards in one click.
    page.get_by_role("button", name="この分野の掲示板にすべて参加する").click()
    assert page.get_by_text("参加中").first.is_visible()

    # Open the guide.
    page.get_by_role("link", name="ガイド全文を読む").click()
    assert page.get_by_role("heading", name="生活保護の担当になったら").is_visible()

    # Two people who did the job in a city like ours.
    page.goto("/fields/people/?field=public-assistance")
    page.locator("select[name=kind]").select_option("city")
    page.get_by_role("button", name="検索").click()
    cards = page.locator(".person-card")
    assert cards.count() == 2
    assert "神戸 係長" not in page.locator("main").inner_text()
    shoot(page, "people")

    # The board links back to its field, then: ask a question; similar solved questions show
    # while typing.
    page.goto(f"/boards/{board.slug}/")
    assert page.get_by_role("link", name="生活保護").get_attribute("href") == (
        "/fields/public-assistance/"
    )
    shoot(page, "board")
    page.goto(f"/boards/{board.slug}/new/")
    page.get_by_label("タイトル").type("扶養照会の省略")
    page.locator("#similar-topics a").first.wait_for()
    assert "扶養照会の省略基準について" in page.locator("#similar-topics").inner_text()
    shoot(page, "similar-questions")
    page.get_by_label("タイトル").fill("扶養照会の省略と記録の残し方")
    page.locator("textarea[name=body]").fill(
        "着任したばかりです。省略した理由の記録はどう残していますか？"
    )
    page.get_by_role("button", name="質問を投稿").click()
    page.wait_for_url("**/topics/**")
    page.wait_for_function("window.liveTopic && window.liveTopic.mode === 'websocket'")
    page.wait_for_timeout(300)

    # A colleague answers from their own browser; the reply arrives live.
    topic = board.topics.get(title="扶養照会の省略と記録の残し方")
    colleague = page_for(people[1])
    colleague.goto(f"/topics/{topic.pk}/")
    colleague.locator("#reply textarea").fill("袋井市ではケース記録に理由と判断日を書いています。")
    colleague.get_by_role("button", name="返信を投稿").click()
    page.locator("#post-2").wait_for()
    assert "判断日" in page.locator("#post-2").inner_text()
    shoot(page, "live-answer")

"""A half-written reply is kept in the browser until the server has accepted it: a refused or
unanswered submission keeps it and says so; posting it again never posts it twice."""

from forums.models import Membership, Post
from moderation.services import content
from tests.factories import BoardFactory, MembershipFactory, make_topic

DRAFT_KEY = "draft:topic:{}"


def scene():
    board = BoardFactory(slug="vaccination", name_ja="予防接種")
    asker = MembershipFactory(board=board, user__full_name="山田 花子").user
    moderator = MembershipFactory(
        board=board, role=Membership.Role.MODERATOR, user__full_name="鈴木 美咲"
    ).user
    topic = make_topic(asker, board, title="接種券の再発行")
    return asker, moderator, topic


def stored_draft(page, topic):
    return page.evaluate(f"localStorage.getItem('{DRAFT_KEY.format(topic.pk)}')")


def test_an_accepted_reply_drops_its_draft(page_for):
    asker, _, topic = scene()
    page = page_for(asker)
    page.goto(f"/topics/{topic.pk}/")
    page.locator("#reply textarea").fill("本人確認書類の写しで受け付けています。")
    assert stored_draft(page, topic) is not None

    page.get_by_role("button", name="返信を投稿").click()
    page.locator("#post-2").wait_for()

    assert "accepted=" not in page.url  # the address is tidied once the draft is dropped
    assert stored_draft(page, topic) is None
    page.reload()
    assert page.locator("#reply textarea").input_value() == ""


def test_a_reply_refused_by_the_server_keeps_its_draft_and_says_so(page_for):
    asker, moderator, topic = scene()
    page = page_for(asker)
    page.goto(f"/topics/{topic.pk}/")
    page.locator("#reply textarea").fill("窓口では写真付きの本人確認書類を求めています。")
    token = page.locator("#reply input[name=submission_token]").input_value()
    content.set_locked(moderator, topic, True, "重複のため")  # locked while the member types

    page.get_by_role("button", name="返信を投稿").click()
    page.wait_for_load_state()

    assert Post.objects.filter(topic=topic).count() == 1
    assert stored_draft(page, topic) is not None
    content.set_locked(moderator, topic, False)
    page.goto(f"/topics/{topic.pk}/")
    box = page.locator("#reply textarea")
    assert box.input_value() == "窓口では写真付きの本人確認書類を求めています。"
    assert "確認できませんでした" in page.locator("#reply .draft-status").inner_text()
    assert page.locator("#reply input[name=submission_token]").input_value() == token
    page.screenshot(path="test-artifacts/draft-kept-after-refusal.png", full_page=True)

    page.get_by_role("button", name="返信を投稿").click()
    page.locator("#post-2").wait_for()
    assert stored_draft(page, topic) is None


def test_a_reply_whose_answer_was_lost_is_not_posted_twice(page_for):
    asker, _, topic = scene()
    page = page_for(asker)
    page.goto(f"/topics/{topic.pk}/")
    page.locator("#reply textarea").fill("郵送での再発行にも対応しています。")

    def lose_the_answer(route):
        route.fetch(max_redirects=0)  # the server accepts the reply…
        route.abort("connectionreset")  # …but the answer never reaches the browser

    page.route("**/reply/", lose_the_answer)
    page.get_by_role("button", name="返信を投稿").click()
    page.wait_for_timeout(500)
    page.unroute("**/reply/")
    assert Post.objects.filter(topic=topic).count() == 2  # (the browser shows an error page)

    page.goto(f"/topics/{topic.pk}/")
    assert page.locator("#reply textarea").input_value() == "郵送での再発行にも対応しています。"
    assert "確認できませんでした" in page.locator("#reply .draft-status").inner_text()
    page.get_by_role("button", name="返信を投稿").click()
    page.locator("#post-2").wait_for()

    assert Post.objects.filter(topic=topic).count() == 2  # the same submission, not a new post
    assert stored_draft(page, topic) is None


def test_quoting_a_post_adds_the_quote_to_the_half_written_reply(page_for):
    _asker, moderator, topic = scene()
    page = page_for(moderator)
    page.goto(f"/topics/{topic.pk}/")
    page.locator("#reply textarea").fill("うちでは郵送で再発行しています。")

    page.locator("#post-1").get_by_role("link", name="引用").click()
    page.wait_for_load_state()

    text = page.locator("#reply textarea").input_value()
    assert text.startswith("うちでは郵送で再発行しています。\n\n>")
    assert "#1" in text or "山田" in text
    page.reload()  # the same address again: the quote is not added twice
    assert page.locator("#reply textarea").input_value().count("\n>") == text.count("\n>")


def test_the_reply_form_fits_a_phone_with_large_text(page_for):
    asker, _moderator, topic = scene()
    page = page_for(asker, viewport={"width": 320, "height": 640})
    page.goto(f"/topics/{topic.pk}/")
    page.evaluate("document.documentElement.style.fontSize = '150%'")  # large text setting
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    box = page.locator(".attach-files").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320

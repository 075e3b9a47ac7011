"""Saturday evening: a reply appears live on every open page, and nobody loses a draft."""

import re

from forums.models import Membership
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic

REFUSE_WEBSOCKETS = """
window.WebSocket = class {
  constructor() {
    setTimeout(() => this.onclose?.({ code: 1006 }), 10);
    this.listeners = {};
    setTimeout(() => (this.listeners.close || []).forEach((f) => f({ code: 1006 })), 10);
  }
  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  close() {}
};
"""


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    # Chromium leaves an empty style attribute on inputs that a script touched; it means nothing.
    return html.replace(" post--new", "").replace(' style=""', "")


def scene():
    board = BoardFactory(slug="vaccination", name_ja="予防接種")
    asker = MembershipFactory(board=board, user__full_name="山田 花子").user
    answerer = MembershipFactory(board=board, user__full_name="佐藤 健").user
    topic = make_topic(asker, board, title="モデルナのバイアルが合いません")
    return asker, answerer, topic


def test_a_reply_appears_live_without_touching_the_half_written_reply(page_for):
    asker, answerer, topic = scene()
    reader = page_for(asker)
    reader.goto(f"/topics/{topic.pk}/")
    draft = reader.locator("#reply textarea")
    draft.fill("書きかけの返信です")
    draft.focus()
    reader.wait_for_function("window.liveTopic && window.liveTopic.mode === 'websocket'")
    reader.wait_for_timeout(300)  # the socket is open

    writer = page_for(answerer)
    writer.goto(f"/topics/{topic.pk}/")
    writer.locator("#reply textarea").fill("ファイザー用のクッションを切って使っています。")
    writer.get_by_role("button", name="返信を投稿").click()

    live_post = reader.locator("#post-2")
    live_post.wait_for()
    assert "ファイザー用のクッション" in live_post.inner_text()
    assert draft.input_value() == "書きかけの返信です"
    assert reader.evaluate("document.activeElement.name") == "body"
    assert reader.locator("#live-announcer").inner_text().startswith("新しい返信")
    assert reader.locator("#reply-count").inner_text() == "返信1件"
    reader.screenshot(path="test-artifacts/live-reply.png", full_page=True)

    live_html = normalised(live_post.evaluate("element => element.outerHTML"))
    reader.reload()
    assert normalised(reader.locator("#post-2").evaluate("e => e.outerHTML")) == live_html
    assert reader.locator("#reply textarea").input_value() == "書きかけの返信です"


def test_replies_still_arrive_when_the_websocket_upgrade_is_refused(page_for):
    asker, answerer, topic = scene()
    reader = page_for(asker, init_script=REFUSE_WEBSOCKETS)
    reader.goto(f"/topics/{topic.pk}/")
    # Polled from here: a string predicate with a timeout is evaluated by eval(), which the
    # site's Content-Security-Policy refuses.
    for _attempt in range(150):
        if reader.evaluate("window.liveTopic ? window.liveTopic.mode : ''") not in (
            "",
            "websocket",
        ):
            break
        reader.wait_for_timeout(100)
    else:
        raise AssertionError("the page never left the WebSocket mode")
    reader.wait_for_timeout(500)

    writer = page_for(answerer)
    writer.goto(f"/topics/{topic.pk}/")
    writer.locator("#reply textarea").fill("代替経路でも届きます。")
    writer.get_by_role("button", name="返信を投稿").click()

    reader.locator("#post-2").wait_for(timeout=20_000)
    assert "代替経路でも届きます。" in reader.locator("#post-2").inner_text()


def test_a_post_redacted_while_the_page_is_open_loses_its_flag_button(page_for):
    asker, answerer, topic = scene()
    moderator = MembershipFactory(board=topic.board, role=Membership.Role.MODERATOR).user
    reply = make_reply(answerer, topic, "窓口に来た住民の電話番号は090-0000-0000です。")
    reader = page_for(asker)
    reader.goto(f"/topics/{topic.pk}/")
    flag = reader.locator("#post-2 [data-show-for=flag]")
    assert flag.is_visible()
    reader.wait_for_function("window.liveTopic && window.liveTopic.mode === 'websocket'")
    reader.wait_for_timeout(300)  # the socket is open

    moderating = page_for(moderator)
    moderating.goto(f"/posts/{reply.pk}/moderate/")
    moderating.locator("#redact-reason").fill("住民の個人情報が含まれていたため")
    moderating.locator("#redact-reason").evaluate("area => area.form.requestSubmit()")
    moderating.wait_for_load_state()

    reader.locator("#post-2[data-post-states=redacted]").wait_for()
    assert flag.is_hidden()
    assert reader.locator("#post-2 [data-show-for=helpful]").is_visible()
    reader.reload()
    assert flag.is_hidden()

"""Two members in their browsers: one starts a private conversation from the other's profile,
both see messages live, one goes offline and catches up with nothing lost or doubled, and a
half-written message survives a reload."""

from tests.conversations.conftest import veteran
from tests.factories import MunicipalityFactory

# Remember every socket the page opens, so the test can cut them as a network drop would.
TRACK_SOCKETS = """
window.__sockets = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""


def cast():
    newcomer = veteran(full_name="田中 太郎", display_name="田中", department="生活福祉課")
    sapporo = MunicipalityFactory(code="011002", prefecture="北海道", name="札幌市")
    expert = veteran(
        full_name="佐藤 花子", display_name="佐藤", municipality=sapporo, department="保護課"
    )
    return newcomer, expert


def a_third_colleague():
    return veteran(full_name="山本 次郎", display_name="山本", department="保護課")


def start_writing(page, recipients, subject: str, body: str) -> None:
    """Open the new-conversation page for ``recipients`` and type a subject and a message."""
    page.goto("/conversations/new/?" + "&".join(f"to={member.pk}" for member in recipients))
    page.get_by_label("件名（任意）").fill(subject)
    page.get_by_role("textbox", name="メッセージ").fill(body)


def typed(page) -> tuple[str, str]:
    """The subject and the message as the new-conversation form shows them."""
    return (
        page.get_by_label("件名（任意）").input_value(),
        page.get_by_role("textbox", name="メッセージ").input_value(),
    )


def message_numbers(page) -> list[int]:
    return page.eval_on_selector_all(
        "#message-list [data-number]", "items => items.map(i => Number(i.dataset.number))"
    )


def test_two_members_talk_live_and_one_catches_up_after_going_offline(page_for):
    newcomer, expert = cast()
    # The expert has the conversations page open: the new conversation appears there live.
    inbox = page_for(expert)
    inbox.goto("/conversations/")
    inbox.wait_for_timeout(500)

    asker = page_for(newcomer)
    asker.goto(f"/members/{expert.pk}/")
    asker.get_by_role("link", name="個人メッセージを送る").click()
    asker.get_by_label("件名（任意）").fill("返還金の分割納付")
    asker.get_by_role("textbox", name="メッセージ").fill(
        "はじめまして。**分割納付**の決裁はどなたが？"
    )
    asker.screenshot(path="test-artifacts/conversation-new.png", full_page=True)
    asker.get_by_role("button", name="会話を始める").click()
    asker.wait_for_url("**/conversations/*/")
    asker.wait_for_function(
        "window.liveConversation && window.liveConversation.mode === 'websocket'"
    )

    row = inbox.locator(".conversation-row")
    row.wait_for()
    assert "未読1件" in row.inner_text() and "返還金の分割納付" in row.inner_text()
    # The header of every page counts the conversations with unread messages, live.
    badge = inbox.locator("[data-conversation-count]")
    badge.filter(has_text="1").wait_for()
    inbox.screenshot(path="test-artifacts/conversation-list.png", full_page=True)

    expert_page = page_for(expert, init_script=TRACK_SOCKETS)
    row.get_by_role("link").click()
    expert_page.goto(inbox.url)
    expert_page.wait_for_function(
        "window.liveConversation && window.liveConversation.mode === 'websocket'"
    )
    expert_page.wait_for_timeout(300)
    assert "分割納付" in expert_page.locator("#message-1").inner_text()
    badge.wait_for(state="hidden")  # read in the other tab
    asker.locator("#read-receipts").filter(has_text="佐藤 花子さんが#1まで既読").wait_for()

    # The expert answers; the asker sees it live, with a read receipt and the typing signal.
    box = expert_page.locator("#compose textarea")
    box.fill("札幌市では課長決裁です。")
    asker.locator("#typing").filter(has_text="入力中").wait_for()
    expert_page.get_by_role("button", name="送信", exact=True).click()
    asker.locator("#message-2").wait_for()
    assert "課長決裁" in asker.locator("#message-2").inner_text()
    asker.locator("#read-receipts").filter(has_text="佐藤 花子さんが#2まで既読").wait_for()

    # The expert's network drops: their socket is cut and cannot reconnect for a while.
    expert_page.wait_for_function("window.liveConversation.sequence >= 2")
    expert_page.context.set_offline(True)
    expert_page.evaluate("window.__sockets.forEach((socket) => socket.close())")
    for text in ("追加の質問です。", "様式もいただけますか？", "よろしくお願いします。"):
        asker.locator("#compose textarea").fill(text)
        asker.get_by_role("button", name="送信", exact=True).click()
        asker.wait_for_load_state()
    asker.locator("#message-5").wait_for()
    expert_page.wait_for_timeout(1500)
    assert message_numbers(expert_page) == [1, 2]
    expert_page.context.set_offline(False)
    expert_page.locator("#message-5").wait_for(timeout=30_000)
    assert message_numbers(expert_page) == [1, 2, 3, 4, 5]
    expert_page.screenshot(path="test-artifacts/conversation-caught-up.png", full_page=True)

    # A half-written message survives a reload.
    expert_page.locator("#compose textarea").fill("書きかけの返事")
    expert_page.reload()
    assert expert_page.locator("#compose textarea").input_value() == "書きかけの返事"
    asker.screenshot(path="test-artifacts/conversation-asker.png", full_page=True)


def test_the_subject_and_message_survive_adding_another_person(page_for):
    newcomer, expert = cast()
    a_third_colleague()
    asker = page_for(newcomer)
    start_writing(asker, [expert], "扶養照会の範囲", "どこまで照会していますか。")
    asker.get_by_label("氏名・自治体・部署で会員を探す").fill("山本")
    asker.get_by_label("氏名・自治体・部署で会員を探す").press("Enter")
    asker.get_by_label("山本 次郎").check()
    asker.get_by_role("button", name="会話に追加").click()
    asker.wait_for_load_state()

    assert "山本 次郎" in asker.locator("#to-heading ~ ul").first.inner_text()
    assert typed(asker) == ("扶養照会の範囲", "どこまで照会していますか。")
    asker.screenshot(path="test-artifacts/conversation-new-three.png", full_page=True)


def test_a_draft_for_one_colleague_does_not_fill_in_for_another(page_for):
    newcomer, expert = cast()
    other = a_third_colleague()
    asker = page_for(newcomer)
    start_writing(asker, [expert], "佐藤さんへの相談", "札幌市の返還金の扱いについて。")

    asker.goto(f"/conversations/new/?to={other.pk}")
    assert typed(asker) == ("", "")

    asker.goto(f"/conversations/new/?to={expert.pk}")
    assert typed(asker) == ("佐藤さんへの相談", "札幌市の返還金の扱いについて。")


def test_what_a_refused_send_came_back_with_is_kept_in_the_browser(page_for):
    from conversations import services

    newcomer, expert = cast()
    other = a_third_colleague()
    asker = page_for(newcomer)
    start_writing(asker, [expert, other], "三人での相談", "三人で相談させてください。")
    services.block_member(expert, newcomer)  # while the message is typed
    asker.get_by_role("button", name="会話を始める").click()
    asker.wait_for_load_state()
    assert "佐藤 花子さんには個人メッセージを送れません。" in asker.content()
    assert typed(asker) == ("三人での相談", "三人で相談させてください。")

    asker.goto(f"/conversations/new/?to={other.pk}")  # a fresh page for the one left
    assert typed(asker) == ("三人での相談", "三人で相談させてください。")


def test_quoting_a_message_adds_it_to_the_half_written_one(page_for):
    from conversations import services

    newcomer, expert = cast()
    conversation = services.start_conversation(newcomer, [expert], "扶養照会", "省略の判断は？")
    page = page_for(expert)
    page.goto(conversation.get_absolute_url())
    page.locator("#compose textarea[name=body]").fill("うちでは会議で判断しています。")

    page.locator("#message-1").get_by_role("link", name="引用").click()
    page.wait_for_load_state()

    text = page.locator("#compose textarea[name=body]").input_value()
    assert text.startswith("うちでは会議で判断しています。\n\n>")


def test_without_javascript_finding_and_adding_someone_keeps_what_was_typed(page_for):
    newcomer, expert = cast()
    a_third_colleague()
    asker = page_for(newcomer, java_script_enabled=False)
    start_writing(asker, [expert], "扶養照会の範囲", "どこまで照会していますか。")
    asker.get_by_label("氏名・自治体・部署で会員を探す").fill("山本")
    asker.get_by_label("氏名・自治体・部署で会員を探す").press("Enter")
    asker.wait_for_load_state()
    assert typed(asker) == ("扶養照会の範囲", "どこまで照会していますか。")
    asker.get_by_label("山本 次郎").check()
    asker.get_by_role("button", name="会話に追加").click()
    asker.wait_for_load_state()

    assert "山本 次郎" in asker.locator("#to-heading ~ ul").first.inner_text()
    assert "佐藤 花子" in asker.locator("#to-heading ~ ul").first.inner_text()
    assert typed(asker) == ("扶養照会の範囲", "どこまで照会していますか。")

"""Suggestion lists under text fields: the municipality at sign-up and @mentions in replies."""

from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory, make_topic


def test_the_municipality_field_suggests_and_the_keyboard_chooses(chromium, asgi_server):
    MunicipalityFactory()
    context = chromium.new_context(locale="ja-JP", base_url=asgi_server)
    page = context.new_page()
    page.goto("/accounts/signup/")
    field = page.get_by_role("combobox", name="自治体")
    field.type("羽曳")
    page.get_by_role("option", name="大阪府 羽曳野市").wait_for()
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant")
    field.press("Enter")
    assert field.input_value() == "大阪府 羽曳野市"
    assert field.get_attribute("aria-expanded") == "false"
    context.close()


def test_typing_at_suggests_members_and_inserts_the_name(page_for):
    board = BoardFactory()
    asker = MembershipFactory(board=board).user
    MembershipFactory(board=board, user__display_name="佐藤（小笠原村）")
    topic = make_topic(asker, board)
    page = page_for(asker)
    page.goto(f"/topics/{topic.pk}/")
    reply = page.locator("#reply textarea")
    reply.type("ありがとうございます @佐藤")
    page.get_by_role("option").first.wait_for()
    reply.press("ArrowDown")
    reply.press("Enter")
    assert reply.input_value() == "ありがとうございます @佐藤（小笠原村） "

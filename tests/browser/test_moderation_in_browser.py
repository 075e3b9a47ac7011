"""In a real browser: a moderator approves a join request from the queue, and the member's own
page of the board then shows them as a member."""

from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory


def test_moderator_approves_a_join_request_and_the_member_sees_they_belong(page_for):
    procurement = BoardFactory(
        slug="procurement", name_ja="調達・契約", join_policy=Board.JoinPolicy.APPROVAL
    )
    moderator_user = MembershipFactory(
        board=procurement, role=Membership.Role.MODERATOR, user__full_name="鈴木 美咲"
    ).user
    join_request = MembershipFactory(
        board=procurement,
        state=Membership.State.PENDING,
        request_message="入札事務の担当になりました。",
        user__full_name="田中 一郎",
    )

    moderator = page_for(moderator_user)
    moderator.goto("/boards/procurement/moderation/")
    assert moderator.locator("[data-moderation-count]").inner_text().startswith("1")
    moderator.screenshot(path="test-artifacts/moderation-queue.png", full_page=True)
    moderator.get_by_role("button", name="田中 一郎 さんを承認").click()
    moderator.wait_for_load_state()
    assert "田中 一郎" in moderator.locator(".message--success").inner_text()
    assert moderator.locator("#requests-heading .badge").inner_text() == "0"

    member = page_for(join_request.user)
    member.goto("/boards/")
    card = member.locator(".board-card", has_text="調達・契約")
    assert card.locator(".badge", has_text="メンバー").count() == 1
    member.goto("/boards/procurement/")
    assert member.get_by_role("link", name="質問する").is_visible()
    join_request.refresh_from_db()
    assert join_request.state == Membership.State.ACTIVE

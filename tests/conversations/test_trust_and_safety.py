"""Trust and safety: who may be contacted, silent blocking, the new-member limit, reports that
let site moderators read only the reported stretch, and the audit log of every such view."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import User
from conversations import queries, services
from conversations.models import ContactSettings, MessageReport
from moderation.models import AuditEntry
from tests.conversations.conftest import veteran
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are compared word for word."""
    with translation.override("en"):
        yield


Who = ContactSettings.WhoMayContact
REFUSAL = "This member cannot receive a conversation from you."


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The refusals below are compared in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


def test_only_verified_active_members_take_part(newcomer):
    for status in (User.Status.PENDING, User.Status.SUSPENDED, User.Status.UNVERIFIED):
        other = UserFactory(status=status)
        with pytest.raises(PermissionDenied):
            services.start_conversation(newcomer, [other], "こんにちは")
        with pytest.raises(PermissionDenied):
            services.start_conversation(other, [newcomer], "こんにちは")


def test_everyone_verified_may_write_by_default(newcomer, expert):
    assert queries.may_contact(newcomer, expert)


def test_members_sharing_a_board_only(newcomer, expert):
    services.save_contact_settings(expert, who_may_contact=Who.SHARED_BOARD)
    assert not queries.may_contact(newcomer, expert)
    board = BoardFactory()
    MembershipFactory(board=board, user=expert)
    MembershipFactory(board=board, user=newcomer)
    assert queries.may_contact(newcomer, expert)


def test_nobody_new_except_existing_conversations(newcomer, expert, outsider):
    services.start_conversation(newcomer, [expert], "前からの知り合い")
    services.save_contact_settings(expert, who_may_contact=Who.EXISTING)
    assert queries.may_contact(newcomer, expert)
    assert not queries.may_contact(outsider, expert)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        services.start_conversation(outsider, [expert], "はじめまして")


def test_blocking_is_silent(login, newcomer, expert):
    login(expert).post(f"/conversations/members/{newcomer.pk}/block/")
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        services.start_conversation(newcomer, [expert], "こんにちは")
    # The same words as a contact setting: nothing says "blocked".
    assert str(refused.value) == REFUSAL
    html = login(newcomer).get(f"/members/{expert.pk}/").content.decode()
    assert "blocked" not in html.lower() and "ブロックされ" not in html
    assert f"/conversations/new/?to={expert.pk}" not in html
    response = login(newcomer).post(
        "/conversations/new/", {"to": [expert.pk], "body": "こんにちは"}
    )
    assert response.status_code == 400
    # Nor may the blocked member add them to a group.
    conversation = services.start_conversation(newcomer, [veteran()], "グループ")
    with translation.override("en"), pytest.raises(PermissionDenied, match=REFUSAL):
        services.add_participants(newcomer, conversation, [expert])
    login(expert).post(f"/conversations/members/{newcomer.pk}/unblock/")
    assert queries.may_contact(newcomer, expert)


def test_new_members_start_at_most_five_conversations_a_day(settings, expert):
    recent = UserFactory(status_changed_at=timezone.now() - timedelta(days=2))
    people = [veteran() for _ in range(6)]
    for person in people[:5]:
        services.start_conversation(recent, [person], "質問です")
    with pytest.raises(ValidationError, match="at most 5"):
        services.start_conversation(recent, [people[5]], "六人目")
    # Writing in existing conversations is not limited.
    existing = recent.conversation_seats.first().conversation
    services.send_message(recent, existing, "追伸")
    # The limit follows the settings, and ends after the first week.
    settings.CONVERSATION_NEW_MEMBER_DAILY_LIMIT = 6
    services.start_conversation(recent, [people[5]], "六人目")
    older = UserFactory(status_changed_at=timezone.now() - timedelta(days=8))
    for person in people:
        services.start_conversation(older, [person], "質問です")


def test_contact_settings_page_saves_choices(login, newcomer):
    client = login(newcomer)
    response = client.post(
        "/conversations/settings/",
        {"who_may_contact": "shared_board", "read_receipts": "", "email_includes_text": "on"},
    )
    assert response.status_code == 302
    saved = ContactSettings.objects.get(user=newcomer)
    assert (saved.who_may_contact, saved.read_receipts, saved.email_includes_text) == (
        "shared_board",
        False,
        True,
    )
    bad = client.post("/conversations/settings/", {"who_may_contact": "robots"})
    assert bad.status_code == 400


def test_a_report_shows_moderators_the_message_and_ten_around_it(
    login, newcomer, expert, moderator
):
    conversation = services.start_conversation(newcomer, [expert], "0通目")
    for number in range(2, 31):
        author = expert if number == 15 else newcomer
        services.send_message(author, conversation, f"本文{number:02d}番")
    reported = conversation.messages.get(number=15)
    response = login(newcomer).post(
        f"/conversations/messages/{reported.pk}/report/", {"reason": "harassment", "note": "脅し"}
    )
    assert response.status_code == 302
    report = MessageReport.objects.get()
    assert report.reporter == newcomer
    # Reporting one's own message is not possible.
    own = conversation.messages.get(number=14)
    assert login(newcomer).get(f"/conversations/messages/{own.pk}/report/").status_code == 403
    page = login(moderator).get(f"/conversations/reports/{report.pk}/").content.decode()
    shown = [number for number in range(2, 31) if f"本文{number:02d}番" in page]
    assert shown == list(range(5, 26))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONVERSATION_REPORT_VIEWED)
    assert entry.actor == moderator and entry.target_user == expert
    assert entry.after == {"report": report.pk, "conversation": conversation.pk}
    # Every view is recorded, and closing the report too.
    login(moderator).get(f"/conversations/reports/{report.pk}/")
    assert AuditEntry.objects.filter(action="conversation.report_viewed").count() == 2
    login(moderator).post(f"/conversations/reports/{report.pk}/resolve/", {"note": "注意した"})
    closed = AuditEntry.objects.get(action=AuditEntry.Action.CONVERSATION_REPORT_RESOLVED)
    assert closed.reason == "注意した"
    assert MessageReport.objects.get().resolved_by == moderator
    log = login(moderator).get("/moderation/log/").content.decode()
    assert "本文15番" not in log


def test_ask_me_lets_questions_about_that_field_through_a_narrower_setting(login, newcomer, expert):
    from accounts.models import Assignment
    from fields.models import Field

    welfare, _ = Field.objects.get_or_create(
        slug="public-assistance", defaults={"name_ja": "生活保護", "name_en": "Welfare"}
    )
    other, _ = Field.objects.get_or_create(
        slug="tax", defaults={"name_ja": "税務", "name_en": "Tax"}
    )
    Assignment.objects.create(
        user=expert, department="保護課", field=welfare, started_on=timezone.localdate()
    )
    User.objects.filter(pk=expert.pk).update(ask_me=True)
    expert.refresh_from_db()
    services.save_contact_settings(expert, who_may_contact=Who.EXISTING)
    assert not queries.may_contact(newcomer, expert)
    assert not queries.may_contact(newcomer, expert, other)
    assert queries.may_contact(newcomer, expert, welfare)
    # From the field's list of people to ask: the page carries the field along.
    client = login(newcomer)
    page = client.get(f"/conversations/new/?to={expert.pk}&field={welfare.slug}")
    assert 'name="field" value="public-assistance"' in page.content.decode()
    refused = client.post(
        "/conversations/new/", {"to": [expert.pk], "field": other.slug, "body": "税の話"}
    )
    assert refused.status_code == 400
    response = client.post(
        "/conversations/new/",
        {"to": [expert.pk], "field": welfare.slug, "body": "保護費の返還金について伺えますか"},
    )
    assert response.status_code == 302
    # "Ask me" does not undo a block.
    services.block_member(expert, newcomer)
    assert not queries.may_contact(newcomer, expert, welfare)

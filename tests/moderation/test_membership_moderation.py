"""Join requests, removal, bans, moderator roles and invitations, each with its audit entry."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forums import services as forum_services
from forums.models import Board, Membership
from moderation.models import AuditEntry
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.moderation.conftest import only_entry

pytestmark = pytest.mark.django_db


def members_url(board):
    return reverse("moderation:members", args=[board.slug])


# --- Join requests -------------------------------------------------------------------------


def test_moderator_sees_the_request_and_its_message_in_the_queue(
    login, procurement, procurement_moderator, join_request
):
    html = login(procurement_moderator).get(reverse("moderation:board", args=["procurement"]))
    assert "田中 一郎" in html.content.decode()
    assert "入札事務の担当になりました。" in html.content.decode()


def test_moderator_approves_a_request_and_the_member_is_told(
    login, procurement, procurement_moderator, join_request, django_capture_on_commit_callbacks
):
    url = reverse("moderation:approve_requests", args=[procurement.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(procurement_moderator).post(url, {"membership": [join_request.pk]})

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.state == Membership.State.ACTIVE
    assert join_request.decided_by == procurement_moderator
    procurement.refresh_from_db()
    assert procurement.member_count == 1
    entry = only_entry(action=AuditEntry.Action.MEMBERSHIP_APPROVED)
    assert (entry.actor, entry.board, entry.target_user) == (
        procurement_moderator,
        procurement,
        join_request.user,
    )
    assert entry.after == {"state": "active"}
    [message] = mail.outbox
    assert message.to == [join_request.user.email]
    assert "調達・契約" in message.body


def test_bulk_approval_approves_every_selected_request_once(
    login, procurement, procurement_moderator, join_request
):
    second = MembershipFactory(board=procurement, state=Membership.State.PENDING)
    left_waiting = MembershipFactory(board=procurement, state=Membership.State.PENDING)
    client = login(procurement_moderator)
    url = reverse("moderation:approve_requests", args=[procurement.slug])

    client.post(url, {"membership": [join_request.pk, second.pk]})
    client.post(url, {"membership": [join_request.pk, second.pk]})  # a double submit

    states = dict(Membership.objects.values_list("pk", "state"))
    assert states[join_request.pk] == states[second.pk] == Membership.State.ACTIVE
    assert states[left_waiting.pk] == Membership.State.PENDING
    assert AuditEntry.objects.filter(action="membership.approved").count() == 2
    procurement.refresh_from_db()
    assert procurement.member_count == 2


def test_moderator_declines_with_a_message_that_is_e_mailed(
    login, procurement, procurement_moderator, join_request, django_capture_on_commit_callbacks
):
    url = reverse("moderation:reject_request", args=[procurement.slug, join_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(procurement_moderator).post(url, {"message": "所属を確認できませんでした。"})
        login(procurement_moderator).post(url, {"message": "所属を確認できませんでした。"})

    join_request.refresh_from_db()
    assert join_request.state == Membership.State.REJECTED
    assert join_request.decision_reason == "所属を確認できませんでした。"
    entry = only_entry(action=AuditEntry.Action.MEMBERSHIP_REJECTED)
    assert entry.reason == "所属を確認できませんでした。"
    [message] = mail.outbox
    assert "所属を確認できませんでした。" in message.body


def test_declining_without_a_message_is_refused(
    login, procurement, procurement_moderator, join_request
):
    url = reverse("moderation:reject_request", args=[procurement.slug, join_request.pk])
    login(procurement_moderator).post(url, {"message": "  "})
    join_request.refresh_from_db()
    assert join_request.state == Membership.State.PENDING
    assert not AuditEntry.objects.exists()


# --- Members -------------------------------------------------------------------------------


def test_member_list_searches_by_name_municipality_and_department(login, board, board_moderator):
    MembershipFactory(board=board, user__full_name="加藤 由美", user__department="生活福祉課")
    MembershipFactory(board=board, user__full_name="高橋 翔", user__department="契約課")
    client = login(board_moderator)

    by_department = client.get(members_url(board), {"q": "生活福祉"}).content.decode()
    by_name = client.get(members_url(board), {"q": "高橋"}).content.decode()
    by_city = client.get(members_url(board), {"q": "羽曳野"}).content.decode()

    assert "加藤 由美" in by_department and "高橋 翔" not in by_department
    assert "高橋 翔" in by_name and "加藤 由美" not in by_name
    assert "加藤 由美" in by_city and "高橋 翔" in by_city


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        (Board.JoinPolicy.OPEN, "join again at once"),
        (Board.JoinPolicy.APPROVAL, "ask to join again"),
        (Board.JoinPolicy.INVITE, "only when invited"),
    ],
)
def test_the_remove_form_says_that_only_a_ban_keeps_someone_out(login, policy, words):
    board = BoardFactory(slug="welfare", join_policy=policy)
    moderator = MembershipFactory(
        board=board, role=Membership.Role.MODERATOR, user__language="en"
    ).user
    MembershipFactory(board=board)

    html = login(moderator).get(members_url(board)).content.decode()

    assert words in html
    assert "Only a ban keeps someone out." in html
    assert 'aria-describedby="remove-note-' in html


def test_moderator_removes_a_member_whose_sockets_are_told(
    login, board, board_moderator, member, django_capture_on_commit_callbacks, monkeypatch
):
    told = []
    monkeypatch.setattr("forums.curation.member_access_changed", told.append)
    url = reverse("moderation:member_remove", args=[board.slug, member.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(board_moderator).post(url, {"reason": "退職されたため。"})
        second = login(board_moderator).post(url, {"reason": "退職されたため。"})

    assert second.status_code == 302
    assert not Membership.objects.filter(user=member, board=board).exists()
    assert told == [member]
    entry = only_entry(action=AuditEntry.Action.MEMBERSHIP_REMOVED)
    assert (entry.target_user, entry.reason) == (member, "退職されたため。")
    assert "退職されたため。" in mail.outbox[0].body


def test_moderator_bans_a_member_until_a_date_and_they_cannot_rejoin(
    login, board, board_moderator, member, django_capture_on_commit_callbacks
):
    until = timezone.localdate() + datetime.timedelta(days=30)
    url = reverse("moderation:member_ban", args=[board.slug, member.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(board_moderator).post(url, {"reason": "広告の連投", "until": until.isoformat()})
        login(board_moderator).post(url, {"reason": "広告の連投", "until": until.isoformat()})

    membership = Membership.objects.get(user=member, board=board)
    assert membership.state == Membership.State.BANNED and membership.is_banned
    assert timezone.localtime(membership.banned_until).date() == until
    entry = only_entry(action=AuditEntry.Action.MEMBERSHIP_BANNED)
    assert entry.before["state"] == "active" and entry.after["state"] == "banned"
    board.refresh_from_db()
    assert board.member_count == 0
    login(member).post(reverse("forums:board_join", args=[board.slug]))
    assert Membership.objects.get(user=member, board=board).state == Membership.State.BANNED
    assert "広告の連投" in mail.outbox[0].body


def test_a_ban_lapses_by_itself_after_its_end(board, member, board_moderator):
    from moderation.services import membership as services

    membership = services.ban_member(
        board_moderator, board, member, "一時停止", timezone.now() + datetime.timedelta(days=1)
    )
    Membership.objects.filter(pk=membership.pk).update(
        banned_until=timezone.now() - datetime.timedelta(minutes=1)
    )

    joined = forum_services.join_board(member, board)

    assert joined.state == Membership.State.ACTIVE


def test_lifting_a_ban_lets_the_member_join_again(login, board, board_moderator, member):
    client = login(board_moderator)
    client.post(
        reverse("moderation:member_ban", args=[board.slug, member.pk]), {"reason": "一時停止"}
    )
    client.post(reverse("moderation:member_unban", args=[board.slug, member.pk]))
    client.post(reverse("moderation:member_unban", args=[board.slug, member.pk]))

    assert not Membership.objects.filter(user=member, board=board).exists()
    assert only_entry(action=AuditEntry.Action.MEMBERSHIP_UNBANNED).target_user == member


def test_moderator_promotes_a_member_and_the_member_may_step_down(
    login, board, board_moderator, member
):
    role_url = reverse("moderation:member_role", args=[board.slug, member.pk])
    login(board_moderator).post(role_url, {"role": "moderator"})
    login(board_moderator).post(role_url, {"role": "moderator"})
    assert Membership.objects.get(user=member, board=board).role == Membership.Role.MODERATOR

    login(member).post(role_url, {"role": "member"})

    assert Membership.objects.get(user=member, board=board).role == Membership.Role.MEMBER
    promoted = only_entry(action=AuditEntry.Action.MEMBERSHIP_PROMOTED)
    demoted = only_entry(action=AuditEntry.Action.MEMBERSHIP_DEMOTED)
    assert (promoted.actor, promoted.after) == (board_moderator, {"role": "moderator"})
    assert (demoted.actor, demoted.target_user) == (member, member)  # own action, logged too


def test_board_moderator_cannot_demote_or_ban_a_fellow_moderator(login, board, board_moderator):
    fellow = MembershipFactory(board=board, role=Membership.Role.MODERATOR).user
    client = login(board_moderator)
    client.post(reverse("moderation:member_role", args=[board.slug, fellow.pk]), {"role": "member"})
    client.post(reverse("moderation:member_ban", args=[board.slug, fellow.pk]), {"reason": "x"})
    assert Membership.objects.get(user=fellow, board=board).is_moderator
    assert not AuditEntry.objects.exists()


def test_site_moderator_demotes_a_board_moderator(login, board, board_moderator, site_moderator):
    url = reverse("moderation:member_role", args=[board.slug, board_moderator.pk])
    login(site_moderator).post(url, {"role": "member"})
    assert not Membership.objects.get(user=board_moderator, board=board).is_moderator
    assert only_entry(action="membership.demoted").actor == site_moderator


@pytest.mark.parametrize("who", ["e-mail", "name"])
def test_moderator_invites_a_verified_member_by_e_mail_or_name(
    login, invite_board, who, django_capture_on_commit_callbacks
):
    moderator = MembershipFactory(board=invite_board, role=Membership.Role.MODERATOR).user
    guest = UserFactory(full_name="小林 直子", email="kobayashi@city.kobe.lg.jp")
    text = guest.email if who == "e-mail" else "小林 直子"
    with django_capture_on_commit_callbacks(execute=True):
        login(moderator).post(reverse("moderation:invite", args=[invite_board.slug]), {"who": text})
        login(moderator).post(reverse("moderation:invite", args=[invite_board.slug]), {"who": text})

    membership = Membership.objects.get(user=guest, board=invite_board)
    assert membership.state == Membership.State.INVITED
    assert only_entry(action=AuditEntry.Action.MEMBERSHIP_INVITED).target_user == guest
    assert [message.to for message in mail.outbox] == [[guest.email]]

    login(guest).post(reverse("forums:board_join", args=[invite_board.slug]))
    membership.refresh_from_db()
    assert membership.is_active


def test_inviting_an_unknown_or_unverified_person_changes_nothing(
    login, invite_board, pending_user
):
    moderator = MembershipFactory(board=invite_board, role=Membership.Role.MODERATOR).user
    client = login(moderator)
    for text in ("nobody@example.jp", pending_user.email):
        client.post(reverse("moderation:invite", args=[invite_board.slug]), {"who": text})
    assert not Membership.objects.filter(state=Membership.State.INVITED).exists()


def test_board_settings_change_the_flag_threshold_and_are_logged(login, board, board_moderator):
    url = reverse("moderation:board_settings", args=[board.slug])
    data = {
        "description_ja": "説明",
        "description_en": "",
        "join_policy": "open",
        "flag_threshold": 2,
    }
    login(board_moderator).post(url, data)
    board.refresh_from_db()
    assert board.flag_threshold == 2
    entry = only_entry(action=AuditEntry.Action.BOARD_UPDATED)
    assert entry.after["flag_threshold"] == 2 and entry.before["flag_threshold"] == 3


def test_site_moderator_creates_a_board(login, site_moderator, board):
    data = {
        "slug": "disaster",
        "name_ja": "防災",
        "name_en": "Disaster prevention",
        "field": board.field_id,
        "join_policy": "open",
        "flag_threshold": 3,
        "position": 5,
    }
    response = login(site_moderator).post(reverse("moderation:board_create"), data)
    assert response.status_code == 302
    created = Board.objects.get(slug="disaster")
    assert only_entry(action=AuditEntry.Action.BOARD_CREATED).board == created


def test_board_moderator_cannot_create_boards(login, board_moderator):
    assert login(board_moderator).get(reverse("moderation:board_create")).status_code == 403
    assert not BoardFactory._meta.model.objects.filter(slug="x").exists()

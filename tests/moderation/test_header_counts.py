"""Moderators see their pending work in the header; members pay no query for it."""

import pytest
from django.urls import reverse

from forums.models import Membership
from moderation.models import Flag
from moderation.services import content, membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_board_moderator_sees_pending_requests_and_flags(
    login, procurement, procurement_moderator, join_request, board, reply, member
):
    Membership.objects.create(user=procurement_moderator, board=board, role="moderator")
    content.flag_post(member, reply, Flag.Reason.OTHER)
    client = login(procurement_moderator)

    counts = client.get(reverse("moderation:counts")).json()
    page = client.get("/boards/")

    assert counts == {"requests": 1, "flags": 1, "verification": 0, "total": 2}
    assert "data-moderation-count>2<" in page.content.decode()


def test_members_get_no_moderation_link_and_no_extra_query(
    login, member, django_assert_num_queries
):
    client = login(member)
    with django_assert_num_queries(6):  # 4 + the notification and conversation badges
        html = client.get("/boards/").content.decode()
    assert reverse("moderation:home") not in html


def test_a_promoted_member_sees_the_counts_without_signing_in_again(
    login, board, board_moderator, member, join_request
):
    client = login(member)
    assert reverse("moderation:home") not in client.get("/boards/").content.decode()

    membership.set_moderator(board_moderator, Membership.objects.get(user=member), True)

    assert reverse("moderation:home") in client.get("/boards/").content.decode()


def test_counts_change_is_announced_to_the_boards_moderators(
    board, reply, board_moderator, member, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "moderation.live.user_event", lambda ids, event: sent.append((set(ids), event))
    )
    MembershipFactory(board=board)
    content.flag_post(member, reply, Flag.Reason.OTHER)
    [(ids, event)] = sent
    assert board_moderator.pk in ids and member.pk not in ids
    assert event == {"type": "moderation.counts", "url": reverse("moderation:counts")}


def test_site_moderator_counts_applicants_and_members_to_check_again(login, site_moderator):
    from accounts.models import User
    from tests.factories import UserFactory

    UserFactory(status=User.Status.PENDING, email="a@gmail.com")
    UserFactory(email="b@city.habikino.lg.jp", needs_recheck=True)  # its domain was removed
    UserFactory(email="c@city.habikino.lg.jp")

    counts = login(site_moderator).get(reverse("moderation:counts")).json()

    assert counts["verification"] == 2

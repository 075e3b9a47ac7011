"""Nobody but a board's moderators reaches its moderation pages: 403 or 404, never a crash.
Every action is a POST with a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from forums.models import Membership
from moderation.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(board, topic, reply, join_request, procurement, member):
    target = member.pk
    slug = board.slug
    request_id = join_request.pk
    return {
        "get": [
            reverse("moderation:board", args=[slug]),
            reverse("moderation:members", args=[slug]),
            reverse("moderation:board_log", args=[slug]),
            reverse("moderation:board_settings", args=[slug]),
            reverse("moderation:post", args=[reply.pk]),
            reverse("moderation:topic", args=[topic.pk]),
            reverse("moderation:site_log"),
            reverse("moderation:board_create"),
            reverse("moderation:home"),
        ],
        "post": [
            (
                reverse("moderation:approve_requests", args=["procurement"]),
                {"membership": request_id},
            ),
            (
                reverse("moderation:reject_request", args=["procurement", request_id]),
                {"message": "x"},
            ),
            (reverse("moderation:member_remove", args=[slug, target]), {"reason": "x"}),
            (reverse("moderation:member_ban", args=[slug, target]), {"reason": "x"}),
            (reverse("moderation:member_unban", args=[slug, target]), {}),
            (reverse("moderation:member_role", args=[slug, target]), {"role": "moderator"}),
            (reverse("moderation:invite", args=[slug]), {"who": member.email}),
            (reverse("moderation:board_settings", args=[slug]), {"flag_threshold": 1}),
            (reverse("moderation:post_hide", args=[reply.pk]), {"reason": "x"}),
            (reverse("moderation:post_unhide", args=[reply.pk]), {}),
            (reverse("moderation:post_redact", args=[reply.pk]), {"reason": "x"}),
            (reverse("moderation:flags_dismiss", args=[reply.pk]), {}),
            (reverse("moderation:topic_lock", args=[topic.pk]), {"locked": "1"}),
            (reverse("moderation:topic_pin", args=[topic.pk]), {"pinned": "1"}),
            (reverse("moderation:topic_retitle", args=[topic.pk]), {"title": "x"}),
            (reverse("moderation:topic_move", args=[topic.pk]), {"board": procurement.pk}),
            (reverse("moderation:topic_merge", args=[topic.pk]), {"target": topic.pk}),
            (reverse("moderation:board_create"), {"slug": "x"}),
        ],
    }


@pytest.mark.parametrize("role", ["member", "other_board_moderator", "outsider"])
def test_no_one_but_the_boards_moderators_reaches_a_moderation_url(login, scene, role, request):
    client = login(request.getfixturevalue(role))
    for url in scene["get"]:
        if role == "other_board_moderator" and url == reverse("moderation:home"):
            continue  # their own boards are listed there
        assert client.get(url).status_code in (403, 404), url
    for url, data in scene["post"]:
        assert client.post(url, data).status_code in (403, 404), url
    assert not AuditEntry.objects.exists()
    assert Membership.objects.filter(state=Membership.State.PENDING).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, scene):
    for url, data in scene["post"]:
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_board_moderator_cannot_act_on_another_board(
    login, scene, other_board_moderator, procurement_moderator, topic
):
    client = login(procurement_moderator)  # moderates procurement, not the vaccination board
    for url in scene["get"][:6]:
        assert client.get(url).status_code == 404, url
    for url, data in scene["post"][2:17]:
        assert client.post(url, data).status_code == 404, url
    assert not AuditEntry.objects.exists()


def test_actions_refuse_get(login, scene, site_moderator):
    client = login(site_moderator)
    for url, _data in scene["post"][:-1]:
        if url.endswith("/settings/"):
            continue  # a form page: GET shows it
        assert client.get(url).status_code == 405, url


def test_actions_need_the_csrf_token(scene, site_moderator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site_moderator)
    for url, data in scene["post"]:
        assert client.post(url, data).status_code == 403, url
    assert not AuditEntry.objects.exists()


def test_the_moderators_own_pages_open(login, scene, site_moderator, settings):
    settings.REQUIRE_MFA_FOR_MODERATORS = False
    client = login(site_moderator)
    for url in scene["get"]:
        assert client.get(url).status_code == 200, url

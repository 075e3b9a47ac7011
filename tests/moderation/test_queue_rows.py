"""The rows of a board's queue are rendered once and kept, yet never stale, and their forms
carry the moderator's own CSRF token."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from forums.models import Membership
from moderation import fragments
from moderation.services import content
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def queue_of(client, board) -> str:
    return client.get(reverse("moderation:board", args=[board.slug])).content.decode()


def test_a_kept_row_is_not_rendered_again_and_a_change_shows_at_once(
    login, procurement, procurement_moderator, join_request
):
    cache.clear()
    client = login(procurement_moderator)
    assert "入札事務の担当になりました。" in queue_of(client, procurement)

    with mock.patch.object(fragments, "render_to_string", side_effect=AssertionError):
        assert "入札事務の担当になりました。" in queue_of(client, procurement)

    join_request.request_message = "契約係に異動しました。よろしくお願いします。"
    join_request.save()
    join_request.user.full_name = "田中 一郎（契約係）"
    join_request.user.save()
    page = queue_of(client, procurement)
    assert "契約係に異動しました。" in page and "田中 一郎（契約係）" in page
    assert "入札事務の担当になりました。" not in page


def test_a_kept_row_approves_with_the_moderators_own_token(
    procurement, procurement_moderator, join_request
):
    cache.clear()
    signed_in(procurement_moderator, Client()).get(
        reverse("moderation:board", args=["procurement"])
    )
    client = signed_in(procurement_moderator, Client(enforce_csrf_checks=True))
    page = queue_of(client, procurement)  # rows from the cache, the token of this page
    assert fragments.SHARED_CSRF_PLACEHOLDER not in page
    action = reverse("moderation:approve_requests", args=["procurement"])
    form = page.split(f'action="{action}"')[2]  # the row's own form, after the bulk one
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(action, {"csrfmiddlewaretoken": token, "membership": join_request.pk})

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.state == Membership.State.ACTIVE


def test_a_new_flag_and_its_note_show_on_the_next_queue(login, board, reply, board_moderator):
    client = login(board_moderator)
    first, second = (MembershipFactory(board=board).user for _ in range(2))
    content.flag_post(first, reply, "personal_data", "電話番号が見えています")
    assert "電話番号が見えています" in queue_of(client, board)

    content.flag_post(second, reply, "other", "古い情報です")
    page = queue_of(client, board)
    assert "古い情報です" in page and second.full_name in page


def signed_in(user, client):
    client.force_login(user)
    return client


def test_a_review_queue_row_follows_the_registry_and_carries_the_page_token(
    login, site_moderator, django_capture_on_commit_callbacks
):
    from accounts.models import MunicipalityDomain, User
    from tests.factories import UserFactory

    cache.clear()
    waiting = [
        UserFactory(status=User.Status.PENDING, email=f"{name}@habikino-city.jp", full_name=name)
        for name in ("田中 一郎", "佐藤 花子")
    ]
    client = login(site_moderator)
    queue = client.get(reverse("moderation:review_queue")).content.decode()
    assert "Register habikino-city.jp" in queue or "habikino-city.jp を" in queue
    assert fragments.SHARED_CSRF_PLACEHOLDER not in queue

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:approve_member", args=[waiting[0].pk]), {"register_domain": "on"}
        )
    assert MunicipalityDomain.objects.filter(domain="habikino-city.jp").exists()

    queue = client.get(reverse("moderation:review_queue")).content.decode()
    # The other applicant's row now tells the domain is registered, waiting for confirmation.
    first, second = (f'id="applicant-{member.pk}"' for member in waiting)
    assert second in queue and first not in queue
    assert 'name="register_domain"' not in queue

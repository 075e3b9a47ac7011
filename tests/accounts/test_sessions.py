"""Sessions are read with SQL written once and behave as Django's database sessions do."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.sessions import SessionStore
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_site_uses_the_store():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_a_saved_session_is_read_back():
    store = SessionStore()
    store["fields.welcome_pending"] = 42
    store["名前"] = "山田"
    store.create()

    again = SessionStore(store.session_key)

    assert again["fields.welcome_pending"] == 42
    assert again["名前"] == "山田"


def test_an_expired_session_is_not_read_and_its_key_is_dropped():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    again = SessionStore(store.session_key)

    assert again.load() == {}
    assert again.session_key is None


def test_an_unknown_key_reads_as_an_empty_session():
    assert SessionStore("k" * 32).load() == {}
    assert SessionStore(None).load() == {}


def test_a_signed_in_member_stays_signed_in_across_requests(verified_user):
    browser = Client()
    browser.force_login(verified_user)

    response = browser.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert response.wsgi_request.user == verified_user


def test_the_member_of_a_request_is_read_by_primary_key_as_django_reads_it(
    django_assert_num_queries,
):
    member = UserFactory(display_name="山田")
    User.objects.get(pk=member.pk)  # the first call compiles

    with django_assert_num_queries(1):
        loaded = User.objects.get(pk=member.pk)
    assert loaded == member
    assert loaded.display_name == "山田"
    assert loaded.municipality_id == member.municipality_id
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=member.pk + 1000)
    # Other lookups are Django's own.
    assert User.objects.get(email=member.email) == member
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=None)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=2**70)


def test_a_related_manager_still_finds_only_its_own_members():
    member = UserFactory()
    elsewhere = MunicipalityFactory(code="011002", prefecture="北海道", name="札幌市")

    assert member.municipality.members.get(pk=member.pk) == member
    with pytest.raises(User.DoesNotExist):
        elsewhere.members.get(pk=member.pk)


def test_a_signed_in_page_finds_its_member_and_a_deleted_member_is_signed_out(client):
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse("notifications:list")).status_code == 200
    member.delete()
    assert client.get(reverse("notifications:list")).status_code == 302

"""Sign-in limits fit city halls: one person's typos never lock out the building or a moderator.

Failures count per (client address, account) and slow an account down, wherever they come from,
without locking it. The client address is the peer's unless a trusted proxy vouches for the
X-Forwarded-For hop.
"""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from accounts import signin_limits
from core.proxies import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CITY_HALL = "203.0.113.10"
PASSWORD = "correct-horse-battery-42"


@pytest.fixture(autouse=True)
def _empty_counters():
    cache.clear()
    yield
    cache.clear()


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(signin_limits.time, "time", fake)
    return fake


def sign_in(email: str, password: str, address: str = CITY_HALL, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_one_persons_typos_do_not_lock_out_colleagues_behind_the_same_proxy(clock):
    UserFactory(email="typo@city.habikino.lg.jp")
    UserFactory(email="colleague@city.habikino.lg.jp")
    for attempt in range(30):
        sign_in("typo@city.habikino.lg.jp", f"wrong-{attempt}")
    client, response = sign_in("colleague@city.habikino.lg.jp", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_same_address_and_account_pair_is_refused_after_five_failures(clock):
    UserFactory(email="tanaka@city.habikino.lg.jp")
    for attempt in range(5):
        _client, response = sign_in("tanaka@city.habikino.lg.jp", f"wrong-{attempt}")
        assert response.status_code == 200
    client, response = sign_in("tanaka@city.habikino.lg.jp", PASSWORD)
    assert not signed_in(client)
    assert "5分後にもう一度" in response.content.decode()
    # From the member's own phone the right password still works.
    client, _response = sign_in("tanaka@city.habikino.lg.jp", PASSWORD, address="198.51.100.7")
    assert signed_in(client)
    # …and from the office once the window has passed.
    clock.now += 301
    client, _response = sign_in("tanaka@city.habikino.lg.jp", PASSWORD)
    assert signed_in(client)


def test_guessing_from_many_addresses_slows_the_account_down_but_never_locks_it(clock):
    UserFactory(email="moderator@city.habikino.lg.jp", is_site_moderator=True)
    for attempt in range(10):
        sign_in("moderator@city.habikino.lg.jp", "guess", address=f"192.0.2.{attempt + 1}")
    client, response = sign_in("moderator@city.habikino.lg.jp", PASSWORD)
    assert not signed_in(client)
    assert "1秒後にもう一度" in response.content.decode()
    clock.now += 1.5
    client, _response = sign_in("moderator@city.habikino.lg.jp", PASSWORD)
    assert signed_in(client)


def test_the_wait_doubles_and_is_capped(clock, settings):
    UserFactory(email="target@city.habikino.lg.jp")
    waits = []
    for attempt in range(20):
        address = f"192.0.2.{attempt + 1}"
        request = RequestFactory(REMOTE_ADDR=address).post("/accounts/login/")
        refusal = signin_limits.check(request, "target@city.habikino.lg.jp")
        waits.append(refusal.wait_seconds if refusal else 0)
        clock.now += waits[-1]
        signin_limits.record_failure(request, "target@city.habikino.lg.jp")
    assert waits[:10] == [0] * 10
    assert waits[10:15] == [1, 2, 4, 8, 16]
    assert max(waits) == settings.SIGNIN_SLOWDOWN_MAX_SECONDS


def test_a_forged_forwarded_for_does_not_escape_the_limit_without_trusted_proxies(clock):
    UserFactory(email="sato@city.habikino.lg.jp")
    for attempt in range(5):
        sign_in(
            "sato@city.habikino.lg.jp",
            f"wrong-{attempt}",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}",
        )
    client, _response = sign_in(
        "sato@city.habikino.lg.jp", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert not signed_in(client)


def test_a_trusted_proxy_names_the_client(settings, clock):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(email="suzuki@city.habikino.lg.jp")
    for attempt in range(5):
        sign_in(
            "suzuki@city.habikino.lg.jp",
            f"wrong-{attempt}",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}, {CITY_HALL}",  # the client forged the first
        )
    # The office behind the proxy is refused; another office behind the same proxy is not.
    client, _response = sign_in(
        "suzuki@city.habikino.lg.jp",
        PASSWORD,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR=CITY_HALL,
    )
    assert not signed_in(client)
    client, _response = sign_in(
        "suzuki@city.habikino.lg.jp",
        PASSWORD,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert signed_in(client)


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "client"),
    [
        ("203.0.113.1", "1.1.1.1", [], "203.0.113.1"),
        ("10.0.0.2", "1.1.1.1", [], "10.0.0.2"),
        ("10.0.0.2", "6.6.6.6, 1.1.1.1", ["10.0.0.0/8"], "1.1.1.1"),
        ("10.0.0.2", "1.1.1.1, 10.0.0.9", ["10.0.0.0/8"], "1.1.1.1"),
        ("203.0.113.1", "1.1.1.1", ["10.0.0.0/8"], "203.0.113.1"),  # not from our proxy
        ("10.0.0.2", "not-an-address", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
    ],
)
def test_client_address(peer, header, trusted, client):
    assert client_address(peer, header, trusted) == client


def test_the_per_address_limit_page_is_the_sites_own_in_the_members_language(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    answers = [sign_in("nobody@example.jp", "x")[1] for _attempt in range(3)]
    assert answers[-1].status_code == 429
    page = answers[-1].content.decode()
    assert "試行回数が多すぎます" in page and "1分ほど待って" in page
    english = Client(REMOTE_ADDR=CITY_HALL)
    english.cookies["django_language"] = "en"
    page = english.post("/accounts/login/", {"login": "a@example.jp", "password": "x"})
    assert page.status_code == 429
    assert "Please wait a minute" in page.content.decode()

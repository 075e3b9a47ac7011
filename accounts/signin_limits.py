"""Limits on password guessing that fit city halls, where a whole building shares one address.

Two counters of failed sign-ins, both in the cache (Redis shared by every worker, or this
process's memory while Redis is away, so that they never fail open):

- per (client address, account): after ``SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT`` failures in
  ``SIGNIN_FAILURE_WINDOW_SECONDS`` that pair is refused until the window has passed. One
  person's typos block only their own account from their own network, never the colleagues
  behind the same proxy.
- per account, from anywhere: after ``SIGNIN_SLOWDOWN_AFTER`` failures in the window each
  further attempt must wait ``2 ** (failures - threshold)`` seconds after the previous failure
  (at most ``SIGNIN_SLOWDOWN_MAX_SECONDS``). Guessing from many addresses slows to a crawl, but
  nobody can lock a moderator out: the right password works after a short wait.

A successful sign-in clears the pair's counter, not the account's: guessing from elsewhere may
still be going on.
The client address comes from :mod:`core.proxies`.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.proxies import client_address


def request_address(request) -> str:
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _pair_key(address: str, login: str) -> str:
    return f"signin.pair.{_digest(address, login.strip().lower())}"


def _account_key(login: str) -> str:
    return f"signin.account.{_digest(login.strip().lower())}"


@dataclass
class Refusal:
    wait_seconds: int
    per_account: bool


def _recent(history: list[float], now: float) -> list[float]:
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    return [moment for moment in history if moment > now - window]


def check(request, login: str) -> Refusal | None:
    """Whether this attempt may go ahead; a refusal says how long to wait."""
    now = time.time()
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    pair = _recent(cache.get(_pair_key(request_address(request), login)) or [], now)
    if len(pair) >= settings.SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT:
        return Refusal(math.ceil(min(pair) + window - now), per_account=False)
    account = _recent(cache.get(_account_key(login)) or [], now)
    excess = len(account) - settings.SIGNIN_SLOWDOWN_AFTER
    if excess >= 0:
        delay = min(2**excess, settings.SIGNIN_SLOWDOWN_MAX_SECONDS)
        wait = max(account) + delay - now
        if wait > 0:
            return Refusal(math.ceil(wait), per_account=True)
    return None


def record_failure(request, login: str) -> None:
    now = time.time()
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    for key in (_pair_key(request_address(request), login), _account_key(login)):
        history = _recent(cache.get(key) or [], now)
        history.append(now)
        cache.set(key, history[-100:], timeout=window)


def record_success(request, login: str) -> None:
    cache.delete(_pair_key(request_address(request), login))

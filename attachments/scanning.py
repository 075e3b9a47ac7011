"""Malware scanning with the ClamAV daemon (``clamd``), when ``CLAMD_SOCKET`` or ``CLAMD_HOST``
is set. Files are streamed to the daemon (INSTREAM), so it needs no access to our storage."""

from dataclasses import dataclass

import clamd
from django.conf import settings


class ScannerUnavailable(Exception):
    """The daemon is configured but cannot be reached: the task fails and is retried."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


def is_enabled() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _client():
    if settings.CLAMD_SOCKET:
        return clamd.ClamdUnixSocket(path=settings.CLAMD_SOCKET, timeout=120)
    return clamd.ClamdNetworkSocket(host=settings.CLAMD_HOST, port=settings.CLAMD_PORT, timeout=120)


def scan(stream) -> ScanResult:
    try:
        answer = _client().instream(stream)
    except (clamd.ClamdError, OSError) as error:
        raise ScannerUnavailable(str(error)) from error
    status, signature = answer.get("stream", ("ERROR", "no answer"))
    if status == "FOUND":
        return ScanResult(infected=True, signature=signature or "")
    if status != "OK":
        raise ScannerUnavailable(f"clamd answered {status}: {signature}")
    return ScanResult(infected=False)


def status() -> str:
    """``off``, ``ok`` or ``error: …`` for /healthz and the moderation pages."""
    if not is_enabled():
        return "off"
    try:
        _client().ping()
    except (clamd.ClamdError, OSError) as error:
        return f"error: {type(error).__name__}"
    return "ok"

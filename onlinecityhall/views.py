"""Site-wide pages: the home page, the health check, robots.txt and the language switch."""

import asyncio
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_verified_member


def home(request):
    if is_verified_member(request.user):
        from forums.queries import home_context

        return render(request, "home.html", home_context(request.user))
    if request.user.is_authenticated:
        # Signed in but not (or no longer) verified: where their account stands and why.
        return redirect("accounts:status")
    return render(request, "landing.html")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


async def _check_channel_layer() -> None:
    """A real round trip: send to a fresh channel and receive the message back."""
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    token = str(time.monotonic_ns())
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    # Never cancel a receive (see core/streams.py): a late one finishes by itself
    # when our message arrives, and its outcome is dropped.
    receiver = asyncio.ensure_future(layer.receive(channel))
    receiver.add_done_callback(lambda task: task.cancelled() or task.exception())
    done, _pending = await asyncio.wait({receiver}, timeout=settings.HEALTHZ_CHANNEL_TIMEOUT)
    if not done:
        raise TimeoutError
    message = receiver.result()
    if message.get("token") != token:
        raise RuntimeError("unexpected message")


def _check_cache() -> None:
    ping = getattr(cache, "ping", None)  # FailoverRedisCache; the local cache needs no check
    if ping is not None:
        ping()


@never_cache
@require_GET
async def healthz(request):
    """200 while the database answers, 503 when it does not.

    Redis (cache and channel layer) is reported by name but does not fail the check: without it
    pages render, sign-in and posting work and live updates pause, so taking every worker out
    of rotation would turn a degraded site into no site. ``status`` says ``degraded`` then."""
    report, healthy, degraded = {}, True, False
    try:
        await sync_to_async(_check_database)()
        report["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure is what the check reports
        report["database"] = f"error: {type(error).__name__}"
        healthy = False
    try:
        await asyncio.wait_for(_check_channel_layer(), settings.HEALTHZ_CHANNEL_TIMEOUT + 1)
        report["channel_layer"] = "ok"
    except Exception as error:  # noqa: BLE001
        report["channel_layer"] = f"error: {type(error).__name__}"
        degraded = True
    try:
        await asyncio.wait_for(sync_to_async(_check_cache)(), settings.HEALTHZ_CHANNEL_TIMEOUT)
        report["cache"] = "ok"
    except Exception as error:  # noqa: BLE001
        report["cache"] = f"error: {type(error).__name__}"
        degraded = True
    # Informational: a long queue is worth a look but does not take the site out of rotation.
    try:
        from notifications.task_queue import queue_stats

        report["tasks"] = await sync_to_async(queue_stats)()
    except Exception as error:  # noqa: BLE001
        report["tasks"] = f"error: {type(error).__name__}"
    # Informational too: "off" without CLAMD_SOCKET / CLAMD_HOST, so nobody assumes it is on.
    from attachments import scanning

    report["malware_scanning"] = await sync_to_async(scanning.status)()
    report["status"] = "down" if not healthy else "degraded" if degraded else "ok"
    return JsonResponse(report, status=200 if healthy else 503)


@require_GET
def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@require_POST
def set_language(request):
    """Switch the interface language, remember it in a cookie and on the member's profile."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response

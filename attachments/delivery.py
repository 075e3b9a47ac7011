"""Sending a stored file after the permission check: streamed by Django, a redirect to a
short-lived signed URL of the object storage, or handed to nginx with X-Accel-Redirect.

Every answer says ``nosniff`` and carries a sandboxing Content-Security-Policy, and anything
but an image we re-encoded ourselves is sent as a download (``Content-Disposition:
attachment``), so no uploaded HTML, SVG or script can run in the site's origin.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from attachments.storage import attachment_storage, is_object_storage

SANDBOX_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _secure(response, *, cache: bool) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600" if cache else "private, no-store"
    return response


def serve(stored: str, content_type: str, filename: str, *, inline: bool, cache: bool = True):
    disposition = content_disposition_header(not inline, filename)
    mode = settings.ATTACHMENTS_DELIVERY
    storage = attachment_storage()
    if mode == "redirect" and is_object_storage():
        url = storage.url(
            stored,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            expire=settings.ATTACHMENTS_SIGNED_URL_SECONDS,
        )
        return _secure(HttpResponseRedirect(url), cache=False)
    if mode == "accel":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.ATTACHMENTS_ACCEL_PREFIX + quote(stored)
        response["Content-Disposition"] = disposition
        return _secure(response, cache=cache)
    response = FileResponse(storage.open(stored, "rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    return _secure(response, cache=cache)

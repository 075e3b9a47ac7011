"""Site-wide middleware: the interface language, the headers that keep the site private, and
compression of pages."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation

from core.languages import chosen_language


class LanguageMiddleware:
    """Japanese unless the person chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which on a shared work PC or
    a screen-transfer browser is often English even for Japanese staff. Here the language is the
    one the member saved in their profile, then the language cookie, then Japanese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    def chosen_language(self, request) -> str:
        return chosen_language(getattr(request, "user", None), request.COOKIES)


class PrivateSiteHeadersMiddleware:
    """Nothing here is for search engines or shared caches, and no page may use the camera,
    microphone, location and other browser features: every response says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-cache")
        return response


class CompressedPagesMiddleware(GZipMiddleware):
    """Gzip for pages and JSON, which shrink five- to tenfold on a slow municipal line.

    Static files come precompressed from whitenoise. Streams are left alone: gzip holds bytes
    back until it has a block, which would stall server-sent events, and attachments are
    mostly compressed already. BREACH: Django masks the CSRF token differently in every
    response and this middleware pads each gzip stream with random bytes ("Heal the Breach"),
    so a secret in a page cannot be recovered from response sizes.
    """

    compressible_types = ("text/html", "application/json", "text/plain")

    def process_response(self, request, response):
        if response.streaming:
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in self.compressible_types:
            return response
        return super().process_response(request, response)

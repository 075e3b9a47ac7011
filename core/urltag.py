"""``{% url %}`` with each distinct reversal done once per process.

Reversing a URL walks the resolver's patterns and costs about 40–50 µs; a page renders dozens
of links (the header alone has over ten, a moderation queue several per row), so ``{% url %}``
was a few per cent of every page's CPU. This tag replaces Django's built-in one everywhere
(``TEMPLATES["OPTIONS"]["builtins"]``) and behaves the same: same arguments, ``as var``,
escaping, and ``NoReverseMatch`` when nothing matches. It keeps the last ``CACHE_SIZE``
reversals, keyed by everything a reversal depends on besides the URLconf's patterns, which
do not change while a process runs: the name, the arguments as text (URL converters turn them
into text), the current application, the script prefix and the URLconf in use.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def _reversed(view_name, args, kwargs, current_app, prefix, urlconf) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget_on_urlconf_change(setting, **_kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


class CachedURLNode(URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        args = tuple(str(arg.resolve(context)) for arg in self.args)
        kwargs = tuple(
            sorted((key, str(value.resolve(context))) for key, value in self.kwargs.items())
        )
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            url = _reversed(
                view_name, args, kwargs, current_app, get_script_prefix(), get_urlconf()
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)

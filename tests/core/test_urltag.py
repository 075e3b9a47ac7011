"""``{% url %}`` is reversed once per distinct link and renders exactly as Django's own tag."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from core import urltag


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_site_templates_use_the_cached_tag():
    template = Template("{% url 'forums:board' 'tax' %}")
    assert isinstance(template.nodelist[0], urltag.CachedURLNode)


def test_links_render_as_reverse_gives_them():
    assert render("{% url 'forums:board' slug %}", slug="tax") == reverse(
        "forums:board", args=["tax"]
    )
    assert render("{% url 'forums:topic_with_slug' topic_id=7 slug=s %}", s="a&b") == (
        reverse("forums:topic_with_slug", kwargs={"topic_id": 7, "slug": "a&b"}).replace(
            "&", "&amp;"
        )
    )
    assert render(
        "{% autoescape off %}{% url 'forums:topic_with_slug' 7 'a&b' %}{% endautoescape %}"
    ) == (reverse("forums:topic_with_slug", args=[7, "a&b"]))


def test_a_second_rendering_of_the_same_link_does_not_reverse_again(monkeypatch):
    calls = []
    real = urltag.reverse
    monkeypatch.setattr(urltag, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    urltag._reversed.cache_clear()
    for _ in range(3):
        render("{% url 'forums:board' 'tax' %}{% url 'forums:board' 'welfare' %}")
    assert len(calls) == 2


def test_an_unknown_name_fails_as_before_and_as_var_gives_an_empty_string():
    with pytest.raises(NoReverseMatch):
        render("{% url 'forums:no_such_page' %}")
    assert render("{% url 'forums:no_such_page' as link %}[{{ link }}]") == "[]"
    assert render("{% url 'forums:board' 'tax' as link %}[{{ link }}]") == (
        f"[{reverse('forums:board', args=['tax'])}]"
    )


def test_another_urlconf_is_not_served_from_the_cache():
    with override_settings(ROOT_URLCONF="tests.core.urls_for_urltag"):
        assert render("{% url 'board' 'tax' %}") == "/elsewhere/tax/"
    # The site's own URLconf has no un-namespaced "board".
    assert render("{% url 'board' 'tax' as link %}[{{ link }}]") == "[]"

"""Whatever a member types, no script, event handler or foreign request reaches a page."""

from html.parser import HTMLParser

import pytest

from forums.markdown import ALLOWED_TAGS, quote_markdown, render_markdown


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html: str) -> list[tuple[str, dict]]:
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](https://tracker.example/pixel.png)",
    '<a href="https://example.jp" onclick="steal()">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markup_is_neutralised(text):
    for tag, attributes in elements_of(render_markdown(text)):
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attributes), attributes
        assert "src" not in attributes
        href = attributes.get("href", "https://")
        assert href.startswith(("https://", "http://", "mailto:")), href
        assert "url(" not in attributes.get("style", "")


def test_links_are_kept_with_nofollow_noopener():
    html = render_markdown("[手引き](https://www.mhlw.go.jp/)")
    assert 'href="https://www.mhlw.go.jp/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_ordinary_markdown_renders():
    html = render_markdown("**重要**\n\n- 冷凍庫\n- 冷蔵庫\n\n> 引用\n\n`code`")
    assert "<strong>重要</strong>" in html
    assert "<li>冷凍庫</li>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html


def test_quote_reply_quotes_every_line():
    assert quote_markdown("一行目\n\n二行目") == "> 一行目\n>\n> 二行目\n\n"

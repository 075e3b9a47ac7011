"""Post HTML needs no inline style: table alignment is a class, including in stored posts."""

import importlib
from html.parser import HTMLParser

import pytest
from django.apps import apps

from forums.markdown import render_markdown
from forums.models import Post
from tests.factories import make_reply, make_topic

TABLE = "| 地区 | 接種率 | 備考 |\n|:--|--:|:-:|\n| 北区 | 85.2% | 〇 |"


def test_table_alignment_renders_as_classes_without_any_style():
    html = render_markdown(TABLE)
    assert 'class="align-left"' in html and 'class="align-right"' in html
    assert 'class="align-center"' in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "typed",
    ['<td class="evil">x</td>', '<p class="align-left" style="color:red">x</p>'],
)
def test_members_cannot_bring_their_own_classes_or_styles(typed):
    attributes = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes.extend(name for name, _value in attrs)

    Collector().feed(render_markdown(typed))
    assert "class" not in attributes and "style" not in attributes


def test_posts_stored_with_inline_alignment_are_rewritten(db, board, member):
    topic = make_topic(member, board)
    old = make_reply(member, topic)
    Post.objects.filter(pk=old.pk).update(
        html='<table><tr><th style="text-align:right">率</th><td style="text-align: center;">'
        "〇</td></tr></table>"
    )
    migration = importlib.import_module("forums.migrations.0006_post_alignment_classes")
    migration.styles_to_classes(apps, None)
    old.refresh_from_db()
    assert old.html == (
        '<table><tr><th class="align-right">率</th><td class="align-center">〇</td></tr></table>'
    )

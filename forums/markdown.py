"""Markdown to safe HTML, done once when a post is saved.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 then keeps only an allow-list
of tags and attributes and only http(s)/mailto links, so nothing a member types can run script or
load anything from another origin on a reader's page. Images are not rendered at all: an image
URL would make every reader's browser call another host.
"""

import re

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from forums.mentions import MENTION_START

_renderer = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
MENTION_CLASS = "mention"
ALIGNMENT_CLASSES = {"align-left", "align-center", "align-right"}
# markdown-it aligns table columns with style="text-align:…"; the Content-Security-Policy
# allows no inline style, so the alignment becomes a class (static/css/site.css).
_ALIGNMENT_STYLE = re.compile(r'<(th|td) style="\s*text-align:\s*(left|center|right)\s*;?\s*"')


def alignment_as_class(html: str) -> str:
    return _ALIGNMENT_STYLE.sub(r'<\1 class="align-\2"', html)


def render_markdown(text: str, mentions: dict[str, int | None] | None = None) -> str:
    """``mentions``: display name → member id of the names the text uses after ``@``
    (``forums.mentions``; None for a name two people share); each ``@name`` of one member,
    outside code and links, becomes a link to their profile."""
    tokens = _renderer.parse(text)
    if mentions:
        _link_mentions(tokens, mentions)
    html = alignment_as_class(_renderer.renderer.render(tokens, _renderer.options, {}))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={
            "th": ALIGNMENT_CLASSES,
            "td": ALIGNMENT_CLASSES,
            "a": {MENTION_CLASS},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def _link_mentions(tokens, mentions: dict[str, int | None]) -> None:
    by_length = sorted(mentions, key=len, reverse=True)
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for child in block.children:
            in_link += child.type == "link_open"
            in_link -= child.type == "link_close"
            if child.type == "text" and not in_link:
                children.extend(_split_mentions(child, by_length, mentions))
            else:
                children.append(child)
        block.children = children


def _split_mentions(token, names: list[str], mentions: dict[str, int | None]) -> list:
    text, pieces, start = token.content, [], 0
    for match in MENTION_START.finditer(text):
        if match.start() < start:
            continue
        rest = text[match.end() :]
        name = next((name for name in names if rest.startswith(name)), None)
        if name is None or mentions[name] is None:  # nobody, or a name two people share
            continue
        if match.start() > start:
            pieces.append(_text_token(text[start : match.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": f"/members/{mentions[name]}/", "class": MENTION_CLASS}
        pieces += [link, _text_token(text[match.start() : match.end() + len(name)])]
        pieces.append(Token("link_close", "a", -1))
        start = match.end() + len(name)
    if not pieces:
        return [token]
    if start < len(text):
        pieces.append(_text_token(text[start:]))
    return pieces


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def quote_markdown(text: str, author_name: str = "", number: int | None = None) -> str:
    """The body of a post as a Markdown quotation, for quote-reply, opened by who wrote it."""
    lines = [f"> {line}" if line else ">" for line in text.strip().splitlines()]
    if author_name:
        name = MARKDOWN_SPECIALS.sub(r"\\\1", author_name)
        if number is not None:
            heading = _("%(name)s wrote in #%(number)s:") % {"name": name, "number": number}
        else:
            heading = _("%(name)s wrote:") % {"name": name}
        lines = [f"> **{heading}**", ">", *lines]
    return "\n".join(lines) + "\n\n"


def markdown_to_text(text: str) -> str:
    """What a reader sees of a post, as plain text: Markdown markers (list bullets, rules,
    emphasis, quote marks, table pipes, link targets) dropped, blocks separated by spaces."""
    words: list[str] = []
    for token in _renderer.parse(text):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            words.append(" ")
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
            words.append(" ")
    return " ".join("".join(words).split())

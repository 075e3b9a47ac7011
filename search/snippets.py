"""Search snippets: a window of a post around the first match, escaped, matches in <mark>.

Matching happens on normalised text (ｺﾛﾅ and ころな find コロナ), but the member sees the text as
written, so each normalised character remembers which characters of the original it came from.
"""

from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from forums.markdown import markdown_to_text
from search.tokenise import Term, normalise

_VOICING_MARKS = "\uff9e\uff9f\u3099\u309a"  # half-width and combining (han)dakuten


def _normalised_with_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text, and for each of its characters the original span it came from."""
    pieces = list(map(_normalise_piece, text))
    if set(map(len, pieces)) <= {1} and not any(mark in text for mark in _VOICING_MARKS):
        return "".join(pieces), [(index, index + 1) for index in range(len(text))]  # 1:1
    characters: list[str] = []
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        end = index + 1
        if end < len(text) and text[end] in _VOICING_MARKS:
            end += 1  # ｶﾞ is one character once normalised
        for character in _normalise_piece(text[index:end]):
            characters.append(character)
            spans.append((index, end))
        index = end
    return "".join(characters), spans


@lru_cache(maxsize=8192)
def _normalise_piece(piece: str) -> str:
    """One character (with its voicing mark) normalised; posts repeat few distinct ones."""
    return normalise(piece)


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in the original text, merged and in order."""
    normalised, spans = _normalised_with_spans(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        needle = term.text
        start = normalised.find(needle)
        while start != -1:
            end = start + len(needle)
            found.append((spans[start][0], spans[end - 1][1]))
            start = normalised.find(needle, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[Term]) -> SafeString:
    """The whole text, HTML-escaped first, with every match wrapped in <mark>."""
    return _marked(text, match_spans(text, terms))


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece was escaped above


def snippet(body: str, terms: list[Term], length: int = 140, before: int = 40) -> SafeString:
    """About ``length`` characters of a post around its first match, with the matches marked;
    the post's text as a reader sees it, without Markdown markers."""
    text = markdown_to_text(body)
    spans = match_spans(text, terms)
    start = max(0, spans[0][0] - before) if spans else 0
    end = min(len(text), start + length)
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    marked = _marked(text[start:end], window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - _marked escaped the text

"""Normalising Japanese text and cutting it into the tokens the index stores.

Text is NFKC-normalised (half-width ｺﾛﾅ and full-width ＬＧＷＡＮ become コロナ and LGWAN),
lower-cased and katakana-folded (ころな becomes コロナ). Then:

- a run of kanji and kana becomes overlapping character bigrams (コロナ禍 → コロ ロナ ナ禍) plus
  its last character alone (禍), so that every character starts some token: a query of one
  character is a prefix match (禍*), a query of two is one token, and a longer one is a phrase of
  adjacent bigrams;
- a run of Latin letters or digits is one whole word (lgwan, 2024).

Documents and queries go through the same functions, so whatever variant a member types, the
tokens meet.
"""

import re
import unicodedata
from dataclasses import dataclass

# Hiragana → katakana: the same syllables, U+0060 apart. ゝゞ fold to ヽヾ as well.
_KATAKANA_FOLD = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA_FOLD.update({0x309D: 0x30FD, 0x309E: 0x30FE})

_CJK = "\u3005\u3006\u3007\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[0-9a-z\u00c0-\u024f]+)")
_HIRAGANA_RUN = re.compile(r"[\u3041-\u309f]+")

MAX_WORD_LENGTH = 40
MAX_QUERY_TERMS = 8


def normalise(text: str) -> str:
    """NFKC, lower case, hiragana folded to katakana."""
    return unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA_FOLD)


def _run_tokens(text: str) -> list[list[str]]:
    """Tokens of already normalised text, grouped by run (a run's tokens are adjacent)."""
    runs = []
    for match in _RUN.finditer(text):
        word = match.group("word")
        if word is not None:
            runs.append([word[:MAX_WORD_LENGTH]])
            continue
        run = match.group("cjk")
        runs.append([run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]])
    return runs


def tokens(text: str) -> list[str]:
    """The document tokens of some text, in order; their index in the list is their position."""
    return [token for run in _run_tokens(normalise(text)) for token in run]


@dataclass(frozen=True)
class Term:
    """One word of a query: a phrase of adjacent tokens, or a single-character prefix."""

    text: str  # normalised, for highlighting
    tokens: tuple[str, ...]
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    """The terms of what a member typed: each space-separated word must match, as a phrase.

    「LGWAN 接続」 gives two terms (lgwan; 接続). A two-character word is one bigram; a word
    of one kanji or kana matches every token that starts with it.
    """
    terms: list[Term] = []
    for run in _RUN.finditer(normalise(query)):
        text = run.group(0)
        if run.group("word") is not None:
            term = Term(text=text, tokens=(text[:MAX_WORD_LENGTH],))
        elif len(text) == 1:
            term = Term(text=text, tokens=(text,), prefix=True)
        else:
            term = Term(text=text, tokens=tuple(text[i : i + 2] for i in range(len(text) - 1)))
        if term not in terms:
            terms.append(term)
    return _join_adjacent(query, terms)[:MAX_QUERY_TERMS]


def _join_adjacent(query: str, terms: list[Term]) -> list[Term]:
    """Keep 「LGWAN接続」 (no space) as one phrase, like the document tokens do."""
    if len(terms) < 2:
        return terms
    normalised = normalise(query)
    joined: list[Term] = [terms[0]]
    for term in terms[1:]:
        previous = joined[-1]
        if previous.text + term.text in normalised and not previous.prefix and not term.prefix:
            joined[-1] = Term(
                text=previous.text + term.text,
                tokens=previous.tokens + _tail_tokens(previous) + term.tokens,
            )
        else:
            joined.append(term)
    return joined


def _tail_tokens(term: Term) -> tuple[str, ...]:
    # A Japanese run ends with its last character alone, which sits between it and the next run.
    last = term.tokens[-1]
    return (last[-1],) if len(last) == 2 and not last.isascii() else ()


def keywords(title: str) -> list[Term]:
    """Content words of a title, for "similar topics": runs of kanji, of katakana, and Latin
    words, cut where hiragana (particles, endings) begin. 「モデルナの保管方法は？」 →
    モデルナ, 保管方法."""
    spaced = _HIRAGANA_RUN.sub(" ", unicodedata.normalize("NFKC", title))
    return [term for term in query_terms(spaced) if not term.prefix]

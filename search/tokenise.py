"""Normalising Japanese text and cutting it into the tokens the index stores.

Text is NFKC-normalised (half-width ｺﾛﾅ and full-width ＬＧＷＡＮ become コロナ and LGWAN),
lower-cased, katakana-folded (ころな becomes コロナ) and variant kanji are folded to their common
form (髙 → 高, 﨑 → 崎, 邊 → 辺). Then:

- a run of kanji and kana becomes overlapping character bigrams (コロナ禍 → コロ ロナ ナ禍) plus
  its last character alone (禍), so that every character starts some token: a query of one
  character is a prefix match (禍*), a query of two is one token, and a longer one is a phrase of
  adjacent bigrams;
- a run of Latin letters or digits is one whole word (lgwan, 2024).

Documents and queries go through the same functions, so whatever variant a member types, the
tokens meet. Queries are read by ``search.analysis``, which cuts each concept of a question
into the same bigrams.
"""

import re
import unicodedata
from dataclasses import dataclass

# Hiragana → katakana: the same syllables, U+0060 apart. ゝゞ fold to ヽヾ as well.
_KATAKANA_FOLD = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA_FOLD.update({0x309D: 0x30FD, 0x309E: 0x30FE})

# Variant (old or name-only) kanji that NFKC leaves alone, folded to the everyday form.
VARIANT_KANJI = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "碕": "崎", "邉": "辺", "邊": "辺", "澤": "沢", "濱": "浜",
    "濵": "浜", "齋": "斎", "齊": "斉", "櫻": "桜", "國": "国", "圀": "国", "廣": "広",
    "德": "徳", "惠": "恵", "眞": "真", "瀨": "瀬", "冨": "富", "槇": "槙", "藪": "薮", "桒": "桑",
    "禮": "礼", "邨": "村", "嶋": "島", "嶌": "島", "峯": "峰", "埜": "野", "曾": "曽", "靑": "青",
    "淸": "清", "黑": "黒", "與": "与", "萬": "万", "驒": "騨", "會": "会", "縣": "県", "實": "実",
    "壽": "寿", "來": "来", "戶": "戸", "舊": "旧", "學": "学", "兒": "児", "氣": "気", "條": "条",
    "當": "当", "寳": "宝", "寶": "宝", "豐": "豊", "醫": "医", "藏": "蔵", "關": "関", "遙": "遥",
    "鷗": "鴎", "龍": "竜", "增": "増", "辨": "弁", "瓣": "弁", "辯": "弁",
    "臺": "台", "驛": "駅", "鐵": "鉄", "圓": "円", "號": "号", "區": "区", "昻": "昂",
    "𠮷": "吉", "﨔": "欅",
}  # fmt: skip
_VARIANT_FOLD = {ord(old): new for old, new in VARIANT_KANJI.items() if old != new}
# Variant kanji are rare: looking for one first is cheaper than translating every text.
_VARIANT = re.compile("[" + "".join(chr(code) for code in _VARIANT_FOLD) + "]")

_CJK = (
    "\u3005\u3006\u3007\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[0-9a-z\u00c0-\u024f]+)")

MAX_WORD_LENGTH = 40


def prepare(text: str) -> str:
    """NFKC, lower case and variant kanji folded: the form the morphological analyser reads."""
    prepared = unicodedata.normalize("NFKC", text).lower()
    return prepared.translate(_VARIANT_FOLD) if _VARIANT.search(prepared) else prepared


def normalise(text: str) -> str:
    """NFKC, lower case, variant kanji folded, hiragana folded to katakana."""
    return prepare(text).translate(_KATAKANA_FOLD)


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
    return prepared_tokens(prepare(text))


def prepared_tokens(prepared: str) -> list[str]:
    """``tokens`` of text that has been through ``prepare`` already."""
    return [token for run in _run_tokens(prepared.translate(_KATAKANA_FOLD)) for token in run]


@dataclass(frozen=True)
class Term:
    """Something to mark in titles and snippets (normalised text)."""

    text: str
    tokens: tuple[str, ...] = ()
    prefix: bool = False

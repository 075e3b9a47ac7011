"""Reading posts and questions the way a member means them, with a morphological analyser.

Posts keep their character bigrams (``search.tokenise``), which find any substring of two or
more characters exactly. On top of those, each post gets a few whole-word lexemes that no
bigram can give, written so that no text can produce them:

- ``xn<word>``: the dictionary form of a word written another way (申込み and 申込 → xn申し込み,
  出し → xn出す), from SudachiPy's normalized form, for each word and each of its shorter parts;
- ``yk<reading>``: the katakana reading of a word written in kanji (住民票 → ykジュウミンヒョウ),
  so that a question typed in kana finds the kanji;
- ``fy2024`` / ``cy2024``: a fiscal or calendar year however it is written (令和6年度, R6年度,
  2024年度, FY2024 → fy2024).

A question (any query: nobody has to choose a mode) becomes a list of concepts. Each concept is
one content word or compound of the question, particles and politeness dropped, with its
alternatives in three tiers: as typed (its bigrams as a phrase), another form of the same word
(its normalized form, its parts when the document splits the compound, an abbreviation's full
form), and a related word or a reading. Text in double quotes stays one exact phrase that must
match. The SudachiPy dictionary (~180 MB) is loaded once per process, on first use.
"""

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from search.tokenise import normalise, prepare, prepared_tokens

MAX_QUERY_LENGTH = 1000
MAX_CONCEPTS = 16
SUDACHI_CHUNK = 12_000  # characters; one tokenize() call takes at most 49,149 bytes of UTF-8
DATA = Path(__file__).resolve().parent / "data"

TYPED, VARIANT, RELATED = 1, 2, 3  # tiers of an alternative, best first

_CJK_CHARS = (
    "\u3005\u3006\u3007\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_LEXEME = re.compile(rf"[{_CJK_CHARS}0-9a-z]{{1,40}}")
_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{2,40}")
_KANA_ONLY = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f]")
_QUOTED = re.compile(r"[\"“”＂]([^\"“”＂]+)[\"“”＂]")
_PARTICLE_SPLIT = re.compile(r"(?<=[\u3041-\u309f]{3})[のをはがにでとへや](?=[\u3041-\u309f]{3})")
_TRAILING_KANA = re.compile(
    r"(について|に関して|のこと|ですか|ますか|ください|したい|して|です|ます|[のをはがにでとへやもか])+$"
)

# Years: era forms, R6/H30, 2024年(度), FY2024.
_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
_YEAR = re.compile(
    r"(?:(?P<era>令和|平成|昭和|(?<![a-z])[rhs])\s?(?P<era_year>\d{1,2}|元)\s?年(?P<fiscal>度)?)"
    r"|(?:(?<!\d)(?P<year>(?:19|20)\d\d)\s?年(?P<fiscal2>度)?)"
    r"|(?:(?<![a-z])fy\s?(?P<fy>(?:19|20)\d\d)(?!\d))"
)

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
COMPOUND_POS = {"名詞", "接頭辞", "接尾辞"}


# --- The analyser --------------------------------------------------------------------------------

_dictionary = None
_dictionary_lock = threading.Lock()
_local = threading.local()


def _tokenizer(mode_name: str = "C"):
    """A tokenizer for this thread (SudachiPy's are not shared between threads) over the one
    dictionary of the process."""
    global _dictionary
    tokenizers = getattr(_local, "tokenizers", None)
    if tokenizers is None:
        tokenizers = _local.tokenizers = {}
    if mode_name not in tokenizers:
        from sudachipy import Dictionary, SplitMode

        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tokenizers[mode_name] = _dictionary.tokenizer(mode=getattr(SplitMode, mode_name))
    return tokenizers[mode_name]


def _chunks(text: str):
    """Pieces of at most SUDACHI_CHUNK characters, cut at line ends where possible."""
    start = 0
    while start < len(text):
        end = min(len(text), start + SUDACHI_CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def morphemes(prepared: str):
    """(begin, end, morpheme) of prepared text, in split mode C."""
    tokenizer = _tokenizer()
    for offset, piece in _chunks(prepared):
        for morpheme in tokenizer.tokenize(piece):
            yield offset + morpheme.begin(), offset + morpheme.end(), morpheme


def _a_units(morpheme) -> list:
    from sudachipy import SplitMode

    parts = morpheme.split(SplitMode.A)
    return [morpheme, *parts] if len(parts) > 1 else [morpheme]


@lru_cache(maxsize=65536)
def _word_lexeme(text: str) -> str | None:
    text = normalise(text)
    return text if _LEXEME.fullmatch(text) else None


# --- Curated data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonym:
    word: str  # normalised
    tier: int  # VARIANT for "=", RELATED for "~"


@cache
def synonyms() -> dict[str, tuple[Synonym, ...]]:
    """For each word of ``data/synonyms.txt`` (normalised), the words of its groups."""
    found: dict[str, dict[str, int]] = {}
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = [normalise(word.strip()) for word in re.split(r"\s*[=~]\s*", line)]
        joins = re.findall(r"\s*([=~])\s*", line)
        for index, word in enumerate(words):
            for other_index, other in enumerate(words):
                if other == word or not other:
                    continue
                low, high = sorted((index, other_index))
                tier = RELATED if "~" in joins[low:high] else VARIANT
                known = found.setdefault(word, {})
                known[other] = min(known.get(other, RELATED), tier)
    return {
        word: tuple(Synonym(other, tier) for other, tier in others.items())
        for word, others in found.items()
    }


@cache
def stopwords() -> frozenset[str]:
    lines = (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line.strip()) for line in lines if line.strip()[:1] not in "#")


# --- Documents -----------------------------------------------------------------------------------


def year_lexemes(prepared: str) -> list[tuple[int, int, str]]:
    """(begin, end, lexeme) of every year written in the text."""
    found = []
    for match in _YEAR.finditer(prepared):
        if match.group("era"):
            era_year = match.group("era_year")
            year = _ERAS[match.group("era")] + (1 if era_year == "元" else int(era_year))
            fiscal = match.group("fiscal")
        elif match.group("year"):
            year, fiscal = int(match.group("year")), match.group("fiscal2")
        else:
            year, fiscal = int(match.group("fy")), True
        found.append((match.start(), match.end(), f"{'fy' if fiscal else 'cy'}{year}"))
    return found


def document_lexemes(text: str) -> set[str]:
    """The whole-word lexemes of a text (see the module docstring): dictionary forms that differ
    from the text, readings of words in kanji, years."""
    return _prepared_lexemes(_prepared(text))


def _prepared(text: str) -> str:
    return prepare(_CONTROL.sub(" ", text))


def _prepared_lexemes(prepared: str) -> set[str]:
    lexemes = {lexeme for _start, _end, lexeme in year_lexemes(prepared)}
    tokenizer = _tokenizer()
    known_words = _word_cache.get
    compound: list[str] = []  # readings of a run of nouns: 引継 + 書 → ykヒキツギショ
    for _offset, piece in _chunks(prepared):
        for morpheme in tokenizer.tokenize(piece):
            known = known_words((morpheme.word_id(), morpheme.surface()))
            in_compound, reading, found = known or _word_lexemes(morpheme)
            if in_compound:
                compound.append(reading)
                if 1 < len(compound) <= 4:
                    _add_reading(lexemes, "".join(compound))
            elif compound:
                compound = []
            if found:
                lexemes.update(found)
    return lexemes


_WORD_CACHE_SIZE = 200_000
_word_cache: dict[tuple[int, str], tuple[bool, str, tuple[str, ...]]] = {}


def _word_lexemes(morpheme) -> tuple[bool, str, tuple[str, ...]]:
    """What one word gives a document: whether it continues a run of nouns, its reading, and
    its lexemes. A dictionary word always gives the same, so it is worked out once per process
    (a rebuild meets the same few thousand words millions of times): callers look in
    ``_word_cache`` first."""
    key = (morpheme.word_id(), morpheme.surface())
    from sudachipy import SplitMode

    pos = morpheme.part_of_speech()[0]
    found: set[str] = set()
    if pos in CONTENT_POS:
        parts = morpheme.split(SplitMode.A)
        for unit in (morpheme, *parts) if len(parts) > 1 else (morpheme,):
            surface, normalized = unit.surface(), unit.normalized_form()
            if normalized != surface:
                word = _word_lexeme(normalized)
                if word and word != normalise(surface) and _KANJI.search(word):
                    found.add("xn" + word)
            if _KANJI.search(surface):
                _add_reading(found, unit.reading_form())
    known = (pos in COMPOUND_POS, morpheme.reading_form(), tuple(sorted(found)))
    if not morpheme.is_oov():  # an unknown word's id is shared by every unknown word
        if len(_word_cache) >= _WORD_CACHE_SIZE:
            _word_cache.clear()
        _word_cache[key] = known
    return known


def _add_reading(lexemes: set[str], reading: str) -> None:
    if _KATAKANA_WORD.fullmatch(reading):
        lexemes.add("yk" + reading[:40])


def analyse_for_index(items: list[tuple[bool, str, str]]) -> list[tuple]:
    """For (is first post, title, body) items: (title tokens, body tokens, title lexemes, body
    lexemes). Free of Django, so that a rebuild can run it in worker processes. Each text is
    normalised once for both its tokens and its lexemes."""
    analysed = []
    for is_first, title, body in items:
        body = _prepared(body)
        if is_first:
            title = _prepared(title)
            title_parts = (prepared_tokens(title), _prepared_lexemes(title))
        else:
            title_parts = ([], set())
        body_tokens, body_lexemes = prepared_tokens(body), _prepared_lexemes(body)
        analysed.append((title_parts[0], body_tokens, title_parts[1], body_lexemes))
    return analysed


# --- Questions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matcher:
    """A phrase of adjacent bigram tokens, or a whole lexeme; ``prefix``: any token that starts
    with it (a single character, a reading)."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass
class Concept:
    text: str  # normalised, as typed
    # tier → alternatives; an alternative is a conjunction of matchers
    alternatives: dict[int, list[tuple[Matcher, ...]]] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)  # normalised texts to mark
    required: bool = False  # quoted: must match as typed
    importance: float = 1.0  # verbs and adjectives say less about the subject than nouns

    def add(self, tier: int, *matchers: Matcher, highlight: str | None = None) -> None:
        matchers = tuple(m for m in matchers if m is not None)
        if not matchers:
            return
        for existing in self.alternatives.values():
            if matchers in existing:
                return
        self.alternatives.setdefault(tier, []).append(matchers)
        if highlight and highlight not in self.highlights:
            self.highlights.append(highlight)

    @property
    def key(self) -> tuple:
        return tuple(sorted((tier, alts[0]) for tier, alts in self.alternatives.items()))


def phrase(text: str) -> Matcher | None:
    """The bigram phrase of some text as the index cuts it; a single character is a prefix."""
    runs = []
    for match in re.finditer(
        rf"(?P<cjk>[{_CJK_CHARS}]+)|(?P<word>[0-9a-z\u00c0-\u024f]+)", normalise(text)
    ):
        runs.append((match.group(0), match.group("word") is not None))
    if not runs:
        return None
    if len(runs) == 1 and not runs[0][1] and len(runs[0][0]) == 1:
        return Matcher((runs[0][0],), prefix=True)
    tokens: list[str] = []
    for index, (run, is_word) in enumerate(runs):
        if is_word:
            tokens.append(run[:40])
            continue
        tokens += [run[i : i + 2] for i in range(len(run) - 1)]
        if index < len(runs) - 1 or len(run) == 1:
            tokens.append(run[-1])
    return Matcher(tuple(tokens))


def lexeme(text: str, prefix: bool = False) -> Matcher:
    return Matcher((text,), prefix=prefix)


def _add_synonyms(concept: Concept, word: str) -> None:
    for synonym in synonyms().get(word, ()):
        concept.add(synonym.tier, phrase(synonym.word), highlight=synonym.word)


def _word_concept(
    surface: str, normalized: str, heads: tuple[str, ...] = (), one_word: bool = True
) -> Concept:
    """A word: as typed, its normalized form, its synonyms; ``heads``: its parts of two or more
    characters when a one-character affix is dropped (委託費 → 委託), as a related form."""
    text = normalise(surface)
    concept = Concept(text=text, highlights=[text])
    concept.add(TYPED, phrase(text))
    normalized_text = _word_lexeme(normalized)
    if normalized_text and _KANJI.search(normalized_text):
        if normalized_text != text:
            concept.add(VARIANT, phrase(normalized_text), highlight=normalized_text)
        if one_word:  # documents carry the dictionary forms of single words only
            concept.add(VARIANT, lexeme("xn" + normalized_text))
    _add_synonyms(concept, text)
    if normalized_text and normalized_text != text:
        _add_synonyms(concept, normalized_text)
    if heads:
        concept.add(RELATED, *[phrase(head) for head in heads])
    return concept


def _heads(morpheme) -> tuple[str, ...]:
    units = _a_units(morpheme)[1:]
    long_units = [unit.surface() for unit in units if len(unit.surface()) > 1]
    if len(units) > len(long_units) >= 1:
        return tuple(long_units)
    return ()


def _compound_concept(parts: list[tuple[str, str]], heads: tuple[str, ...] = ()) -> Concept:
    """A run of nouns and affixes typed together (病児保育, 公用車管理): matched as typed, or
    with its parts anywhere in the post (会議録作成 finds 会議録の作成)."""
    surface = "".join(part for part, _normalized in parts)
    normalized = "".join(normalized for _part, normalized in parts)
    one_word = len(parts) == 1
    concept = _word_concept(surface, normalized, heads if one_word else (), one_word=one_word)
    if len(parts) > 1 and all(len(part) > 1 for part, _normalized in parts):
        part_concepts = [_word_concept(part, norm) for part, norm in parts]
        for part in part_concepts:
            concept.highlights += [text for text in part.highlights if len(text) > 1]
        # Each part by any of its forms: one alternative per combination would explode, so
        # each part contributes its typed phrase, and the conjunction is one alternative.
        concept.add(VARIANT, *[part.alternatives[TYPED][0][0] for part in part_concepts])
        # 保管方法, 本人確認方法: a post about the subject need not say 方法.
        specific = [
            part.alternatives[TYPED][0][0]
            for part, (_surface, normalized) in zip(part_concepts, parts, strict=True)
            if normalise(normalized) not in stopwords()
        ]
        if 0 < len(specific) < len(parts):
            concept.add(RELATED, *specific)
        normalized_parts = [
            next(iter(part.alternatives.get(VARIANT, [])), part.alternatives[TYPED][0])[0]
            for part in part_concepts
        ]
        concept.add(VARIANT, *normalized_parts)
    return concept


_DIGITS = re.compile(r"[0-9]+")


def _number_concept(number: str, counter: str) -> Concept:
    """A number with its counter (3回目, 1歳, 2点, 12月): as typed, or the number and the counter
    both in the post (3回目 finds 3回目の, 1歳 finds 1歳児), never the counter alone."""
    text = normalise(number + counter)
    concept = Concept(text=text, highlights=[text])
    concept.add(TYPED, phrase(text))
    digits = _DIGITS.fullmatch(normalise(number))
    concept.add(VARIANT, lexeme(digits.group()) if digits else phrase(number), phrase(counter))
    return concept


def _merge_affixes(units: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(surface, normalized) parts of a compound, prefixes and suffixes joined to their noun."""
    parts: list[list[str]] = []
    attach_next = False
    for surface, normalized, pos in units:
        if parts and (pos == "接尾辞" or attach_next):
            parts[-1][0] += surface
            parts[-1][1] += normalized
        else:
            parts.append([surface, normalized])
        attach_next = pos == "接頭辞"
    return [(surface, normalized) for surface, normalized in parts]


def _kana_concepts(chunk: str) -> list[Concept]:
    """A word typed in kana only (じゅうみんひょう): matched as written, or as the reading of
    a word written in kanji. The analyser often mis-splits all-hiragana text, so it is not
    asked; a long run is only cut at a particle between two longer pieces."""
    concepts = []
    for piece in _PARTICLE_SPLIT.split(chunk):
        piece = _TRAILING_KANA.sub("", piece) if len(piece) > 3 else piece
        if len(piece) < 2:
            continue
        text = normalise(piece)
        concept = Concept(text=text, highlights=[text])
        concept.add(TYPED, phrase(text))
        _add_synonyms(concept, text)
        if _KATAKANA_WORD.fullmatch(text):
            concept.add(RELATED, lexeme("yk" + text, prefix=True))
        concepts.append(concept)
    return concepts


def _synonym_spans(prepared_chunk: str, boundaries: set[int]) -> list[tuple[int, int, str]]:
    """Words of the synonym list found in the text at word boundaries, longest first."""
    text = normalise(prepared_chunk)
    known = synonyms()
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    ordered = sorted(boundaries)
    for position, start in enumerate(ordered):
        if start >= len(text) or taken[start]:
            continue
        for end in reversed(ordered[position + 1 : bisect_right(ordered, start + 20)]):
            word = text[start:end]
            if word in known and not any(taken[start:end]):
                spans.append((start, end, word))
                for index in range(start, end):
                    taken[index] = True
                break
    return spans


def _chunk_concepts(chunk: str) -> list[Concept]:
    """Concepts of a piece of prepared text without spaces or quotes."""
    if _KANA_ONLY.fullmatch(chunk) and re.search(r"[\u3041-\u309f]", chunk):
        return _kana_concepts(chunk)
    concepts: list[Concept] = []
    for start, end, year in year_lexemes(chunk):
        concept = Concept(
            text=normalise(chunk[start:end]), highlights=[normalise(chunk[start:end])]
        )
        concept.add(TYPED, phrase(chunk[start:end]))
        concept.add(VARIANT, lexeme(year))
        concepts.append(concept)
        chunk = chunk[:start] + " " * (end - start) + chunk[end:]
    analysed = list(morphemes(chunk))
    boundaries = {0, len(chunk)}
    for begin, end, _morpheme in analysed:
        boundaries |= {begin, end}
    spans = _synonym_spans(chunk, boundaries)
    placed: list[tuple[int, Concept]] = []  # (where in the text, concept)
    for start, end, _word in spans:
        units = [
            (m.surface(), m.normalized_form(), m.part_of_speech()[0])
            for begin, _end, m in analysed
            if start <= begin < end
        ]
        placed.append((start, _compound_concept(_merge_affixes(units))))
    covered = {index for start, end, _word in spans for index in range(start, end)}
    compound: list[tuple[str, str, str]] = []
    compound_heads: list[tuple[str, ...]] = []
    compound_start = 0
    number: list[str] = ["", ""]  # a numeral and its counter
    number_start = -1

    def flush():
        nonlocal number_start
        if number_start >= 0:
            if number[1]:
                placed.append((number_start, _number_concept(*number)))
            elif len(number[0]) > 1:  # a bare number of two digits or more (2024, 65)
                concept = _word_concept(number[0], number[0])
                concept.importance = 0.5
                placed.append((number_start, concept))
            number[:] = ["", ""]
            number_start = -1
        if compound:
            parts = _merge_affixes(compound)
            concept = _compound_concept(parts, compound_heads[0] if len(compound) == 1 else ())
            if concept.text not in stopwords():
                placed.append((compound_start, concept))
            compound.clear()
            compound_heads.clear()

    for begin, _end, morpheme in analysed:
        pos = morpheme.part_of_speech()
        if begin in covered or pos[0] in {"補助記号", "空白"}:
            flush()
            continue
        surface, normalized = morpheme.surface(), morpheme.normalized_form()
        if pos[1] == "数詞" and not (compound and compound[-1][2] == "接頭辞"):
            if number_start < 0 or number[1]:
                flush()
                number_start = begin
            number[0] += surface
            continue
        if number_start >= 0 and (pos[0] == "接尾辞" or pos[2] == "助数詞可能"):
            number[1] += surface  # 回, 回目, 歳, 点, 月
            continue
        if number_start >= 0:
            flush()
        if pos[0] == "接尾辞" and not compound:
            continue  # a suffix left over from a verb (しにくい): nothing to look for
        if (pos[0] in COMPOUND_POS and pos[1] != "数詞") or (pos[0] == "名詞" and compound):
            if not compound:
                compound_start = begin
            compound.append((surface, normalized, pos[0]))
            compound_heads.append(_heads(morpheme))
            continue
        flush()
        content = pos[0] in CONTENT_POS and _word_lexeme(normalized) not in stopwords()
        # A verb or adjective in kana only (しまい, なっ, そう) is grammar, not the subject.
        if content and pos[0] != "名詞" and not _KANJI.search(surface):
            content = False
        if content and (len(surface) > 1 or _KANJI.search(surface)):
            concept = _word_concept(surface, normalized)
            concept.importance = 0.5
            placed.append((begin, concept))
    flush()
    placed.sort(key=lambda item: item[0])
    return concepts + [concept for _start, concept in placed]


@dataclass
class Question:
    concepts: list[Concept]
    text: str  # the query as read (control characters removed, cut to MAX_QUERY_LENGTH)
    excluded: list[Concept] = field(default_factory=list)  # -word: posts holding it are left out

    @property
    def highlights(self) -> list[str]:
        seen: list[str] = []
        for concept in self.concepts:
            seen += [text for text in concept.highlights if text not in seen]
        return seen


def clean_query(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_LENGTH]


_EXCLUDED = re.compile(r"(?:^|(?<=\s))[-－−]([^\s\-－−]\S*)")
_EXCLUDED_QUOTED = re.compile(r"(?:^|(?<=\s))[-－−][\"“”＂]([^\"“”＂]+)[\"“”＂]")


def _quoted_concept(quoted: str) -> Concept | None:
    """Text in double quotes: one exact phrase that must match."""
    matcher = phrase(prepare(quoted))
    if matcher is None:
        return None
    normalised = normalise(quoted.strip())
    concept = Concept(text=normalised, highlights=[normalised], required=True)
    concept.add(TYPED, matcher)
    return concept


def analyse_question(text: str, operators: bool = True) -> Question:
    """The concepts of what a member typed, from one word to a pasted question. With
    ``operators`` (a search box), a word written right after a minus sign (``接種券 -発送``)
    is one that results must not hold."""
    text = clean_query(text)
    excluded: list[Concept] = []
    concepts: list[Concept] = []
    searched = text
    if operators:  # -"a phrase": left out as a phrase
        for quoted in _EXCLUDED_QUOTED.findall(searched):
            excluded += [concept for concept in [_quoted_concept(quoted)] if concept is not None]
        searched = _EXCLUDED_QUOTED.sub(" ", searched)
    for quoted in _QUOTED.findall(searched):
        concept = _quoted_concept(quoted)
        if concept is not None:
            concepts.append(concept)
    unquoted = _QUOTED.sub(" ", searched)
    if operators:
        for word in _EXCLUDED.findall(unquoted):
            excluded += _chunk_concepts(prepare(word))
        unquoted = _EXCLUDED.sub(" ", unquoted)
    found: list[Concept] = []
    for chunk in prepare(unquoted).split():
        found += _chunk_concepts(chunk)
    content = [c for c in found if c.text not in stopwords()]
    concepts += content or found
    unique: dict[tuple, Concept] = {}
    for concept in concepts:
        if concept.alternatives and concept.key not in unique:
            unique[concept.key] = concept
    return Question(concepts=_most_telling(list(unique.values())), text=text, excluded=excluded)


def _most_telling(concepts: list[Concept]) -> list[Concept]:
    """At most MAX_CONCEPTS, in the order typed: a long question keeps its nouns (the subject)
    before its verbs and adjectives."""
    if len(concepts) <= MAX_CONCEPTS:
        return concepts
    ranked = sorted(range(len(concepts)), key=lambda index: -concepts[index].importance)
    kept = sorted(ranked[:MAX_CONCEPTS])
    return [concepts[index] for index in kept]


def is_meaningful(text: str) -> bool:
    """Whether a query has anything to search for (not only punctuation or spaces)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in clean_query(text))

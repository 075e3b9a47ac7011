"""What the index stores of a post, as the database takes it: on PostgreSQL two ``tsvector``
literals (all words, title words), on SQLite the two columns of the FTS5 table.

Free of Django, so that a rebuild can run it in worker processes: a worker sends back two
strings per post, which cost far less to pass between processes than the token lists they are
made of (bench/search.py, README "Search").
"""

from dataclasses import dataclass
from datetime import datetime

from search.analysis import analyse_for_index

MAX_POSITION = 16383  # PostgreSQL keeps positions up to this, and 256 of them per lexeme.
MAX_POSITIONS_PER_TOKEN = 256
CREATED_AT, IS_FIRST = 5, 6  # places in a document's row (search.indexing.COLUMNS)


def tsvector_literal(
    title_tokens: list[str], body_tokens: list[str], lexemes: set[str] | frozenset = frozenset()
) -> str:
    """A tsvector in PostgreSQL's input syntax, title tokens weighted A, whole-word lexemes
    (``search.analysis``) without positions. Building it here, instead of with to_tsvector,
    keeps the database's text parser out of it entirely."""
    positions: dict[str, list] = {}
    for position, token in enumerate(title_tokens, 1):
        places = positions.get(token)
        if places is None:
            positions[token] = [f"{position}A"]
        else:
            places.append(f"{position}A")
    # A gap after the title, so that no phrase spans the title and the body.
    start = len(title_tokens) + 2
    for position, token in enumerate(body_tokens, start):
        places = positions.get(token)
        if places is None:
            positions[token] = [position]
        else:
            places.append(position)
    overflows = start + len(body_tokens) > MAX_POSITION
    words = []
    for token, places in positions.items():
        if len(places) > MAX_POSITIONS_PER_TOKEN:
            places = places[:MAX_POSITIONS_PER_TOKEN]
        if overflows:
            places = [p if isinstance(p, str) else min(p, MAX_POSITION) for p in places]
        words.append(f"'{token}':{','.join(map(str, places))}")
    words += [f"'{lexeme}'" for lexeme in sorted(lexemes - positions.keys())]
    return " ".join(words)


def month_token(moment: datetime) -> str:
    """A lexeme no text can produce, naming the month a post was written: a search for a very
    common word can then ask the GIN index for its matches of recent months only."""
    return f"@{moment:%Y%m}"


@dataclass
class Document:
    """What the index stores of one post: its row, its bigram tokens, its whole-word lexemes."""

    row: tuple
    title_tokens: list[str]
    body_tokens: list[str]
    title_lexemes: set[str]
    body_lexemes: set[str]

    def vectors(self) -> tuple[str, str]:
        """(terms, title_terms) as tsvector literals."""
        terms = tsvector_literal(
            self.title_tokens, self.body_tokens, self.title_lexemes | self.body_lexemes
        )
        title = tsvector_literal(self.title_tokens, [], self.title_lexemes)
        return f"{terms} '{month_token(self.row[CREATED_AT])}'", title

    def fts_columns(self) -> tuple[str, str]:
        """(title, body) for the FTS5 table: the tokens, then the lexemes, space-separated."""
        return (
            " ".join([*self.title_tokens, *sorted(self.title_lexemes)]),
            " ".join([*self.body_tokens, *sorted(self.body_lexemes)]),
        )


def columns_for_index(items: list[tuple[tuple, str, str]], vendor: str) -> list[tuple[str, str]]:
    """For (row, title, body) items, the two text columns of each document as ``vendor``
    ("postgresql" or "sqlite") stores them."""
    analysed = analyse_for_index([(row[IS_FIRST], title, body) for row, title, body in items])
    documents = [
        Document(row, *parts) for (row, _title, _body), parts in zip(items, analysed, strict=True)
    ]
    if vendor == "postgresql":
        return [document.vectors() for document in documents]
    return [document.fts_columns() for document in documents]

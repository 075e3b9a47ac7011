"""Full-text search of posts, in Japanese.

It stands apart from ``forums`` because it owns its own index tables and its own tokeniser:
Japanese has no spaces, so posts are cut into character bigrams of normalised text (see
``search.tokenise``) and stored in a PostgreSQL tsvector with a GIN index, or an SQLite FTS5
table. ``forums.services`` keeps the index current inside each write's transaction.
"""

"""The search index: one row per searchable post, with what filtering and ranking need.

The words themselves live beside these rows in storage that depends on the database (created
by migration 0002): a ``terms tsvector`` column with a GIN index on PostgreSQL, and an FTS5
table ``search_postterms`` (rowid = post id) on SQLite. Only ``search.indexing`` writes either.
A post that is deleted or hidden has no row at all, so it cannot be found or counted.
"""

from django.conf import settings
from django.db import models


class PostDocument(models.Model):
    post = models.OneToOneField(
        "forums.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Copied from the post and its topic so that a search filters and ranks without joins;
    # ``search.indexing.reindex_topic`` refreshes them when a topic moves or is answered.
    topic = models.ForeignKey("forums.Topic", on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    is_first = models.BooleanField(default=False)
    is_answer = models.BooleanField(default=False)
    topic_solved = models.BooleanField(default=False)
    helpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        # The topic's own foreign-key index serves reindexing a topic's documents.
        indexes = [
            # Newest first: a very common word is looked for by walking this index backwards.
            models.Index(fields=["created_at", "post"], name="search_doc_created"),
            # The quality order, walked backwards: the best posts holding a common word
            # (accepted answers, then helpful marks, then the newest) without reading them all.
            # The same order over topics' first posts, holding their board and title words
            # (``search_doc_title_walk``, migration 0008, PostgreSQL only), finds the best
            # topics whose title holds a common word from the index alone.
            models.Index(
                fields=["is_answer", "helpful_count", "created_at", "post"],
                name="search_doc_quality",
            ),
        ]

    def __str__(self) -> str:
        return f"document of post {self.post_id}"

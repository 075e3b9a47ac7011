"""A B-tree on (created_at, post_id): a word found in a large share of all posts is looked for
by walking it newest first (see search.queries), instead of reading all its GIN matches."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0002_term_storage")]

    operations = [
        migrations.AddIndex(
            model_name="postdocument",
            index=models.Index(fields=["created_at", "post"], name="search_doc_created"),
        ),
    ]

"""The quality order over topics' first posts only: the best topics whose title holds a common
word are found by walking it backwards, without reading past the replies (see search.queries)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0005_gin_without_pending_list")]

    operations = [
        migrations.AddIndex(
            model_name="postdocument",
            index=models.Index(
                fields=["is_answer", "helpful_count", "created_at", "post"],
                condition=models.Q(is_first=True),
                name="search_doc_title_quality",
            ),
        ),
    ]

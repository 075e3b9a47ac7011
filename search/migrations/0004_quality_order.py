"""A B-tree in the quality order (accepted answer, helpful marks, newest): the best posts that
hold a common word are found by walking it backwards, never by an age window."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0003_created_at_index")]

    operations = [
        migrations.AddIndex(
            model_name="postdocument",
            index=models.Index(
                fields=["is_answer", "helpful_count", "created_at", "post"],
                name="search_doc_quality",
            ),
        ),
    ]

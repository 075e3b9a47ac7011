"""Stored post HTML aligns table columns with classes instead of inline styles.

The Content-Security-Policy allows no inline style, so ``<td style="text-align:right">``
rendered before becomes ``<td class="align-right">``, as ``forums.markdown`` now renders it.
"""

import re

from django.db import migrations

_ALIGNMENT_STYLE = re.compile(r'<(th|td) style="\s*text-align:\s*(left|center|right)\s*;?\s*"')


def styles_to_classes(apps, schema_editor):
    Post = apps.get_model("forums", "Post")
    changed = []
    for post in Post.objects.filter(html__contains="text-align").only("pk", "html").iterator():
        post.html = _ALIGNMENT_STYLE.sub(r'<\1 class="align-\2"', post.html)
        changed.append(post)
        if len(changed) >= 500:
            Post.objects.bulk_update(changed, ["html"])
            changed.clear()
    Post.objects.bulk_update(changed, ["html"])


class Migration(migrations.Migration):
    dependencies = [("forums", "0005_pinned_topics_index")]

    operations = [migrations.RunPython(styles_to_classes, migrations.RunPython.noop)]

"""What attachments add to their post's search document: file names and the text read from
PDFs, spreadsheets and documents. The search app asks through its text-provider hook, so that
it needs to know nothing about attachments."""

from collections import defaultdict

from attachments.models import Attachment
from core.compiled import CompiledRead

MAX_TEXT_PER_POST = 200_000

# Read for every post written or changed (its search document): compiled once per number of
# posts (core.compiled).
_RELEASED_FILES = CompiledRead(
    lambda post_ids: (
        # A redacted post's files are being deleted in the same transaction: never index them.
        Attachment.objects.filter(post_id__in=post_ids, post__redacted_at__isnull=True)
        .exclude(scan=Attachment.Scan.INFECTED)
        .exclude(scan=Attachment.Scan.WAITING)
        .order_by("post_id", "position", "pk")
        .values_list("post_id", "name", "text")
    )
)


def texts_for_posts(post_ids) -> dict[int, str]:
    """Extra text per post id, for the posts that have released attachments."""
    texts: dict[int, list[str]] = defaultdict(list)
    ids = tuple(post_ids)
    rows = _RELEASED_FILES(ids) if ids else ()
    for post_id, name, text in rows:
        texts[post_id].append(name)
        if text:
            texts[post_id].append(text)
    return {post_id: "\n".join(parts)[:MAX_TEXT_PER_POST] for post_id, parts in texts.items()}

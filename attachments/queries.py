"""Reads of attachments: one file for a request with its post and board, board policies,
and the usage figures site moderators see."""

from django.conf import settings
from django.db.models import Count, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from attachments import permissions
from attachments.models import Attachment, BoardFilePolicy
from attachments.owners import message_rules
from forums.queries import membership_of


def readable_attachment(user, key) -> Attachment:
    """The attachment if this user may see it now, else 404 (never 403: a file that may not
    be seen does not exist for them)."""
    attachment = (
        Attachment.objects.select_related("post__topic__board", "board", "message")
        .filter(key=key)
        .first()
    )
    if attachment is None:
        raise Http404
    if attachment.message_id is not None:
        membership = message_rules().seat_of(user, attachment.message.conversation_id)
    else:
        board = attachment.post.topic.board if attachment.post_id else attachment.board
        membership = membership_of(user, board) if board is not None else None
    if not permissions.can_view_attachment(user, attachment, membership):
        raise Http404
    return attachment


def allows_zip(board) -> bool:
    return BoardFilePolicy.objects.filter(board=board, allow_zip=True).exists()


def usage_by_board(limit: int = 50) -> list[dict]:
    rows = (
        Attachment.objects.filter(board__isnull=False)
        .values("board__slug", "board__name_ja", "board__name_en")
        .annotate(total=Sum("size"), files=Count("pk"))
        .order_by("-total")[:limit]
    )
    quota = settings.ATTACHMENTS_BOARD_BYTES
    return [{**row, "percent": round(100 * (row["total"] or 0) / quota, 1)} for row in rows]


def uploaders_today(limit: int = 20) -> list[dict]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Attachment.objects.filter(created_at__gte=start)
        .values("uploader_id", "uploader__full_name")
        .annotate(total=Sum("size"), files=Count("pk"))
        .order_by("-total")[:limit]
    )
    quota = settings.ATTACHMENTS_MEMBER_DAILY_BYTES
    return [{**row, "percent": round(100 * (row["total"] or 0) / quota, 1)} for row in rows]


def scan_counts() -> dict:
    rows = Attachment.objects.values("scan").annotate(files=Count("pk"))
    return {row["scan"]: row["files"] for row in rows}


def quote_links(post) -> str:
    """Markdown links to a quoted post's released files, appended to the quote: a reader who
    may read the quote may open them; others get 404 from the file view."""
    files = [
        item
        for item in Attachment.objects.filter(post=post).order_by("position", "pk")
        if item.is_released and item.is_ready
    ]
    if not files:
        return ""
    lines = [
        f"> - [{item.name.replace('[', '(').replace(']', ')')}]"
        f"(<{reverse('attachments:download', args=[item.key, item.name])}>)"
        for item in files
    ]
    return "\n>\n" + "\n".join(lines)

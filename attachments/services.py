"""Every write on attachments: uploading to the author's pending area, attaching to a post,
removing one file, the background processing (scan, previews, text), and a board's policy.

After a post's files change, the post's search document is rewritten and the post's ordinary
live edit event is sent, so that open pages show the new thumbnails.
"""

import hashlib
import io
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments import notify, permissions, processing, scanning
from attachments.models import Attachment, BoardFilePolicy
from attachments.owners import message_rules
from attachments.sniffing import detect
from attachments.storage import attachment_storage, delete_quietly, stored_name
from forums import effects
from forums.models import Post
from forums.queries import membership_of
from moderation import audit

logger = logging.getLogger(__name__)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


# --- Quotas -------------------------------------------------------------------------------------


def member_bytes_today(user) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total = Attachment.objects.filter(uploader=user, created_at__gte=start).aggregate(
        total=Sum("size")
    )["total"]
    return total or 0


def board_bytes(board) -> int:
    return Attachment.objects.filter(board=board).aggregate(total=Sum("size"))["total"] or 0


def _check_quotas(user, board, size: int, name: str) -> None:
    if member_bytes_today(user) + size > settings.ATTACHMENTS_MEMBER_DAILY_BYTES:
        raise ValidationError(
            _(
                "%(name)s was not accepted: you can upload %(limit)s a day, and today's "
                "uploads have reached it. Try again tomorrow."
            )
            % {"name": name, "limit": _human_size(settings.ATTACHMENTS_MEMBER_DAILY_BYTES)},
            code="member_quota",
        )
    if board is not None and board_bytes(board) + size > settings.ATTACHMENTS_BOARD_BYTES:
        raise ValidationError(
            _(
                "%(name)s was not accepted: this board's file storage is full. "
                "Please tell a moderator."
            )
            % {"name": name},
            code="board_quota",
        )


# --- Uploading ----------------------------------------------------------------------------------


def zip_allowed(board) -> bool:
    if board is None:
        return False
    return BoardFilePolicy.objects.filter(board=board, allow_zip=True).exists()


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return (name or "file")[:200]


def upload(uploader, board, uploaded, *, allow_zip: bool | None = None) -> Attachment:
    """Check one uploaded file and keep it in the uploader's pending area. Scanning and
    previews are left to the worker, so the request answers at once whatever the size."""
    if board is None:
        if not permissions.can_upload_privately(uploader):
            raise PermissionDenied(_("Only verified members can attach files."))
    elif not permissions.can_upload(uploader, board, membership_of(uploader, board)):
        raise PermissionDenied(_("Join this board to attach files."))
    name = _clean_name(uploaded.name or "")
    if uploaded.size > settings.ATTACHMENTS_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; files can be at most %(limit)s.")
            % {
                "name": name,
                "size": _human_size(uploaded.size),
                "limit": _human_size(settings.ATTACHMENTS_MAX_BYTES),
            },
            code="too_large",
        )
    _check_quotas(uploader, board, uploaded.size, name)
    if allow_zip is None:
        allow_zip = zip_allowed(board)
    detected = detect(uploaded, name, allow_zip=allow_zip)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        uploader=uploader,
        board=board,
        name=name,
        kind=detected.kind,
        content_type=detected.content_type,
        extension=detected.extension,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        page_count=detected.page_count,
        scan=Attachment.Scan.WAITING if scanning.is_enabled() else Attachment.Scan.NOT_SCANNED,
    )
    attachment.file.name = attachment_storage().save(
        stored_name("files", attachment.key, f".{detected.extension}"), uploaded
    )
    with transaction.atomic():
        attachment.save()
        _process_after_commit(attachment)
    return attachment


def upload_many(uploader, board, files) -> tuple[list[Attachment], list[str]]:
    """Upload each file; returns the accepted attachments and a message per refused file."""
    accepted, errors = [], []
    for uploaded in files:
        try:
            accepted.append(upload(uploader, board, uploaded))
        except ValidationError as error:
            errors.extend(error.messages)
    return accepted, errors


def _process_after_commit(attachment: Attachment) -> None:
    from attachments import tasks

    def enqueue() -> None:
        try:
            tasks.process_attachment.enqueue(attachment.pk)
        except Exception:  # the queue is a helper: the clean-up task retries unprocessed files
            logger.warning("Could not queue processing of %s", attachment.pk, exc_info=True)

    transaction.on_commit(enqueue)


# --- Attaching and removing ---------------------------------------------------------------------


def pending_for(uploader, keys, board_id: int | None) -> list[Attachment]:
    """The uploader's pending files with these keys that were uploaded for the board (None:
    for private messages). A file was checked against that board's rules (ZIP allowed, its
    quota) when it was uploaded, so it never lands on another board or in a conversation."""
    valid = [key for key in keys if _is_uuid(key)]
    if not valid:
        return []
    pending = Attachment.objects.filter(
        uploader=uploader, post__isnull=True, message__isnull=True, key__in=valid
    )
    pending = pending.filter(board_id=board_id) if board_id else pending.filter(board=None)
    return list(pending.order_by("created_at", "pk"))


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def check_room(post: Post | None, adding: int) -> None:
    existing = post.attachments.count() if post is not None else 0
    if existing + adding > settings.ATTACHMENTS_MAX_FILES:
        raise ValidationError(
            _("A post can have at most %(limit)d files (this one would have %(count)d).")
            % {"limit": settings.ATTACHMENTS_MAX_FILES, "count": existing + adding},
            code="too_many",
        )


@transaction.atomic
def attach(uploader, post: Post, keys) -> list[Attachment]:
    """Move the uploader's pending files with these keys onto their post."""
    pending = pending_for(uploader, keys, post.topic.board_id)
    if not pending:
        return []
    if post.author_id != uploader.pk:
        raise PermissionDenied(_("Files can only be attached to your own posts."))
    check_room(post, len(pending))
    start = post.attachments.count()
    now = timezone.now()
    for offset, attachment in enumerate(pending):
        attachment.post = post
        attachment.board_id = post.topic.board_id
        attachment.attached_at = now
        attachment.position = start + offset
        attachment.save(update_fields=["post", "board", "attached_at", "position"])
    post_files_changed(post, uploader)
    return pending


@transaction.atomic
def attach_to_message(uploader, message, keys) -> list[Attachment]:
    """Move the uploader's pending files with these keys onto their private message. The
    conversations app calls this inside the transaction that writes the message, so the
    message's live event shows its files."""
    pending = pending_for(uploader, keys, None)
    if not pending:
        return []
    if message.author_id != uploader.pk:
        raise PermissionDenied(_("Files can only be attached to your own posts."))
    existing = message.attachments.count()
    if existing + len(pending) > settings.ATTACHMENTS_MAX_FILES:
        raise ValidationError(
            _("A post can have at most %(limit)d files (this one would have %(count)d).")
            % {"limit": settings.ATTACHMENTS_MAX_FILES, "count": existing + len(pending)},
            code="too_many",
        )
    now = timezone.now()
    for offset, attachment in enumerate(pending):
        attachment.message = message
        attachment.attached_at = now
        attachment.position = existing + offset
        attachment.save(update_fields=["message", "attached_at", "position"])
    return pending


def post_files_changed(post: Post, actor=None) -> None:
    """The post's files changed: through the forums' one door for post changes, its search
    document is rewritten and open pages get the post's ordinary live edit event. The body is
    unchanged (``previous_body``), so nobody is notified again."""
    post = Post.objects.select_related("topic__board", "author").get(pk=post.pk)
    effects.post_changed(
        post, effects.PostChange.EDITED, actor=actor or post.author, previous_body=post.body
    )


def on_post_changed(event) -> None:
    """Subscriber of the forums' door: a redacted post's files are deleted for good."""
    if event.change == effects.PostChange.REDACTED:
        delete_for_post(event.post)


@transaction.atomic
def remove(actor, attachment: Attachment, reason: str = "") -> None:
    """Remove one file from its post (or from the pending area) and from storage."""
    attachment = (
        Attachment.objects.select_related("post__topic__board", "uploader", "message")
        .select_for_update(of=("self",))
        .get(pk=attachment.pk)
    )
    if attachment.message_id is not None:
        membership = message_rules().seat_of(actor, attachment.message.conversation_id)
    else:
        board = attachment.post.topic.board if attachment.post_id else attachment.board
        membership = membership_of(actor, board) if board is not None else None
    if not permissions.can_remove_attachment(actor, attachment, membership):
        raise PermissionDenied(_("You cannot remove this file."))
    post = attachment.post
    names = (attachment.file.name, attachment.thumbnail.name, attachment.preview.name)
    key = attachment.key
    attachment.delete()
    transaction.on_commit(lambda: _delete_files(key, names))
    if post is None:
        return
    if actor.pk != attachment.uploader_id:
        audit.record(
            actor,
            audit.Action.ATTACHMENT_REMOVED,
            board=post.topic.board,
            topic=post.topic,
            post=post,
            target_user=attachment.uploader,
            reason=reason.strip(),
            before={"file": attachment.name, "size": attachment.size},
        )
    post_files_changed(post, actor)


def _delete_files(key, names) -> None:
    delete_quietly(*names)
    _delete_page_images(key)


def _delete_page_images(key) -> None:
    storage = attachment_storage()
    folder = stored_name("pages", key, "")
    try:
        _dirs, files = storage.listdir(folder)
    except (FileNotFoundError, OSError):
        return
    delete_quietly(*(f"{folder}/{name}" for name in files))


def delete_for_post(post: Post) -> int:
    """A redacted post's files are deleted from storage, not only hidden."""
    rows = list(Attachment.objects.filter(post=post))
    for attachment in rows:
        names = (attachment.file.name, attachment.thumbnail.name, attachment.preview.name)
        transaction.on_commit(lambda key=attachment.key, names=names: _delete_files(key, names))
    Attachment.objects.filter(post=post).delete()
    return len(rows)


def remove_orphans(older_than: timedelta | None = None) -> int:
    """Pending files whose form was abandoned, older than ATTACHMENTS_PENDING_HOURS."""
    if older_than is None:
        older_than = timedelta(hours=settings.ATTACHMENTS_PENDING_HOURS)
    cutoff = timezone.now() - older_than
    orphans = list(Attachment.objects.filter(post__isnull=True, created_at__lt=cutoff)[:1000])
    for attachment in orphans:
        _delete_files(
            attachment.key,
            (attachment.file.name, attachment.thumbnail.name, attachment.preview.name),
        )
        attachment.delete()
    return len(orphans)


# --- Background processing ----------------------------------------------------------------------


def process(attachment_id: int) -> str:
    """Scan (when ClamAV is configured), then make previews and read the text. Safe to run
    again. Returns what happened, for the task result."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.processed_at is not None:
        return "gone" if attachment is None else "done already"
    storage = attachment_storage()
    with storage.open(attachment.file.name, "rb") as stored:
        data = stored.read()
    if attachment.scan == Attachment.Scan.WAITING:
        result = scanning.scan(io.BytesIO(data))
        if result.infected:
            _refuse_infected(attachment, result.signature)
            return "infected"
        attachment.scan = Attachment.Scan.CLEAN
        attachment.scan_result = "OK"
    processing.extract(attachment, data)
    attachment.processed_at = timezone.now()
    with transaction.atomic():
        current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if current is None:  # removed meanwhile
            delete_quietly(attachment.thumbnail.name)
            return "gone"
        attachment.post_id = current.post_id
        attachment.message_id = current.message_id
        attachment.save(
            update_fields=[
                "scan",
                "scan_result",
                "file",
                "size",
                "thumbnail",
                "width",
                "height",
                "page_count",
                "text",
                "processed_at",
            ]
        )
        if attachment.post_id:
            post_files_changed(attachment.post)
        elif attachment.message_id:
            message_rules().files_changed(attachment.message_id)
    return "processed"


def _refuse_infected(attachment: Attachment, signature: str) -> None:
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update(of=("self",))
            .select_related("post__topic__board", "uploader", "board")
            .get(pk=attachment.pk)
        )
        names = (attachment.file.name, attachment.thumbnail.name, attachment.preview.name)
        attachment.scan = Attachment.Scan.INFECTED
        attachment.scan_result = signature[:200]
        attachment.file.name = ""
        attachment.thumbnail.name = ""
        attachment.processed_at = timezone.now()
        attachment.save(update_fields=["scan", "scan_result", "file", "thumbnail", "processed_at"])
        transaction.on_commit(lambda: delete_quietly(*names))
        notify.infected_file(attachment, signature)
        if attachment.post_id:
            post_files_changed(attachment.post)
        elif attachment.message_id:
            message_rules().files_changed(attachment.message_id)


# --- Board policy -------------------------------------------------------------------------------


@transaction.atomic
def set_board_policy(actor, board, *, allow_zip: bool) -> BoardFilePolicy:
    if not permissions.can_set_board_file_policy(actor, board, membership_of(actor, board)):
        raise PermissionDenied(_("Only the moderators of this board can do this."))
    policy, _created = BoardFilePolicy.objects.get_or_create(board=board)
    if policy.allow_zip == allow_zip:
        return policy
    before = {"allow_zip": policy.allow_zip}
    policy.allow_zip = allow_zip
    policy.updated_at = timezone.now()
    policy.save(update_fields=["allow_zip", "updated_at"])
    audit.record(
        actor,
        audit.Action.BOARD_UPDATED,
        board=board,
        label=board.name,
        before=before,
        after={"allow_zip": allow_zip},
    )
    return policy


def requeue_unprocessed(older_than: timedelta = timedelta(minutes=10)) -> int:
    """Files still unprocessed long after upload (queue down, worker lost): queue them again."""
    cutoff = timezone.now() - older_than
    ids = list(
        Attachment.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .exclude(scan=Attachment.Scan.INFECTED)
        .values_list("pk", flat=True)[:1000]
    )
    from attachments import tasks

    for attachment_id in ids:
        tasks.process_attachment.enqueue(attachment_id)
    return len(ids)

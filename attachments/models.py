"""Files attached to posts and each board's file policy.

An attachment starts *pending*: uploaded by its author to a form that is not posted yet, seen
by nobody else. Posting the form attaches it to its owner (a post). Another kind of owner (a
private message) adds its own nullable foreign key; ``owner`` and the permission functions
are the only places that look at which one is set.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attachments.storage import field_storage


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", pgettext_lazy("file kind", "PDF")
        IMAGE = "image", pgettext_lazy("file kind", "Image")
        SPREADSHEET = "spreadsheet", pgettext_lazy("file kind", "Spreadsheet")
        DOCUMENT = "document", pgettext_lazy("file kind", "Document")
        PRESENTATION = "presentation", pgettext_lazy("file kind", "Presentation")
        TEXT = "text", pgettext_lazy("file kind", "Text")
        ARCHIVE = "archive", pgettext_lazy("file kind", "ZIP archive")

    class Scan(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("malware scan", "Checking")
        CLEAN = "clean", pgettext_lazy("malware scan", "Clean")
        NOT_SCANNED = "off", _("Not scanned (scanning is off)")
        INFECTED = "infected", _("Refused: malware found")

    # The only identifier in URLs: random, so no file can be guessed or enumerated.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments"
    )
    # The board the file was uploaded to (quotas, ZIP policy); kept after attaching.
    board = models.ForeignKey(
        "forums.Board", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        "forums.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # Or a message of a private conversation: as private as the conversation.
    message = models.ForeignKey(
        "conversations.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    name = models.CharField(pgettext_lazy("attachment", "file name"), max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(max_length=200, blank=True, storage=field_storage)
    thumbnail = models.FileField(max_length=200, blank=True, storage=field_storage)
    preview = models.FileField(max_length=200, blank=True, storage=field_storage)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # Text read from PDFs, spreadsheets and documents, for the post's search document.
    text = models.TextField(blank=True)
    scan = models.CharField(max_length=10, choices=Scan.choices, default=Scan.WAITING)
    scan_result = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    attached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["uploader", "created_at"], name="attachment_uploader_day"),
            models.Index(fields=["board"], name="attachment_board"),
            models.Index(
                fields=["created_at"], condition=Q(post__isnull=True), name="attachment_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner(self):
        return self.post if self.post_id else self.message

    @property
    def is_pending(self) -> bool:
        return self.post_id is None and self.message_id is None

    @property
    def is_released(self) -> bool:
        """Scanned clean (or scanning is off): others may see it."""
        return self.scan in (self.Scan.CLEAN, self.Scan.NOT_SCANNED)

    @property
    def download_name(self) -> str:
        """The name the file downloads under: the member's name, with the extension of what the
        file really is when that name says otherwise (evil.exe holding text: evil.exe.txt)."""
        if self.name.lower().endswith(f".{self.extension}"):
            return self.name
        return f"{self.name}.{self.extension}"

    @property
    def is_safe_image(self) -> bool:
        """Re-encoded by us (EXIF removed), so browsers may show it inline."""
        return self.kind == self.Kind.IMAGE and self.processed_at is not None

    @property
    def is_ready(self) -> bool:
        return self.processed_at is not None


class BoardFilePolicy(models.Model):
    """What a board's moderators allow beyond the site's defaults."""

    board = models.OneToOneField("forums.Board", on_delete=models.CASCADE, related_name="+")
    allow_zip = models.BooleanField(
        _("allow ZIP archives"),
        default=False,
        help_text=_("Password-protected archives are always refused: they cannot be checked."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.board_id}: zip={self.allow_zip}"

"""Progress tables: a question per column, one row per organisation, every change kept, and
the ordered live events of each table. A quick poll is a table with one choice column."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class BoardProgressSettings(models.Model):
    """Who may define tables on a board; no row means every member may."""

    class DefinedBy(models.TextChoices):
        MEMBERS = "members", _("Any member of the board")
        MODERATORS = "moderators", _("Board moderators only")

    board = models.OneToOneField(
        "forums.Board", on_delete=models.CASCADE, related_name="progress_settings"
    )
    tables_defined_by = models.CharField(
        _("who may create progress tables and polls"),
        max_length=12,
        choices=DefinedBy.choices,
        default=DefinedBy.MEMBERS,
    )

    def __str__(self) -> str:
        return f"{self.board_id}: {self.tables_defined_by}"


class ProgressTable(models.Model):
    class Kind(models.TextChoices):
        TABLE = "table", _("Progress table")
        POLL = "poll", _("Quick poll")

    board = models.ForeignKey(
        "forums.Board", on_delete=models.CASCADE, related_name="progress_tables"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TABLE)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("explanation"), max_length=3000, blank=True)
    deadline = models.DateField(_("answer by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Ordered id of the live events of this table; clients notice gaps with it.
    event_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["board", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_poll(self) -> bool:
        return self.kind == self.Kind.POLL

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()

    def get_absolute_url(self) -> str:
        return reverse("progress:table", args=[self.pk])


class ProgressColumn(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("One of several choices")
        TEXT = "text", _("Short text")

    table = models.ForeignKey(ProgressTable, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type of answer"), max_length=12, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question

    @cached_property
    def key(self) -> str:
        """The column's key in a row's ``values``."""
        return str(self.pk)

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.Kind.NUMBER, self.Kind.PERCENTAGE)

    @property
    def display_unit(self) -> str:
        return "%" if self.kind == self.Kind.PERCENTAGE else self.unit


class ProgressRow(models.Model):
    """One organisation's answers. ``values`` maps a column's id to its value in plain JSON
    (numbers as decimal strings, dates as ISO strings, yes/no as booleans). ``version`` rises
    with each save: a save based on an older version is refused, not merged."""

    table = models.ForeignKey(ProgressTable, on_delete=models.CASCADE, related_name="rows")
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "municipality"], name="one_progress_row_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table_id}/{self.municipality_id} v{self.version}"


class ProgressRowRevision(models.Model):
    """A row as one save left it: who, when, what."""

    row = models.ForeignKey(ProgressRow, on_delete=models.CASCADE, related_name="revisions")
    table = models.ForeignKey(ProgressTable, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    values = models.JSONField(default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["row", "version"], name="one_revision_per_version")
        ]
        indexes = [models.Index(fields=["table", "created_at"])]

    def __str__(self) -> str:
        return f"{self.row_id} v{self.version}"


class ProgressEvent(models.Model):
    """One live event of a table, kept so that a page that missed it can catch up."""

    table = models.ForeignKey(ProgressTable, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    row = models.ForeignKey(ProgressRow, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "sequence"], name="one_progress_event_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table_id}:{self.sequence} {self.kind}"

"""Fields of work, the department names that lead to them, and what members keep for each field:
the guide, the calendar of the year's work, handover notes, and the record of questions offered
to people who know the field."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Field(models.Model):
    """A field of municipal work (vaccination, public assistance, procurement …).

    A field has its boards and a board may serve several fields. The list of fields and the usual
    department names of each live in ``fields/data/fields.toml`` (``manage.py load_fields``).
    """

    slug = models.SlugField(unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    keywords = models.JSONField(default=list, blank=True)
    boards = models.ManyToManyField("forums.Board", blank=True, related_name="work_fields")

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ja

    def get_absolute_url(self) -> str:
        return reverse("fields:field", args=[self.slug])


class DepartmentAlias(models.Model):
    """A department name (normalised: NFKC, no spaces) that belongs to a field."""

    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("department name"), max_length=60, unique=True)
    # None for the names shipped in the data file; the moderator who added any other.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department name")
        verbose_name_plural = _("department names")

    def __str__(self) -> str:
        return f"{self.name} → {self.field.slug}"


class GuideRevision(models.Model):
    """One version of a field's guide. Members edit the guide together; the newest revision is
    the guide, and every earlier one stays readable with who wrote it and why."""

    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="guide_revisions")
    number = models.PositiveIntegerField()
    body = models.TextField(_("guide"), max_length=30000)
    # Rendered once when saved (sanitised Markdown), as posts are: pages never render it again.
    html = models.TextField(blank=True, editable=False)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["field", "number"], name="one_guide_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.field.slug} r{self.number}"

    def save(self, *args, **kwargs):
        from forums.markdown import render_markdown

        self.html = render_markdown(self.body)
        super().save(*args, **kwargs)


class CalendarEntry(models.Model):
    """Recurring work in one month of the fiscal year (April to March), e.g. 予算要求 in October."""

    MONTHS_OF_FISCAL_YEAR = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)

    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="calendar_entries")
    month = models.PositiveSmallIntegerField(
        _("month"), choices=[(month, f"{month}") for month in MONTHS_OF_FISCAL_YEAR]
    )
    title = models.CharField(_("work"), max_length=80)
    description = models.TextField(_("details"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")

    def __str__(self) -> str:
        return f"{self.month}: {self.title}"

    @property
    def fiscal_order(self) -> int:
        return self.MONTHS_OF_FISCAL_YEAR.index(self.month)


class CalendarRevision(models.Model):
    """One change to a field's calendar: an entry added, changed or deleted, with what it said
    afterwards, who made the change and when. Kept when the entry itself is deleted."""

    class Action(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="calendar_revisions")
    entry = models.ForeignKey(
        CalendarEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    month = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=80)
    description = models.TextField(max_length=1000, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["field", "-created_at", "-id"], name="calendar_history")]

    def __str__(self) -> str:
        return f"{self.field_id} {self.action} {self.title}"


class HandoverNote(models.Model):
    """引継書: what a successor needs, written by the person leaving a job, kept with the field.

    The author's organisation and department are copied when the note is written, as posts do,
    so the note still says where it came from after the author moves on.
    """

    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="handover_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handover_notes"
    )
    organisation = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department (課)"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("handover notes"), max_length=30000)
    is_shared = models.BooleanField(
        _("share with members of this field"),
        default=True,
        help_text=_("Unshared notes are kept for you only, e.g. while you are still writing."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["field", "is_shared", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("fields:handover", args=[self.pk])


class HandoverNoteRevision(models.Model):
    """One saved version of handover notes (the first one included), with who saved it and when:
    a successor can see what changed since they last read the notes."""

    note = models.ForeignKey(HandoverNote, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=30000)
    is_shared = models.BooleanField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="one_handover_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.note_id} r{self.number}"


class RoutedQuestion(models.Model):
    """A question left unanswered, offered to one member who knows its field (once per pair)."""

    topic = models.ForeignKey("forums.Topic", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "recipient"], name="one_offer_per_question")
        ]
        indexes = [models.Index(fields=["recipient", "created_at"], name="routed_recipient_day")]

    def __str__(self) -> str:
        return f"{self.topic_id} → {self.recipient_id}"

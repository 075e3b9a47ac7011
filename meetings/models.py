"""Exchange meetings (意見交換会) on a board, the members' answers, and calendar feed tokens."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_uid() -> str:
    return f"{uuid.uuid4()}@onlinecityhall"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Meeting(models.Model):
    """One online meeting. Its ``uid`` never changes, so that calendar apps update the event
    when it is moved or cancelled; ``sequence`` counts those changes (iCalendar SEQUENCE)."""

    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, related_name="meetings")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what it is about"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    video_url = models.URLField(_("online meeting link"), max_length=500)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    agenda_topic = models.ForeignKey(
        "forums.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uid = models.CharField(max_length=80, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Each reminder is claimed by setting its moment; a second worker finds it set.
    day_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    hour_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    # The announcing form's token: the same form sent twice (a double click, a resend after a
    # lost answer) announces one meeting.
    submission_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(
                fields=["board", "starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="meeting_board_upcoming",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "submission_token"],
                condition=~Q(submission_token=""),
                name="meeting_once_per_submission",
            )
        ]
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])


class Rsvp(models.Model):
    """A member's answer. An "attending" answer beyond the capacity waits in line
    (``waitlisted``), in the order of ``answered_at``; a freed seat goes to the first."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        MAYBE = "maybe", _("Maybe")
        NOT_ATTENDING = "not", _("Not attending")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where the member worked when answering: the list of attending organisations.
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    waitlisted = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_rsvp_per_member")
        ]
        indexes = [models.Index(fields=["meeting", "answer", "waitlisted", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} {self.meeting_id}"

    @property
    def has_seat(self) -> bool:
        return self.answer == self.Answer.ATTENDING and not self.waitlisted


class CalendarFeed(models.Model):
    """The secret address of a member's calendar feed. Making a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"

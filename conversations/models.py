"""Private conversations between verified members: who takes part, their messages, the live
events that carry them, and each member's contact settings, blocks and reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactSettings(models.Model):
    """How a member wants to be reached privately; no row means the defaults."""

    class WhoMayContact(models.TextChoices):
        EVERYONE = "everyone", _("Every verified member")
        SHARED_BOARD = "shared_board", _("Members who share a board with me")
        EXISTING = "existing", _("Nobody new: only people I already have a conversation with")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_settings"
    )
    who_may_contact = models.CharField(
        _("Who may start a conversation with me"),
        max_length=20,
        choices=WhoMayContact.choices,
        default=WhoMayContact.EVERYONE,
    )
    read_receipts = models.BooleanField(
        _("Show read receipts (既読)"),
        default=True,
        help_text=_("When off, others do not see when you read, and you do not see theirs."),
    )
    email_includes_text = models.BooleanField(
        _("Put the message text in notification e-mails"),
        default=False,
        help_text=_(
            "Off: e-mails only say who wrote and link to the conversation. Turn on only if your "
            "mailbox is as private as this site."
        ),
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.who_may_contact}"


class Block(models.Model):
    """``blocker`` does not want new conversations from ``blocked``; the blocked member is
    never told."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Conversation(models.Model):
    title = models.CharField(_("subject"), max_length=120, blank=True)
    starter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Who adds and removes participants: the starter, and after the manager leaves, the
    # participant who has been in the conversation longest (None once nobody is left).
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # Every message number handed out, deleted ones included: unread = count - last read.
    message_count = models.PositiveIntegerField(default=0)
    # Ordered id of the live events of this conversation; clients notice gaps with it.
    event_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-last_message_at"], name="conversation_activity")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])


class Participant(models.Model):
    """A member in a conversation. Leaving or being removed keeps the row (``left_at``), so
    the conversation still shows who said what, but the member reads nothing any more."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_read_number = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="one_seat_per_conversation"
            )
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(left_at__isnull=True), name="participant_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Where the author worked when writing, as on posts.
    author_municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_department = models.CharField(max_length=60, blank=True)
    body = models.TextField()
    html = models.TextField()
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    submission_token = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="one_message_per_number"
            ),
            models.UniqueConstraint(
                fields=["author", "submission_token"],
                condition=~Q(submission_token=""),
                name="one_message_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.number}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(models.Model):
    """An earlier body of an edited message, shown to the participants as its history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ConversationEvent(models.Model):
    """One live event of a conversation, kept so that a page that missed it can catch up
    (the same design as ``forums.TopicEvent``)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sequence"], name="one_conversation_event_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}:{self.sequence} {self.kind}"


class MessageReport(models.Model):
    """A participant's report of a message: the only way site moderators read a conversation,
    and then only that message and the ten before and after it."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or threats")
        SPAM = "spam", _("Spam or advertising")
        PERSONAL_DATA = "personal_data", _("Personal data of residents")
        IMPERSONATION = "impersonation", _("Not really municipal staff")
        OTHER = "other", _("Other")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note for the moderators"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_report_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → message {self.message_id}: {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

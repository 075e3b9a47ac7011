"""What members watch, what they are told, and how they want to hear about it by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The events a member can be told about; e-mail preferences are per kind."""

    REPLY = "reply", _("Replies in topics you watch")
    MENTION = "mention", _("Mentions of your name")
    NEW_TOPIC = "new_topic", _("New topics in boards you watch")
    ANSWER_ACCEPTED = "answer_accepted", _("Your reply accepted as the answer")
    HELPFUL = "helpful", _("Your post marked helpful")
    JOIN_DECIDED = "join_decided", _("Decisions on your requests to join boards")
    MODERATION = "moderation", _("Moderators' actions on your posts, topics and memberships")
    VERIFICATION = "verification", _("Decisions on your verification")
    MEETING = "meeting", _("Exchange meetings you answered: reminders, changes, cancellations")
    PRIVATE_MESSAGE = "private_message", _("New messages in your private conversations")
    QUESTION = "question", _("Unanswered questions in the fields you know")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Off")


# Without a saved preference: what concerns the member personally comes at once; news from
# watched boards and thanks wait for the morning digest.
DEFAULT_DELIVERY = {
    Kind.REPLY: Delivery.IMMEDIATELY,
    Kind.MENTION: Delivery.IMMEDIATELY,
    Kind.NEW_TOPIC: Delivery.DIGEST,
    Kind.ANSWER_ACCEPTED: Delivery.IMMEDIATELY,
    Kind.HELPFUL: Delivery.DIGEST,
    Kind.JOIN_DECIDED: Delivery.IMMEDIATELY,
    Kind.MODERATION: Delivery.IMMEDIATELY,
    Kind.VERIFICATION: Delivery.IMMEDIATELY,
    Kind.MEETING: Delivery.IMMEDIATELY,
    Kind.PRIVATE_MESSAGE: Delivery.IMMEDIATELY,
    Kind.QUESTION: Delivery.DIGEST,
}

# The kind named by a digest's unsubscribe link: it turns every digest kind off.
DIGEST = "digest"


class TopicSubscription(models.Model):
    """A member watching a topic (told about every reply) or having muted it (told nothing)."""

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_subscriptions"
    )
    topic = models.ForeignKey("forums.Topic", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.WATCHING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_subscription_per_topic")
        ]
        indexes = [models.Index(fields=["topic", "level"], name="topic_subscription_level")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.topic_id}"


class BoardSubscription(models.Model):
    """A member watching a whole board: told about every new topic."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_subscriptions"
    )
    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="one_subscription_per_board")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches board {self.board_id}"


class Notification(models.Model):
    """One thing to tell a member, shown in the list and counted in the header badge.

    Events about a topic accumulate in the member's unread row of that kind (``count``, the
    latest ``actor`` and ``post``) instead of adding rows: "3 new replies in …". Notices from
    moderators keep their sentence (``message``), written in the member's language when it was
    sent, since its wording is decided by the code that sent it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    board = models.ForeignKey(
        "forums.Board", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        "forums.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The latest post of the group; also what makes a re-run of a fan-out harmless.
    post = models.ForeignKey(
        "forums.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(default=1)
    subject = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    path = models.CharField(max_length=300, blank=True)
    # What a notice's e-mail needs besides the sentence (e.g. ``{"approved": true}``).
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the member's daily digest e-mail.
    in_digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "topic", "kind"],
                condition=Q(read_at__isnull=True, topic__isnull=False),
                name="one_unread_notification_per_topic_and_kind",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-updated_at"], name="notification_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"], condition=Q(in_digest=True), name="notification_in_digest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind} ×{self.count}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def get_absolute_url(self) -> str:
        if self.post_id:
            return reverse("forums:post", args=[self.post_id])
        if self.topic_id:
            return self.topic.get_absolute_url()
        return self.path


class EmailPreference(models.Model):
    """How a member wants e-mail about one kind of event; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_email_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"

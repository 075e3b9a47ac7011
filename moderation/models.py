"""The audit log of moderator actions and the flags members raise on posts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    """The log is append-only: no bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise ValidationError("Audit entries are never edited.")

    def delete(self):
        raise ValidationError("Audit entries are never deleted.")


class AuditEntry(models.Model):
    """One moderator action: who did what to which target, why, and what it changed.

    ``before``/``after`` keep the changed values (a title, a board, a state) but never the text
    of a redacted post: a redaction must not survive in its own record.
    """

    class Action(models.TextChoices):
        MEMBERSHIP_APPROVED = "membership.approved", _("Join request approved")
        MEMBERSHIP_REJECTED = "membership.rejected", _("Join request declined")
        MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
        MEMBERSHIP_BANNED = "membership.banned", _("Member banned")
        MEMBERSHIP_UNBANNED = "membership.unbanned", _("Ban lifted")
        MEMBERSHIP_INVITED = "membership.invited", _("Member invited")
        MEMBERSHIP_PROMOTED = "membership.promoted", _("Made board moderator")
        MEMBERSHIP_DEMOTED = "membership.demoted", _("No longer board moderator")
        FLAGS_DISMISSED = "flags.dismissed", _("Flags dismissed")
        POST_HIDDEN = "post.hidden", _("Post hidden")
        POST_AUTO_HIDDEN = "post.auto_hidden", _("Post hidden after flags")
        POST_UNHIDDEN = "post.unhidden", _("Post shown again")
        POST_REDACTED = "post.redacted", _("Post redacted")
        TOPIC_MOVED = "topic.moved", _("Topic moved")
        TOPIC_LOCKED = "topic.locked", _("Topic locked")
        TOPIC_UNLOCKED = "topic.unlocked", _("Topic unlocked")
        TOPIC_PINNED = "topic.pinned", _("Topic pinned")
        TOPIC_UNPINNED = "topic.unpinned", _("Topic unpinned")
        TOPIC_MERGED = "topic.merged", _("Topics merged")
        TOPIC_RETITLED = "topic.retitled", _("Topic title edited")
        BOARD_CREATED = "board.created", _("Board created")
        BOARD_UPDATED = "board.updated", _("Board settings changed")
        USER_APPROVED = "user.approved", _("Member verified")
        USER_REJECTED = "user.rejected", _("Verification declined")
        USER_SUSPENDED = "user.suspended", _("Member suspended")
        USER_REINSTATED = "user.reinstated", _("Member reinstated")
        DOMAIN_REGISTERED = "domain.registered", _("Domain registered")
        DOMAIN_PROPOSED = "domain.proposed", _("Domain proposed for registration")
        DOMAIN_CONFIRMED = "domain.confirmed", _("Domain registration confirmed")
        DOMAIN_REMOVED = "domain.removed", _("Domain registration removed")
        USER_RECHECKED = "user.rechecked", _("Member checked again")
        ATTACHMENT_REMOVED = "attachment.removed", _("Attachment removed")
        ATTACHMENT_INFECTED = "attachment.infected", _("Attachment refused: malware found")
        AVATAR_REMOVED = "avatar.removed", _("Avatar removed")
        FIELD_CREATED = "field.created", _("Field of work added")
        FIELD_UPDATED = "field.updated", _("Field of work changed")
        FIELD_NAME_ADDED = "field.name_added", _("Department name added to a field")
        FIELD_NAME_REMOVED = "field.name_removed", _("Department name removed from a field")
        FIELD_BOARDS_SET = "field.boards_set", _("Boards of a field chosen")
        CONVERSATION_REPORT_VIEWED = (
            "conversation.report_viewed",
            _("Reported private message read"),
        )
        CONVERSATION_REPORT_RESOLVED = (
            "conversation.report_resolved",
            _("Report of a private message closed"),
        )

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # Empty for the site itself (a post hidden automatically after flags).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    board = models.ForeignKey(
        "forums.Board", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The other board of a move, so that both boards' moderators see it.
    other_board = models.ForeignKey(
        "forums.Board", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.ForeignKey(
        "forums.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        "forums.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the target was called at the time, so the entry reads well after deletions.
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["board", "-created_at"], name="audit_board_created"),
            models.Index(fields=["other_board", "-created_at"], name="audit_other_board_created"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Audit entries are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit entries are never deleted.")


class Flag(models.Model):
    """A member's report that a post needs a moderator's attention."""

    class Reason(models.TextChoices):
        WRONG_INFORMATION = "wrong_information", _("Wrong information")
        PERSONAL_DATA = "personal_data", _("Personal data exposed")
        OFF_TOPIC = "off_topic", _("Off-topic")
        HARASSMENT = "harassment", _("Harassment")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        UPHELD = "upheld", _("Acted on")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey("forums.Post", on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Several members flagging is a signal; one member flagging twice is not.
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_member",
            )
        ]
        indexes = [
            models.Index(
                fields=["post"], condition=Q(resolved_at__isnull=True), name="flag_open_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.post_id}: {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

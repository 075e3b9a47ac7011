"""Boards, who belongs to them, and the topics and posts written there."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class WorkField(models.Model):
    """A field of municipal work (vaccination, welfare, procurement …): data, not code."""

    slug = models.SlugField(unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ja


class Board(models.Model):
    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: any verified member joins with one click")
        APPROVAL = "approval", _("Approval: a board moderator approves each request")
        INVITE = "invite", _("Invite only: hidden from non-members")

    slug = models.SlugField(unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_ja = models.TextField(_("description (Japanese)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    field = models.ForeignKey(
        WorkField, on_delete=models.PROTECT, related_name="boards", verbose_name=_("field of work")
    )
    join_policy = models.CharField(
        _("join policy"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Counters kept by the services with F() updates, so that lists never count rows.
    member_count = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    flag_threshold = models.PositiveSmallIntegerField(
        _("flags before a post is hidden"),
        default=3,
        help_text=_(
            "A post flagged by this many different members is hidden until a moderator reviews "
            "it. 0 turns automatic hiding off."
        ),
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ja

    @property
    def description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description_ja

    def get_absolute_url(self) -> str:
        return reverse("forums:board", args=[self.slug])


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Board moderator")

    class State(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Request pending")
        REJECTED = "rejected", _("Request declined")
        INVITED = "invited", _("Invited")
        BANNED = "banned", _("Banned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    request_message = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Who approved, declined, invited or banned, and the reason the member is told.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(max_length=1000, blank=True)
    banned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="one_membership_per_board")
        ]
        indexes = [models.Index(fields=["board", "state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.board}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.role == self.Role.MODERATOR

    @property
    def is_banned(self) -> bool:
        """A ban with an end date lapses by itself once that moment has passed."""
        if self.state != self.State.BANNED:
            return False
        return self.banned_until is None or self.banned_until > timezone.now()


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="topics")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=120)
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    last_posted_at = models.DateTimeField(default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # post_count counts every post number handed out, deleted ones included, so that
    # "number of the last post" and "unread = post_count - last read number" hold.
    post_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    accepted_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    # A question waits for an answer; a discussion opened for something else (a meeting's
    # agenda) does not: it is never listed or offered as unanswered.
    expects_answer = models.BooleanField(default=True, db_default=True)
    # Ordered id of the live events of this topic; clients notice gaps with it.
    event_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["board", "-last_posted_at", "-id"], name="topic_board_activity"),
            models.Index(fields=["board", "-created_at", "-id"], name="topic_board_created"),
            models.Index(fields=["author", "-last_posted_at"], name="topic_author_activity"),
            # The few pinned topics of a board, without reading all of its topics.
            models.Index(fields=["board"], condition=Q(is_pinned=True), name="topic_board_pinned"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None

    @property
    def unread_count(self) -> int | None:
        """Posts the reader has not seen; None when they never opened the topic.

        Needs the ``last_read_number`` annotation of ``forums.queries.with_reader_state``.
        """
        last_read = getattr(self, "last_read_number", None)
        return None if last_read is None else max(0, self.post_count - last_read)

    def get_absolute_url(self) -> str:
        return reverse("forums:topic", args=[self.pk])


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    # Where the author worked when writing: people transfer, the post keeps its context.
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
    # Hidden by a moderator (hidden_by set) or automatically after flags (hidden_by empty);
    # the author and the board's moderators still see it, with the reason.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.TextField(max_length=1000, blank=True)
    # Personal data removed by a moderator: the body was replaced and the history purged.
    redacted_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    # The idempotency token of the form that created it: a double submit finds this post.
    submission_token = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="one_post_per_number"),
            models.UniqueConstraint(
                fields=["author", "submission_token"],
                condition=~Q(submission_token=""),
                name="one_post_per_submission",
            ),
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="post_author_created")]
        ordering = ["topic", "number"]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.number}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

    @property
    def is_first(self) -> bool:
        return self.number == 1

    def get_absolute_url(self) -> str:
        return reverse("forums:post", args=[self.pk])


class PostRevision(models.Model):
    """An earlier body of an edited post, shown to members as the edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=120, blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class HelpfulMark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_mark_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class TopicReadState(models.Model):
    """How far a member has read a topic: the number of the last post they saw."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="one_read_state")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to #{self.last_read_number}"


class TopicEvent(models.Model):
    """One live event of a topic, kept so that a client that missed it can catch up.

    Channel layers deliver at most once; a page that notices a gap in ``sequence`` (or that
    reconnects) asks for every event after the last one it applied and gets each post as it is
    now in the database.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "sequence"], name="one_event_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.sequence} {self.kind}"


class TopicRedirect(models.Model):
    """Where a topic went when a moderator merged it into another: old links keep working."""

    old_topic_id = models.PositiveBigIntegerField(unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.old_topic_id} → {self.topic_id}"

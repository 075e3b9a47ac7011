"""Members, the municipalities they work for, and the record of the jobs they have held."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.compiled import CompiledRead


def local_government_check_digit(five_digits: str) -> str:
    """Check digit of a 全国地方公共団体コード (weights 6..2, modulus 11)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(five_digits, (6, 5, 4, 3, 2), strict=True)
    )
    remainder = total % 11
    return str((11 - remainder) % 10) if remainder else "0"


def validate_local_government_code(value: str) -> None:
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(_("A local government code has six digits."), code="format")
    if local_government_check_digit(value[:5]) != value[5]:
        raise ValidationError(
            _("The check digit of this local government code is wrong."), code="check"
        )


national_identifier_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,39}$",
    _("A national body's identifier is lower-case letters, digits and hyphens, e.g. mhlw."),
)


class Municipality(models.Model):
    """An organisation members work for: a local government (with its official code) or a
    national ministry or agency (with an identifier of its own, never a local-government code)."""

    class Kind(models.TextChoices):
        DESIGNATED_CITY = "designated_city", _("Designated city")
        CORE_CITY = "core_city", _("Core city")
        CITY = "city", _("City")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")
        SPECIAL_WARD = "special_ward", _("Special ward")
        PREFECTURE = "prefecture", _("Prefecture")
        NATIONAL = "national", _("National government body")

    code = models.CharField(
        _("local government code"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_local_government_code],
    )
    national_identifier = models.CharField(
        _("national body identifier"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[national_identifier_validator],
    )
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True)
    name = models.CharField(_("name"), max_length=40)
    kana = models.CharField(_("kana"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        if self.kind in (self.Kind.PREFECTURE, self.Kind.NATIONAL) or not self.prefecture:
            return self.name
        return f"{self.prefecture} {self.name}"

    @property
    def is_national(self) -> bool:
        return self.kind == self.Kind.NATIONAL

    def clean(self) -> None:
        if self.is_national:
            if self.code:
                raise ValidationError(
                    {"code": _("A national body has no local government code.")}, code="national"
                )
            if not self.national_identifier:
                raise ValidationError(
                    {"national_identifier": _("Give the national body an identifier.")},
                    code="required",
                )
        elif not self.code:
            raise ValidationError(
                {"code": _("A local government needs its local government code.")},
                code="required",
            )


domain_validator = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain such as city.habikino.lg.jp."),
)


class MunicipalityDomain(models.Model):
    """An e-mail domain that belongs to one municipality: its staff are verified on sign-up."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("municipality"),
    )
    domain = models.CharField(
        _("domain"), max_length=253, unique=True, validators=[domain_validator]
    )
    created_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A domain outside lg.jp / go.jp takes effect only once a second site moderator confirms it.
    confirmed_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("municipality e-mail domain")
        verbose_name_plural = _("municipality e-mail domains")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)

    @property
    def in_effect(self) -> bool:
        return self.confirmed_at is not None


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """``get(pk=…)`` alone, as Django's authentication loads the member of every request
        from the session, runs SQL compiled once (``core.compiled``); any other lookup is
        Django's own. Compiling the same query again cost about 0.5 ms of every page."""
        pk = kwargs.get("pk")
        # Only this manager of this model: related managers (``municipality.members``) subclass
        # it and filter by their relation, and migrations rebuild it on historical models.
        plain = type(self) is UserManager and self.model is User and self._db is None
        if not plain or args or len(kwargs) != 1 or type(pk) is not int:
            return super().get(*args, **kwargs)
        return _USER_BY_PK.get(pk)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_site_moderator", True)
        extra_fields.setdefault("status", User.Status.VERIFIED)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("E-mail not confirmed")
        PENDING = "pending", _("Waiting for review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not approved")
        SUSPENDED = "suspended", _("Suspended")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=60)
    display_name = models.CharField(_("display name"), max_length=30)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("municipality"),
    )
    department = models.CharField(_("department (課)"), max_length=60, blank=True)
    position = models.CharField(_("position"), max_length=40, blank=True)
    can_help_with = models.TextField(_("what I can help with"), max_length=1000, blank=True)
    ask_me = models.BooleanField(
        _("ask me"),
        default=False,
        help_text=_(
            "List me as someone newcomers to the fields of my current and past jobs may ask, "
            "and offer me their unanswered questions."
        ),
    )
    # The start of the member's next planned assignment: read with the user on every request,
    # so the day it comes needs no extra query to notice.
    next_move_on = models.DateField(null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)

    status = models.CharField(
        _("verification status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Verified through an lg.jp address that is not registered to the chosen municipality.
    domain_mismatch = models.BooleanField(default=False)
    # The registered domain that verified this member automatically; if it is removed later,
    # the member keeps access but is listed for a moderator to check again.
    verified_through_domain = models.CharField(max_length=253, blank=True)
    needs_recheck = models.BooleanField(default=False)
    review_note = models.TextField(_("note for the reviewer"), max_length=1000, blank=True)
    status_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    is_site_moderator = models.BooleanField(_("site moderator"), default=False)
    # 0: no photo (pages draw initials); otherwise the version of the stored avatar photo, so
    # that its URL changes with it and browsers may cache each version for good.
    avatar_version = models.PositiveIntegerField(default=0)

    is_staff = models.BooleanField(_("Django admin access"), default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "display_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["status", "date_joined"]),
            # The members listed as people to ask: field pages join a field's assignments with
            # these ids (an index-only scan instead of reading every member row).
            models.Index(
                fields=["id"],
                condition=models.Q(ask_me=True, is_active=True, status="verified"),
                name="member_ask_me",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.full_name or self.email

    @property
    def is_verified(self) -> bool:
        return self.is_active and self.status == self.Status.VERIFIED

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()


class Assignment(models.Model):
    """One job a member holds, held or will hold: which department of which organisation, in
    which field of work, from when to when.

    A regular post replaces the previous one (which ends the day before); a concurrent post
    (兼務) runs beside it; a secondment (出向) is where the member works while their home post
    stays open. A post that starts after today is planned (entered when the advance notice, 内示,
    comes) and takes effect by itself on its first day.
    """

    class Kind(models.TextChoices):
        POST = "post", _("Regular post")
        CONCURRENT = "concurrent", _("Concurrent post (兼務)")
        SECONDMENT = "secondment", _("Secondment (出向)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    department = models.CharField(_("department (課)"), max_length=60)
    position = models.CharField(_("position"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.POST)
    # Found from the department name; the member may correct it for themselves.
    field = models.ForeignKey(
        "fields.Field",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("field of work"),
    )
    field_chosen_by_member = models.BooleanField(default=False)
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["department"]),
            # Who held a field and since when, without reading the assignment rows.
            models.Index(
                fields=["field", "user", "started_on"], name="assignment_field_user_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.started_on}–{self.ended_on or ''})"

    def state_on(self, day) -> str:
        """ "planned", "current" or "past" on the given day."""
        if self.started_on > day:
            return "planned"
        if self.ended_on is not None and self.ended_on < day:
            return "past"
        return "current"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def months(self) -> int:
        """How long the job lasted (or has lasted so far), in whole months."""
        end = min(self.ended_on or timezone.localdate(), timezone.localdate())
        if end < self.started_on:
            return 0
        return round(((end - self.started_on).days + 1) / 30.44)


class VerificationEvent(models.Model):
    """The record of each change of a member's verification status and who made it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_events")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_status = models.CharField(max_length=12, choices=User.Status.choices)
    new_status = models.CharField(max_length=12, choices=User.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.old_status} → {self.new_status}"


_USER_BY_PK = CompiledRead(lambda pk: User.objects.filter(pk=pk).order_by("pk")[:1])

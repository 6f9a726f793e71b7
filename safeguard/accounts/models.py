"""People, schools and who holds which role where."""

import unicodedata
from datetime import datetime
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from safeguard.accounts.permissions import Capability, Role, capabilities_of
from safeguard.lib.scoping import SchoolOwned, SchoolScopedQuerySet


class Trust(models.Model):
    """A multi-academy trust or local authority grouping several schools."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    name = models.CharField(max_length=200)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    urn = models.CharField(
        "URN",
        max_length=8,
        blank=True,
        help_text="The school's unique reference number (6 or 7 digits), if it has one.",
    )
    email_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Staff email domains, separated by commas (for example "
            "larkspur.sch.uk). Leave empty to allow any address."
        ),
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Sign staff out after this many minutes without activity (5 to 240).",
    )
    mfa_required_for_all = models.BooleanField(
        "Second factor for all staff",
        default=False,
        help_text="DSLs, deputies and senior leaders always need one; tick to require it of everyone.",
    )
    reference_code = models.CharField(
        "reference prefix",
        max_length=6,
        blank=True,
        help_text="Starts each incident reference, as in LAR-2026-0042 (2 to 6 capital letters).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def incident_reference_prefix(self) -> str:
        return self.reference_code or reference_code_from_name(self.name)

    @property
    def allowed_email_domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


def reference_code_from_name(name: str, *, taken: frozenset[str] = frozenset()) -> str:
    """A short prefix for incident references: "Larkspur Primary" -> "LAR".

    The first three letters of the name, or with a digit added if another school has them.
    """
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.upper()) if "A" <= c <= "Z")
    code = (letters[:3] or "SCH").ljust(2, "X")
    if code not in taken:
        return code
    for digit in range(2, 10):
        if f"{code}{digit}" not in taken:
            return f"{code}{digit}"
    return code


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Their school email address is their username (school policy, section 4)."""

    # Stored lower-case (see save), so a plain unique index is case-insensitive.
    email = models.EmailField("school email address", max_length=254, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    # Django admin access, for the deployment's operator only; never a school role.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class MembershipQuerySet(SchoolScopedQuerySet["Membership"]):
    def active_for_user(self, user: "User") -> Self:
        """A person's own active roles, across the schools they belong to."""
        return self.filter(user=user, is_active=True)._as_scoped()


MembershipManager = models.Manager.from_queryset(MembershipQuerySet)


class Membership(SchoolOwned):
    """One person's role in one school. A person may belong to several schools."""

    unscoped: ClassVar[models.Manager["Membership"]] = models.Manager()
    objects: ClassVar[MembershipManager["Membership"]] = MembershipManager()

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)
    # The name this school typed when it added someone who already had an account from
    # another school. Blank means "the account's own name". The school's screens show this,
    # so an invitation never reveals how the person is registered elsewhere.
    first_name = models.CharField("first name as entered here", max_length=100, blank=True)
    last_name = models.CharField("last name as entered here", max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="membership_one_per_school")
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.school_id})"

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.role)

    @property
    def has_signed_in(self) -> bool:
        """Whether they have signed in since this school added them (not just anywhere)."""
        return self.last_sign_in is not None or (
            self.invited_at is None and self.user.has_usable_password()
        )

    @property
    def last_sign_in(self) -> datetime | None:
        """Their last sign-in, if it came after this school added them: a sign-in before
        that was at another school, and isn't this school's to see."""
        last = self.user.last_login
        if last is None or (self.invited_at is not None and last < self.invited_at):
            return None
        return last

    @property
    def is_named_here(self) -> bool:
        return bool(self.first_name or self.last_name)

    @property
    def display_first_name(self) -> str:
        return self.first_name if self.is_named_here else self.user.first_name

    @property
    def display_last_name(self) -> str:
        return self.last_name if self.is_named_here else self.user.last_name

    @property
    def display_name(self) -> str:
        """The name this school's screens show: as entered here, or the account's own."""
        if self.is_named_here:
            return f"{self.first_name} {self.last_name}".strip()
        return self.user.full_name


class StaffGroup(SchoolOwned):
    """People alerted together with one click. Every school has the built-in SLT group."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    is_slt = models.BooleanField(default=False, editable=False)
    members = models.ManyToManyField(Membership, blank=True, related_name="staff_groups")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_slt", "name"]
        constraints = [
            models.UniqueConstraint("school", Lower("name"), name="staffgroup_name_unique_ci"),
            models.UniqueConstraint(
                fields=["school"], condition=models.Q(is_slt=True), name="staffgroup_one_slt"
            ),
        ]

    def __str__(self) -> str:
        return self.name

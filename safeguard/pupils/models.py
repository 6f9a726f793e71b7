"""Pupils and their statuses: who each child is (names, date of birth, year and class,
when they joined and left) and what a DSL must keep in mind (a child protection plan,
looked after, SEN support, free school meals...)."""

import datetime
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned
from safeguard.lib.text import BIDI_CONTROLS, NAME_DIRECTION_MESSAGE
from safeguard.lib.upn import normalise_upn, upn_problem

# Children on a school's roll are at most 25 (post-16 provision with an EHCP
# runs to 25); an older date of birth is almost always a mistyped year.
MAX_PUPIL_AGE_YEARS = 25

# Invisible characters that reorder or hide text ("Trojan Source", lib/text.py), besides
# the C0/C1 controls. Joiners stay allowed: some scripts need them in names.
_BIDI_CONTROLS = BIDI_CONTROLS
CONTROL_CHARACTER_MESSAGE = (
    "This cannot contain control characters (such as tabs, line breaks or invisible "
    "direction marks): please retype it."
)


def has_control_characters(text: str) -> bool:
    """True if text holds a control, line-separator or bidirectional-override character."""
    return any(
        unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI_CONTROLS for char in text
    )


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class YearGroup(models.TextChoices):
    N1 = "N1", "Nursery 1"
    N2 = "N2", "Nursery 2"
    R = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"


class Sex(models.TextChoices):
    # The <Sex> values of the Common Transfer File (CTF 25, the DfE's format for moving
    # pupil records between schools), plus "unknown" for a record still being completed.
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class StatusKind(models.TextChoices):
    CP_PLAN = "cp_plan", "Child protection plan"
    CHILD_IN_NEED = "cin", "Child in need"
    LOOKED_AFTER = "lac", "Looked-after child"
    PREVIOUSLY_LOOKED_AFTER = "plac", "Previously looked-after child"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"
    YOUNG_CARER = "young_carer", "Young carer"
    FSM = "fsm", "Free school meals"
    EAL = "eal", "English as an additional language"


class Pupil(SchoolOwned):
    legal_first_name = models.CharField("legal first name", max_length=100)
    legal_last_name = models.CharField("legal last name", max_length=100)
    preferred_first_name = models.CharField("preferred first name", max_length=100, blank=True)
    preferred_last_name = models.CharField("preferred last name", max_length=100, blank=True)
    date_of_birth = models.DateField("date of birth")
    upn = models.CharField("UPN", max_length=13, blank=True)
    admission_number = models.CharField("admission number", max_length=20, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    year_group = models.CharField("year group", max_length=2, choices=YearGroup.choices)
    registration_group = models.CharField("class or registration group", max_length=50, blank=True)
    on_roll_on = models.DateField("on roll from", null=True, blank=True)
    left_on = models.DateField("left on", null=True, blank=True)
    leaving_destination = models.CharField("destination on leaving", max_length=200, blank=True)
    is_archived = models.BooleanField("archived", default=False)
    # Where the record came from (typed in, the demo, later an import from the school's
    # management information system), so a later MIS sync knows what it may update.
    source = models.CharField(max_length=20, blank=True, default="manual")
    source_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "upn"], condition=~Q(upn=""), name="pupil_upn_unique_in_school"
            ),
            models.UniqueConstraint(
                fields=["school", "admission_number"],
                condition=~Q(admission_number=""),
                name="pupil_admission_number_unique_in_school",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(on_roll_on__isnull=True)
                | Q(left_on__gte=F("on_roll_on")),
                name="pupil_left_after_joining",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "is_archived", "legal_last_name"]),
            models.Index(fields=["school", "year_group"]),
            models.Index(
                fields=["school", "registration_group"], name="pupil_school_reg_group_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    # Fields whose text is typed by people and shown back to them.
    TEXT_FIELDS = (
        "legal_first_name",
        "legal_last_name",
        "preferred_first_name",
        "preferred_last_name",
        "upn",
        "admission_number",
        "registration_group",
        "leaving_destination",
    )

    def clean_fields(self, exclude: Any = None) -> None:
        # Before the length checks: a UPN typed in groups ("A123 4567 89012") is still 13.
        self.upn = normalise_upn(self.upn or "")
        self.admission_number = (self.admission_number or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """The rules every pupil record keeps, whether typed in a form or imported."""
        errors: dict[str, str] = {}
        for name in self.TEXT_FIELDS:
            value = getattr(self, name) or ""
            if name.endswith("_name") and _BIDI_CONTROLS.intersection(value):
                errors[name] = NAME_DIRECTION_MESSAGE
            elif has_control_characters(value):
                errors[name] = CONTROL_CHARACTER_MESSAGE
        today = timezone.localdate()
        born: datetime.date | None = self.date_of_birth
        if born is not None:
            if born >= today:
                errors["date_of_birth"] = "The date of birth must be in the past."
            elif born < years_before(today, MAX_PUPIL_AGE_YEARS):
                errors["date_of_birth"] = (
                    f"This date of birth is more than {MAX_PUPIL_AGE_YEARS} years ago: "
                    "please check the year."
                )
        if "date_of_birth" in errors:
            born = None  # dates compared with a wrong birth date would only add noise
        if born is not None and self.on_roll_on is not None and self.on_roll_on < born:
            errors["on_roll_on"] = "The on-roll date cannot be before the date of birth."
        if self.left_on is not None:
            if self.on_roll_on is not None and self.left_on < self.on_roll_on:
                errors["left_on"] = "The leaving date cannot be before the on-roll date."
            elif born is not None and self.left_on < born:
                errors["left_on"] = "The leaving date cannot be before the date of birth."
        if "upn" not in errors:
            problem = upn_problem(self.upn) if self.upn else None
            if problem:
                errors["upn"] = problem
            elif self.upn and self._clashes(upn=self.upn):
                errors["upn"] = "Another pupil at this school already has this UPN."
        number = self.admission_number
        if "admission_number" not in errors and number and self._clashes(admission_number=number):
            errors["admission_number"] = (
                "Another pupil at this school already has this admission number."
            )
        if errors:
            raise ValidationError(errors)

    def _clashes(self, **lookup: str) -> bool:
        """Whether another pupil of this school (archived ones included) has this value."""
        if self.school_id is None:
            return False
        return (
            Pupil.objects.for_school(self.school_id).exclude(pk=self.pk).filter(**lookup).exists()
        )

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        if self.preferred_first_name or self.preferred_last_name:
            name += f" (legal: {self.legal_first_name} {self.legal_last_name})"
        return name

    @property
    def class_label(self) -> str:
        year = self.get_year_group_display()
        return f"{year}, {self.registration_group}" if self.registration_group else year


class PupilStatus(SchoolOwned):
    """A status that held from one date to another (or still holds)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="statuses")
    kind = models.CharField(max_length=20, choices=StatusKind.choices)
    started_on = models.DateField("from")
    ended_on = models.DateField("until", null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pupilstatus_ends_after_start",
            )
        ]
        indexes = [
            # The pupil list's "status" filter: which pupils of a school hold a kind now.
            models.Index(fields=["school", "kind", "ended_on"], name="pupilstatus_school_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        """A status runs forwards, starts after birth and does not repeat one already held."""
        errors: dict[str, str] = {}
        if has_control_characters(self.note or ""):
            errors["note"] = CONTROL_CHARACTER_MESSAGE
        started, ended = self.started_on, self.ended_on
        if started is not None and ended is not None and ended < started:
            errors["ended_on"] = "The end date cannot be before the start date."
        pupil = self.pupil if self.pupil_id is not None else None
        if pupil is not None and started is not None and started < pupil.date_of_birth:
            errors["started_on"] = "A status cannot start before the pupil's date of birth."
        if pupil is not None and started is not None and "ended_on" not in errors and self.kind:
            overlapping = PupilStatus.objects.for_school(pupil.school_id).filter(
                pupil=pupil, kind=self.kind
            )
            overlapping = overlapping.exclude(pk=self.pk).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=started)
            )
            if ended is not None:
                overlapping = overlapping.filter(started_on__lte=ended)
            if overlapping.exists():
                errors["kind"] = (
                    f"This pupil already has “{self.get_kind_display()}” for some of these "
                    "dates: end that one first, or change the dates."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)

    @property
    def is_past(self) -> bool:
        return self.ended_on is not None and self.ended_on < timezone.localdate()

    @property
    def is_future(self) -> bool:
        return self.started_on > timezone.localdate()

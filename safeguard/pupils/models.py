"""Pupils and their statuses (DOMAIN.md: pupil profile)."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned


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
    # CTF 25 <Sex> values, plus "unknown" for a record still being completed.
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
    # Where the record came from, for a later MIS sync (STACK.md section 8).
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
                condition=Q(left_on__isnull=True) | Q(on_roll_on__isnull=True) | Q(left_on__gte=F("on_roll_on")),
                name="pupil_left_after_joining",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "is_archived", "legal_last_name"]),
            models.Index(fields=["school", "year_group"]),
        ]

    def __str__(self) -> str:
        return self.display_name

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

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)

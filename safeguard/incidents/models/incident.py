"""An incident as its author submitted it, its reference, categories and linked pupils.

What a member of staff records is immutable: the database refuses UPDATE and
DELETE on these tables (migration triggers). What may change afterwards lives
beside the record, never in it: the DSL's review and corrections (`review.py`)
and each alert's read and acknowledged times (`alert.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

# A generous limit for one narrative (about 40 pages); documented in docs/recording.md.
MAX_TEXT_LENGTH = 100_000


class RecordKind(models.TextChoices):
    CONVERSATION = "conversation", "Direct conversation with the child"
    DISCLOSURE = "disclosure", "Disclosure by the child"
    OBSERVATION = "observation", "Observation"
    PHONE_CALL = "phone_call", "Phone call"
    PARENT = "parent", "Conversation with a parent or carer"
    THIRD_PARTY = "third_party", "Information from someone else"
    OTHER = "other", "Other"


class LinkRole(models.TextChoices):
    INVOLVED = "involved", "Involved"
    WITNESS = "witness", "Witness"
    AFFECTED = "affected", "Affected"
    ALLEGED = "alleged", "Alleged to have caused harm"


class Incident(SchoolOwned):
    """One incident as its author submitted it. Never changes, never goes away."""

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="incidents")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents_recorded"
    )
    kind = models.CharField("what you are recording", max_length=20, choices=RecordKind.choices)
    text = models.TextField("what happened")
    occurred_at = models.DateTimeField("when it happened")
    recorded_at = models.DateTimeField("when it was recorded", default=timezone.now)
    location = models.CharField("where", max_length=200, blank=True)
    spoke_to_dsl = models.BooleanField("spoke to a DSL", default=False)
    dsl_spoken_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="DSL spoken to",
    )
    categories = models.ManyToManyField(
        "incidents.Category", through="IncidentCategory", related_name="incidents"
    )
    submit_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            models.Index(fields=["school", "pupil", "-occurred_at"]),
            # The lists' order, newest recorded first (selectors.incidents.NEWEST_FIRST):
            # the whole school's, and one person's (by author, and "My incidents").
            models.Index(fields=["school", "-recorded_at", "-id"], name="incident_newest"),
            models.Index(
                fields=["school", "author", "-recorded_at", "-id"], name="incident_author_newest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_at__lte=models.F("recorded_at")),
                name="incident_not_in_future",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk}"


class IncidentReference(SchoolOwned):
    """The number people use for an incident: LAR-2026-0042, counted per school and year.

    Incident ids are shared by every school, so showing one told a teacher how many
    incidents other schools had recorded in between. The reference is given once, when
    the incident is recorded (`services.recording`), and never changes
    (database triggers, as for the incident). It lives beside the incident rather than
    in it so that incidents recorded before references existed could be given theirs
    without touching a protected row (migration 0005).
    """

    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, primary_key=True, related_name="reference"
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=24)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "number"], name="incidentreference_number_once"
            ),
            models.UniqueConstraint(fields=["school", "reference"], name="incidentreference_once"),
        ]

    def __str__(self) -> str:
        return self.reference


class IncidentCounter(SchoolOwned):
    """The last reference number given in a school in a year; locked while the next is taken."""

    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="incidentcounter_once"),
        ]


class IncidentCategory(SchoolOwned):
    """A category as the author chose it when recording (immutable)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("incidents.Category", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "category"], name="incidentcategory_once")
        ]


class LinkedPupil(SchoolOwned):
    """Another child the incident concerns (school policy section 5 step 5)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="links")
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="linked_incidents"
    )
    role = models.CharField(max_length=20, choices=LinkRole.choices, default=LinkRole.INVOLVED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "pupil"], name="linkedpupil_once"),
        ]

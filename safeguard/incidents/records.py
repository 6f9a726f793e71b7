"""Incidents, actions and everything recorded with them (school policy section 5).

What a member of staff records is immutable: the database refuses UPDATE and
DELETE on these tables (migration triggers). What may change afterwards lives
beside the record, never in it: the DSL's review (`IncidentReview`), the DSL's
corrections as new rows (`IncidentCorrection`), and each alert's read and
acknowledged times (`Alert`).
"""

import uuid

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
            models.Index(fields=["school", "author", "-recorded_at"]),
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
    the incident is recorded (`recording._assign_reference`), and never changes
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


class Action(SchoolOwned):
    """Something done about an incident, added below it (school policy steps 10 and 12)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_recorded"
    )
    text = models.TextField("what was done")
    occurred_at = models.DateTimeField("when")
    recorded_at = models.DateTimeField(default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_assigned",
    )
    due_on = models.DateField("due by", null=True, blank=True)
    follows_up = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    # A DSL's or deputy's action is for the leads unless they choose to share it with the
    # staff alerted to the incident; anyone else's is always shared (docs/alerts.md).
    is_shared_with_alerted = models.BooleanField("shared with the staff alerted", default=False)
    submit_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["school", "assigned_to"])]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class BodySide(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"


class MarkType(models.TextChoices):
    BRUISE = "bruise", "Bruise"
    CUT = "cut", "Cut"
    BURN = "burn", "Burn"
    SCRATCH = "scratch", "Scratch"
    MARK = "mark", "Mark"
    SWELLING = "swelling", "Swelling"
    OTHER = "other", "Other"


class BodyMapMark(SchoolOwned):
    """A numbered mark on the body map outline; coordinates are 0-1000 of the outline box."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="marks")
    number = models.PositiveSmallIntegerField()
    side = models.CharField(max_length=5, choices=BodySide.choices)
    x = models.PositiveSmallIntegerField()
    y = models.PositiveSmallIntegerField()
    mark_type = models.CharField("type", max_length=10, choices=MarkType.choices)
    colour = models.CharField(max_length=60, blank=True)
    shape = models.CharField(max_length=60, blank=True)
    size = models.CharField("approximate size", max_length=60, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="bodymapmark_number_once"),
            models.CheckConstraint(
                condition=Q(x__lte=1000) & Q(y__lte=1000), name="bodymapmark_in_box"
            ),
        ]


class Attachment(SchoolOwned):
    """A file attached to an incident or an action; stored under a generated name."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["uploaded_at", "id"]


class ReviewStatus(models.TextChoices):
    NEW = "new", "Awaiting DSL review"
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class IncidentReview(SchoolOwned):
    """The DSL's current view of an incident: the only part that changes, always audited.

    `pupil` and `categories` start as recorded and change only through an
    audited `IncidentCorrection`; the incident itself keeps the original.
    """

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="review")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    categories = models.ManyToManyField("incidents.Category", related_name="+", blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    is_withdrawn = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["school", "pupil"]),
            models.Index(fields=["school", "status"]),
        ]


class CorrectionKind(models.TextChoices):
    RECATEGORISE = "recategorise", "Categories changed"
    MOVE_PUPIL = "move_pupil", "Moved to another pupil"
    WITHDRAW = "withdraw", "Withdrawn (recorded on the wrong child)"
    STATUS = "status", "Status changed"
    MISTAKE_REPORTED = "mistake_reported", "Mistake reported by the author"


class IncidentCorrection(SchoolOwned):
    """A DSL's correction or an author's mistake report, kept for ever beside the original."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=20, choices=CorrectionKind.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["made_at", "id"]


class AlertReason(models.TextChoices):
    GROUP = "group", "Group"
    NAMED = "named", "Named by the author"
    CATEGORY = "category", "Category default"
    DSL = "dsl", "Safeguarding lead"
    ASSIGNED = "assigned", "Assigned an action"
    MISTAKE = "mistake", "Mistake reported"


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class Alert(SchoolOwned):
    """One person told about one incident (or an action on it)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="alerts")
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=AlertReason.choices)
    reason_detail = models.CharField(max_length=100, blank=True)
    category_label = models.CharField(max_length=200)
    # Sent to the recipient as a safeguarding lead (the automatic DSL alert, a mistake
    # report, an incident with a restricted category, a leads-only action): it lets them
    # open the incident only while they are a lead (docs/alerts.md).
    is_lead_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    # When the next send may be tried: after a failure (backoff) or while a worker
    # holds the send (a lease, so a crashed worker's alert is picked up again).
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["school", "incident"]),
            models.Index(fields=["email_state", "email_next_attempt_at"]),
        ]


class Draft(SchoolOwned):
    """An incident being written: saved as the author types, seen by nobody else."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submit_key = models.UUIDField(default=uuid.uuid4, unique=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]

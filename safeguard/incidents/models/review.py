"""The DSL's current view of an incident, and the corrections that changed it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.incidents.models.incident import Incident
from safeguard.lib.scoping import SchoolOwned


class ReviewStatus(models.TextChoices):
    NEW = "new", "Awaiting DSL review"
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class IncidentReview(SchoolOwned):
    """The DSL's current view of an incident: the only part that changes, always audited.

    `pupil` and `categories` start as recorded and change only through an
    audited `IncidentCorrection`; the incident itself keeps the original.
    `is_kept_with_leads`: a DSL or deputy keeps the incident with the leads, so only
    they are alerted or assigned on it (as with a restricted category), until released.
    """

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="review")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    categories = models.ManyToManyField("incidents.Category", related_name="+", blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    is_withdrawn = models.BooleanField(default=False)
    is_kept_with_leads = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # The incident's `recorded_at`, copied when it is recorded (it never changes), so that
    # the lists by status and the dashboard's "awaiting review" read one index in their
    # order instead of joining and sorting every incident of the school.
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["school", "pupil"]),
            models.Index(
                fields=["school", "is_withdrawn", "status", "-recorded_at", "-incident"],
                name="review_by_status_newest",
            ),
        ]


class CorrectionKind(models.TextChoices):
    RECATEGORISE = "recategorise", "Categories changed"
    MOVE_PUPIL = "move_pupil", "Moved to another pupil"
    WITHDRAW = "withdraw", "Withdrawn (recorded on the wrong child)"
    STATUS = "status", "Status changed"
    MISTAKE_REPORTED = "mistake_reported", "Mistake reported by the author"
    KEEP_WITH_LEADS = "keep_with_leads", "Kept with the leads"
    RELEASE_FROM_LEADS = "release_from_leads", "Released from the leads"


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

"""An Operation Encompass notification, the children it names, and each lead's acknowledgement.

All three are kept for ever as written: the database refuses UPDATE and DELETE on them
(casework migration 0009) and the service seals each into the audit chain. A notification
is acknowledged once any lead has acknowledged it; until then it heads every lead's
dashboard, since the school must act on it before the next school day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

FORCE_MAX = 100
REFERENCE_MAX = 50


class Presence(models.TextChoices):
    PRESENT = "present", "Present at the incident"
    NOT_PRESENT = "not_present", "Not present, but affected"
    NOT_KNOWN = "not_known", "Not known"


class EncompassNotification(SchoolOwned):
    """What the police told the school, and what the school did about it."""

    received_at = models.DateTimeField("received")
    force = models.CharField("police force", max_length=FORCE_MAX)
    police_reference = models.CharField(max_length=REFERENCE_MAX)
    incident_at = models.DateTimeField("incident date and time")
    summary = models.TextField()
    key_adult = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="key adult who took it",
    )
    silent_support = models.BooleanField("silent support", default=False)
    check_in = models.BooleanField("check-in with the child", default=False)
    dsl_informed = models.BooleanField("DSL informed", default=False)
    response_notes = models.TextField("what the school did", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["school", "-received_at", "-id"], name="encompass_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="encompass_has_summary"),
            models.CheckConstraint(
                condition=~Q(police_reference=""), name="encompass_has_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"Operation Encompass notification {self.pk}"


class EncompassChild(SchoolOwned):
    """A child the notification names, who is a pupil of the school."""

    notification = models.ForeignKey(
        EncompassNotification, on_delete=models.PROTECT, related_name="children"
    )
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(max_length=12, choices=Presence.choices)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["school", "pupil"], name="encompasschild_pupil"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "pupil"], name="encompasschild_once_per_notification"
            ),
        ]


class EncompassAcknowledgement(SchoolOwned):
    """A lead has read the notification and seen to the school's response."""

    notification = models.ForeignKey(
        EncompassNotification, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "acknowledged_by"], name="encompassack_once_per_lead"
            ),
        ]

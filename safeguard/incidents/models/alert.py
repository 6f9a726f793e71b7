"""Alerts: one person told about one incident or an action on it, and the email's progress."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguard.incidents.models.action import Action
from safeguard.incidents.models.incident import Incident
from safeguard.lib.scoping import SchoolOwned


class AlertReason(models.TextChoices):
    GROUP = "group", "Group"
    NAMED = "named", "Named by the author"
    CATEGORY = "category", "Category default"
    DSL = "dsl", "Safeguarding lead"
    ASSIGNED = "assigned", "Assigned an action"
    MISTAKE = "mistake", "Mistake reported"
    REPLY = "reply", "Reply from the DSL"


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
            # A person's alerts newest first, in one school or in all of theirs (the alert
            # list walks it and stops after a page).
            models.Index(fields=["recipient", "-created_at", "-id"], name="alert_recipient_newest"),
            # The header's count of incidents with an unread alert: read from the index alone.
            models.Index(
                fields=["recipient", "school", "incident", "is_lead_only"],
                condition=Q(read_at__isnull=True),
                name="alert_unread",
            ),
        ]

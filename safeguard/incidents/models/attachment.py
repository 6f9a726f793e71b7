"""Files attached to an incident or an action: the row naming the stored file (immutable)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.incidents.models.action import Action
from safeguard.incidents.models.incident import Incident
from safeguard.lib.scoping import SchoolOwned


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

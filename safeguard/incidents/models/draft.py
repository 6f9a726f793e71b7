"""Drafts: an incident being written, kept as the author types."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned


class Draft(SchoolOwned):
    """An incident being written: saved as the author types, seen by nobody else."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submit_key = models.UUIDField(default=uuid.uuid4, unique=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]

"""Actions: what was done about an incident, added below it (immutable, like the incident)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.incidents.models.incident import Incident
from safeguard.lib.scoping import SchoolOwned


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
        indexes = [
            # "Your tasks" in its order (selectors.TASKS_DUE_FIRST), read a page at a time.
            models.Index(
                fields=["school", "assigned_to", "due_on", "recorded_at", "id"],
                name="action_task_due_first",
            )
        ]
        constraints = [
            # A task always has a due date (the list is paged by it, so it may not be empty).
            models.CheckConstraint(
                condition=models.Q(assigned_to__isnull=True) | models.Q(due_on__isnull=False),
                name="action_task_has_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"

"""Send every alert email that is due and still unsent.

The worker normally sends each alert email moments after the incident is
saved, and queues its own retries. This command is the safety net: run it
every few minutes (cron or a systemd timer) and an alert whose task was lost
(the queue was down, the worker restarted) is still emailed. Safe to re-run
and to run beside the worker: each alert is claimed before it is sent.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand

from safeguard.accounts.models import School
from safeguard.incidents.models import Alert
from safeguard.incidents.tasks import deliver_alert_email, due_alerts


class Command(BaseCommand):
    help = (
        "Send alert emails that are waiting or being retried and are due now. Each alert "
        "email is tried at most 6 times (1, 5, 15, 60 and 240 minutes apart), then marked "
        "failed for the DSL to see."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        due = (
            Alert.objects.for_schools(School.objects.all())
            .filter(due_alerts())
            .order_by("created_at", "id")
            .values_list("pk", "school_id")
        )
        outcomes: Counter[str] = Counter()
        for alert_id, school_id in due:
            outcomes[deliver_alert_email(alert_id=alert_id, school_id=school_id)] += 1
        self.stdout.write(
            f"Alert emails: {outcomes['sent']} sent, {outcomes['retrying']} to retry later, "
            f"{outcomes['failed']} failed for good, {outcomes['skipped']} skipped."
        )

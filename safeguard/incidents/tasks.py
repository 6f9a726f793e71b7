"""Background work for incidents: alert emails, sent by `manage.py db_worker`.

An alert email names who created the alert and the category (a lead's reply to an
incident's author: only who sent it), and nothing else:
no pupil, no text (the school policy asks that alerts carry no details; docs/security.md D7). The link
carries only the alert's opaque key and leads through sign-in.

Delivery never holds up or endangers a submission: emails are queued after the
commit and sent by the worker. A failed send is kept and tried again after 1,
5, 15, 60 and 240 minutes; after the sixth failure the alert's email is marked
failed and audited, and the DSL sees it in the incident's alert log; a sent email is
audited too. Each try
first claims the alert (a short lease on `email_next_attempt_at`), so the
worker and `manage.py retry_alert_emails` never send the same email twice, and
an alert whose worker died mid-send is picked up again once the lease ends.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.tasks import task
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import Alert, AlertReason, EmailState
from safeguard.incidents.services.alerting import sender_name
from safeguard.lib.text import reveal_direction_controls

logger = logging.getLogger(__name__)

# How long to wait after the 1st, 2nd, ... failed attempt before the next one.
RETRY_DELAYS = tuple(datetime.timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 240))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed send not finished by then (the worker died) may be tried again.
SEND_LEASE = datetime.timedelta(minutes=10)
# A new alert's own task normally sends it within seconds; the retry command
# leaves it to that task for this long.
PENDING_GRACE = datetime.timedelta(minutes=2)
UNSENT = (EmailState.PENDING, EmailState.RETRYING)


def alert_email(alert: Alert) -> EmailMessage:
    author = sender_name(alert.created_by)
    link = f"{settings.SITE_URL}/alerts/{alert.key}/"
    if alert.reason == AlertReason.REPLY:
        # A lead's reply to the incident's author: who sent it and that there is one. Not
        # even the category: the reply is about the author's own incident.
        body = (
            f"{author} has replied about an incident you recorded at {alert.school.name} "
            "in Safeguard.\n\n"
            f"Sign in to read the reply: {link}\n\n"
            "This email deliberately holds no details. Please don't forward it.\n"
        )
        subject = f"Safeguard: a reply from {author}"
    else:
        body = (
            f"{author} has alerted you to an incident at {alert.school.name} in Safeguard.\n\n"
            f"Category: {alert.category_label}\n\n"
            f"Sign in to read it: {link}\n\n"
            "This email deliberately holds no details. Please don't forward it.\n"
        )
        subject = f"Safeguard alert from {author}: {alert.category_label}"
    # Header injection: names and labels are single-line by construction; strip anyway.
    subject = reveal_direction_controls(" ".join(subject.split()))[:150]
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


def due_alerts(now: datetime.datetime | None = None) -> Q:
    """Unsent alerts whose next try is due (new ones after their own task had its chance)."""
    now = now or timezone.now()
    return Q(email_state__in=UNSENT) & (
        Q(email_next_attempt_at__lte=now)
        | Q(email_next_attempt_at__isnull=True, created_at__lte=now - PENDING_GRACE)
    )


def _claim(alert_id: int, school_id: int, now: datetime.datetime) -> Alert | None:
    """Take the alert for one attempt, or None if it is sent, failed, not due or taken.

    Not audited, nor is a retry scheduled: they are the email's progress, kept on the alert
    and shown in the alert log. What the trail keeps is the outcome: sent (ALERT_EMAILED)
    or failed for good (ALERT_EMAIL_FAILED).
    """
    alerts: QuerySet[Alert] = Alert.objects.for_school(school_id)
    claimed = (
        alerts.filter(pk=alert_id, email_state__in=UNSENT)
        .filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        .update(email_next_attempt_at=now + SEND_LEASE, email_attempts=F("email_attempts") + 1)
    )
    if not claimed:
        return None
    return alerts.select_related("created_by", "recipient", "school").get(pk=alert_id)


def deliver_alert_email(*, alert_id: int, school_id: int) -> str:
    """Try to send one alert's email now; record the outcome on the alert."""
    now = timezone.now()
    alert = _claim(alert_id, school_id, now)
    if alert is None:
        return "skipped"
    try:
        alert_email(alert).send()
    except Exception as error:  # SMTP down, refused, timed out: keep the alert, record why
        return _record_failure(alert, error)
    with transaction.atomic():
        alert.email_state = EmailState.SENT
        alert.email_sent_at = timezone.now()
        alert.email_error = ""
        alert.email_next_attempt_at = None
        alert.save(
            update_fields=["email_state", "email_sent_at", "email_error", "email_next_attempt_at"]
        )
        record(
            actor=None,
            action=AuditAction.ALERT_EMAILED,
            school=alert.school,
            target=alert,
            detail={"incident": alert.incident_id, "attempts": alert.email_attempts},
        )
    return "sent"


def _record_failure(alert: Alert, error: Exception) -> str:
    alert.email_error = f"{type(error).__name__}: {error}"[:300]
    if alert.email_attempts >= MAX_ATTEMPTS:
        with transaction.atomic():
            alert.email_state = EmailState.FAILED
            alert.email_next_attempt_at = None
            alert.save(update_fields=["email_state", "email_error", "email_next_attempt_at"])
            record(
                actor=None,
                action=AuditAction.ALERT_EMAIL_FAILED,
                school=alert.school,
                target=alert,
                detail={
                    "incident": alert.incident_id,
                    "attempts": alert.email_attempts,
                    "error": type(error).__name__,
                },
            )
        logger.warning("Alert %s email failed for good: %s", alert.pk, type(error).__name__)
        return "failed"
    delay = RETRY_DELAYS[min(alert.email_attempts, len(RETRY_DELAYS)) - 1]
    alert.email_state = EmailState.RETRYING
    alert.email_next_attempt_at = timezone.now() + delay
    alert.save(update_fields=["email_state", "email_error", "email_next_attempt_at"])
    _schedule_retry(alert)
    return "retrying"


def _schedule_retry(alert: Alert) -> None:
    """Queue the next try where the task backend can defer; the retry command covers the rest."""
    if not send_alert_email.get_backend().supports_defer:
        return
    try:
        send_alert_email.using(run_after=alert.email_next_attempt_at).enqueue(
            alert_id=alert.pk, school_id=alert.school_id
        )
    except Exception:
        logger.exception("Could not queue a retry of alert %s; the retry command will", alert.pk)


@task
def send_alert_email(*, alert_id: int, school_id: int) -> str:
    return deliver_alert_email(alert_id=alert_id, school_id=school_id)

"""Background work for incidents: alert emails, sent by `manage.py db_worker`.

An alert email names who created the alert and the category, and nothing else:
no pupil, no text (school policy section 5 step 11; SECURITY.md D7). The link
carries only the alert's opaque key and leads through sign-in.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from safeguard.incidents.models import Alert
from safeguard.incidents.records import EmailState


def alert_email(alert: Alert) -> EmailMessage:
    author = alert.created_by.full_name or "A colleague"
    link = f"{settings.SITE_URL}/alerts/{alert.key}/"
    body = (
        f"{author} has alerted you to an incident in Safeguard.\n\n"
        f"Category: {alert.category_label}\n\n"
        f"Sign in to read it: {link}\n\n"
        "This email deliberately holds no details. Please don't forward it.\n"
    )
    subject = f"Safeguard alert from {author}: {alert.category_label}"
    # Header injection: names and labels are single-line by construction; strip anyway.
    subject = " ".join(subject.split())[:150]
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


@task
def send_alert_email(*, alert_id: int, school_id: int) -> str:
    alert = (
        Alert.objects.for_school(school_id)
        .select_related("created_by", "recipient")
        .get(pk=alert_id)
    )
    if alert.email_state == EmailState.SENT:
        return "already sent"
    alert.email_attempts += 1
    try:
        alert_email(alert).send()
    except Exception as error:  # SMTP down, refused, timed out: keep the alert, record why
        alert.email_state = EmailState.RETRYING
        alert.email_error = f"{type(error).__name__}: {error}"[:300]
        alert.save(update_fields=["email_state", "email_attempts", "email_error"])
        raise
    alert.email_state = EmailState.SENT
    alert.email_sent_at = timezone.now()
    alert.email_error = ""
    alert.save(update_fields=["email_state", "email_attempts", "email_sent_at", "email_error"])
    return "sent"

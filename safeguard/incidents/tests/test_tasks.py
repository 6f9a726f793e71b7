"""Alert emails: what they say, and that a failing mail server never loses an alert."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents import tasks
from safeguard.incidents.models import Alert, EmailState, Incident
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.tests.mailers import closed_port_mailer
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Zephyrine Quenneville said her uncle hit her with a belt."


@pytest.fixture
def mail_refused(settings):
    settings.MAILERS = closed_port_mailer()


@pytest.fixture
def sallys_incident(teacher, dsl, membership_of, django_capture_on_commit_callbacks):
    """A teacher records a safeguarding concern about Zephyrine Quenneville; the DSL is alerted."""

    def record() -> Incident:
        membership = membership_of(teacher)
        pupil = PupilFactory(
            school=membership.school, legal_first_name="Zephyrine", legal_last_name="Quenneville"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return record_test_incident(membership, pupil=pupil, text=SECRET_TEXT)

    return record


def the_alert(incident: Incident) -> Alert:
    return Alert.objects.for_school(incident.school_id).get(incident=incident)


def make_due(alert: Alert) -> None:
    Alert.objects.for_school(alert.school_id).filter(pk=alert.pk).update(
        email_next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def retry_command() -> str:
    out = io.StringIO()
    call_command("retry_alert_emails", stdout=out)
    return out.getvalue()


def test_the_email_names_only_the_author_the_school_and_the_category(
    smtp_server, settings, teacher, sallys_incident
):
    settings.SITE_URL = "https://safeguard.example"
    alert = the_alert(sallys_incident())
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "dsl@larkspur.example"
    assert message["Subject"] == f"Safeguard alert from {teacher.full_name}: Safeguarding concern"
    assert message.get_payload(decode=True).decode().replace("\r\n", "\n") == (
        f"{teacher.full_name} has alerted you to an incident at Larkspur Primary in Safeguard.\n\n"
        "Category: Safeguarding concern\n\n"
        f"Sign in to read it: https://safeguard.example/alerts/{alert.key}/\n\n"
        "This email deliberately holds no details. Please don't forward it.\n"
    )


def test_the_email_holds_no_pupil_name_or_incident_text(smtp_server, sallys_incident):
    sallys_incident()
    raw = smtp_server[0].as_string()
    # Names no generated member of staff can share, so only a leak can match it.
    for secret in ("Zephyrine", "Quenneville", "uncle", "belt"):
        assert secret not in raw


def test_a_sent_email_is_recorded_on_the_alert(smtp_server, sallys_incident):
    alert = the_alert(sallys_incident())
    assert alert.email_state == EmailState.SENT
    assert alert.email_attempts == 1
    assert alert.email_sent_at is not None


def test_no_email_leaves_before_the_incident_is_committed(
    smtp_server, teacher, dsl, membership_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_test_incident(membership_of(teacher))
    assert smtp_server == []
    assert len(callbacks) == 1


def test_a_refusing_mail_server_keeps_the_incident_and_marks_the_alert_for_retry(
    mail_refused, sallys_incident
):
    incident = sallys_incident()
    alert = the_alert(incident)
    assert Incident.objects.for_school(incident.school_id).filter(pk=incident.pk).exists()
    assert alert.email_state == EmailState.RETRYING
    assert alert.email_attempts == 1
    assert alert.email_error.startswith("ConnectionRefusedError")
    assert alert.email_next_attempt_at > timezone.now()


def test_the_retry_command_sends_once_the_server_is_back(smtp_server, settings, sallys_incident):
    working = settings.MAILERS
    settings.MAILERS = closed_port_mailer()
    alert = the_alert(sallys_incident())
    settings.MAILERS = working
    make_due(alert)

    assert "1 sent" in retry_command()
    alert.refresh_from_db()
    assert (alert.email_state, alert.email_attempts, alert.email_error) == (EmailState.SENT, 2, "")
    assert len(smtp_server) == 1


def test_the_retry_command_leaves_a_retry_that_is_not_yet_due(mail_refused, sallys_incident):
    alert = the_alert(sallys_incident())
    assert "0 sent, 0 to retry later" in retry_command()
    alert.refresh_from_db()
    assert alert.email_attempts == 1


def test_the_retry_command_sends_an_alert_whose_task_was_lost(
    smtp_server, teacher, dsl, membership_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the queued task never runs
        incident = record_test_incident(membership_of(teacher))
    alert = the_alert(incident)
    Alert.objects.for_school(alert.school_id).filter(pk=alert.pk).update(
        created_at=timezone.now() - tasks.PENDING_GRACE - datetime.timedelta(seconds=1)
    )
    retry_command()
    alert.refresh_from_db()
    assert alert.email_state == EmailState.SENT
    assert len(smtp_server) == 1


def test_running_the_retry_command_twice_sends_one_email(smtp_server, settings, sallys_incident):
    working = settings.MAILERS
    settings.MAILERS = closed_port_mailer()
    alert = the_alert(sallys_incident())
    settings.MAILERS = working
    make_due(alert)
    retry_command()
    retry_command()
    assert len(smtp_server) == 1


def test_after_the_last_attempt_the_email_is_failed_and_audited(mail_refused, sallys_incident):
    alert = the_alert(sallys_incident())
    for _ in range(tasks.MAX_ATTEMPTS - 1):
        make_due(alert)
        retry_command()
    alert.refresh_from_db()
    assert alert.email_state == EmailState.FAILED
    assert alert.email_attempts == tasks.MAX_ATTEMPTS
    assert alert.email_next_attempt_at is None
    event = AuditEvent.objects.get(action=AuditAction.ALERT_EMAIL_FAILED)
    assert event.target_id == str(alert.pk)
    assert event.detail == {
        "incident": alert.incident_id,
        "attempts": tasks.MAX_ATTEMPTS,
        "error": "ConnectionRefusedError",
    }


def test_a_failed_email_is_not_tried_again(mail_refused, sallys_incident):
    alert = the_alert(sallys_incident())
    Alert.objects.for_school(alert.school_id).filter(pk=alert.pk).update(
        email_state=EmailState.FAILED, email_next_attempt_at=None
    )
    assert "0 sent, 0 to retry later, 0 failed for good, 0 skipped" in retry_command()


def test_retries_wait_longer_each_time(mail_refused, sallys_incident):
    alert = the_alert(sallys_incident())
    waits = []
    for _ in range(3):
        alert.refresh_from_db()
        waits.append(alert.email_next_attempt_at - timezone.now())
        make_due(alert)
        retry_command()
    assert waits[0] < datetime.timedelta(minutes=1, seconds=5)
    assert datetime.timedelta(minutes=4) < waits[1] < datetime.timedelta(minutes=5, seconds=5)
    assert datetime.timedelta(minutes=14) < waits[2] < datetime.timedelta(minutes=15, seconds=5)


def test_a_backend_that_can_defer_gets_the_retry_queued_for_later(
    mail_refused, queued_tasks, sallys_incident
):
    incident = sallys_incident()
    alert = the_alert(incident)
    assert [r.kwargs for r in queued_tasks.results] == [
        {"alert_id": alert.pk, "school_id": alert.school_id}
    ]
    queued_tasks.clear()

    tasks.send_alert_email.call(alert_id=alert.pk, school_id=alert.school_id)

    alert.refresh_from_db()
    [retry] = queued_tasks.results
    assert retry.task.run_after == alert.email_next_attempt_at
    assert retry.kwargs == {"alert_id": alert.pk, "school_id": alert.school_id}


def test_an_alert_being_sent_elsewhere_is_not_sent_twice(
    smtp_server, sallys_incident, queued_tasks
):
    alert = the_alert(sallys_incident())
    # Another worker claimed it a moment ago and holds the lease.
    Alert.objects.for_school(alert.school_id).filter(pk=alert.pk).update(
        email_next_attempt_at=timezone.now() + tasks.SEND_LEASE
    )
    assert tasks.deliver_alert_email(alert_id=alert.pk, school_id=alert.school_id) == "skipped"
    assert smtp_server == []


def test_a_sent_email_is_audited_with_ids_only(smtp_server, sallys_incident):
    alert = the_alert(sallys_incident())
    event = AuditEvent.objects.get(action=AuditAction.ALERT_EMAILED)
    assert (event.target_type, event.target_id) == ("alert", str(alert.pk))
    assert event.actor is None
    assert event.detail == {"incident": alert.incident_id, "attempts": 1}

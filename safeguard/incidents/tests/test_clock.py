"""Services stamp what they write with `lib.clock`'s time, so the demo can record a term's history."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Alert, Category, IncidentCorrection, ReviewStatus
from safeguard.incidents.services import actions, alerting, corrections, recording
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_records_alerts_and_audit_events_made_under_a_frozen_clock_carry_its_time(
    teacher, dsl, membership_of, school
):
    recorded = timezone.now() - datetime.timedelta(days=60)
    with clock.frozen_at(recorded):
        incident = recording.submit_incident(
            membership=membership_of(teacher),
            submit_key=uuid.uuid4(),
            pupil=PupilFactory(school=school),
            kind="conversation",
            text="Sally said she was sad.",
            occurred_at=recorded - datetime.timedelta(hours=2),
            categories=[Category.objects.for_school(school).get(name="Safeguarding concern")],
        ).record
    assert incident.recorded_at == recorded
    assert incident.review.updated_at == recorded
    assert set(Alert.objects.for_school(school).values_list("created_at", flat=True)) == {recorded}
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RECORDED)
    assert event.created_at == recorded

    acted = recorded + datetime.timedelta(days=1)
    with clock.frozen_at(acted):
        action = actions.submit_action(
            membership=membership_of(dsl),
            incident=incident,
            submit_key=uuid.uuid4(),
            text="Spoke to mum at the gate.",
            occurred_at=acted,
            assigned_to=membership_of(teacher),
            due_on=acted.date() + datetime.timedelta(days=7),  # past by now: due then
            is_shared_with_alerted=True,
        ).record
        corrections.set_status(
            membership=membership_of(dsl),
            incident=incident,
            status=ReviewStatus.MONITORING,
            reason="Watching for a week.",
        )
        alert = Alert.objects.for_school(school).get(recipient=teacher, action=action)
        alerting.mark_alerts_read(membership=membership_of(teacher), alert=alert)
    assert action.recorded_at == acted
    assert IncidentCorrection.objects.for_school(school).get().made_at == acted
    alert.refresh_from_db()
    assert alert.created_at == alert.read_at == acted
    # The action, the alert it sent its assignee (ALERT_SENT), the status change, the read.
    assert AuditEvent.objects.filter(created_at=acted).count() == 4
    call_command("verify_audit")

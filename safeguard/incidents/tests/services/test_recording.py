"""Recording an incident: the rules `submit_incident` keeps, what it writes and whom it
alerts (`services/recording.py`)."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import (
    Alert,
    Category,
    Draft,
    Incident,
    IncidentCorrection,
    IncidentReview,
    ReviewStatus,
)
from safeguard.incidents.selectors import (
    incidents_visible_to,
)
from safeguard.incidents.services import actions, alerting, corrections, drafts, recording
from safeguard.incidents.tests.factories import category, record_test_incident
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_recording_keeps_author_times_and_review(midday, membership_of, school):
    before = timezone.now()
    incident = record_test_incident(membership_of(midday))
    assert incident.author == midday
    assert incident.recorded_at >= before
    review = IncidentReview.objects.for_school(school).get(incident=incident)
    assert review.pupil == incident.pupil
    assert [c.name for c in review.categories.all()] == ["Safeguarding concern"]


def test_recording_is_audited_without_the_text(midday, membership_of):
    incident = record_test_incident(membership_of(midday), text="Sally said a secret thing")
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RECORDED, target_id=str(incident.pk))
    assert "secret" not in str(event.detail)


def test_same_submit_key_twice_creates_one_incident(midday, membership_of, school):
    key = uuid.uuid4()
    pupil = PupilFactory(school=school)
    first = record_test_incident(membership_of(midday), pupil=pupil, submit_key=key)
    second = record_test_incident(membership_of(midday), pupil=pupil, submit_key=key)
    assert first == second
    assert Incident.objects.for_school(school).count() == 1


def test_submitting_removes_the_authors_draft(midday, membership_of, school):
    key = uuid.uuid4()
    drafts.save_draft(membership=membership_of(midday), submit_key=key, data={"text": "Sal"})
    record_test_incident(membership_of(midday), submit_key=key)
    assert not Draft.objects.for_school(school).exists()


def test_teacher_cannot_allocate_a_restricted_category(teacher, membership_of, school):
    with pytest.raises(ValidationError) as error:
        record_test_incident(
            membership_of(teacher), categories=[category(school, "Child protection")]
        )
    assert "Only a DSL" in str(error.value.message_dict["categories"])
    assert not Incident.objects.for_school(school).exists()


def test_dsl_can_allocate_a_restricted_category(dsl, membership_of, school):
    incident = record_test_incident(
        membership_of(dsl), categories=[category(school, "Child protection")]
    )
    assert incident.pk


def test_teacher_cannot_record_on_an_archived_pupil(teacher, membership_of, school):
    pupil = PupilFactory(school=school, is_archived=True)
    with pytest.raises(ValidationError, match="archived"):
        record_test_incident(membership_of(teacher), pupil=pupil)


def test_dsl_can_record_on_an_archived_pupil(dsl, membership_of, school):
    pupil = PupilFactory(school=school, is_archived=True)
    assert record_test_incident(membership_of(dsl), pupil=pupil).pupil == pupil


def test_another_schools_pupil_is_refused(teacher, membership_of, other_school):
    with pytest.raises(ValidationError, match="your school"):
        record_test_incident(membership_of(teacher), pupil=PupilFactory(school=other_school))


def test_another_schools_category_is_refused(teacher, membership_of, other_school):
    with pytest.raises(ValidationError):
        record_test_incident(
            membership_of(teacher), categories=[category(other_school, "Behaviour")]
        )


def test_no_category_is_refused(teacher, membership_of):
    with pytest.raises(ValidationError, match="at least one category"):
        record_test_incident(membership_of(teacher), categories=[])


def test_future_time_is_refused(teacher, membership_of, school):
    with pytest.raises(ValidationError, match="future"):
        recording.submit_incident(
            membership=membership_of(teacher),
            submit_key=uuid.uuid4(),
            pupil=PupilFactory(school=school),
            kind="observation",
            text="Seen at the gate.",
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
            categories=[category(school, "Behaviour")],
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "can't be empty"),
        ("a" * 100_001, "the limit is 100,000"),
        ("before\x00after", "null character"),
        ("bad \ud800 surrogate", "invalid characters"),
        ("bell\x07", "control characters"),
    ],
)
def test_bad_text_is_refused_with_a_reason(teacher, membership_of, text, message):
    with pytest.raises(ValidationError) as error:
        record_test_incident(membership_of(teacher), text=text)
    assert message in " ".join(error.value.message_dict["text"])


def test_text_at_the_limit_is_kept_whole(teacher, membership_of):
    text = "word " * 20_000
    assert record_test_incident(membership_of(teacher), text=text).text == text


def test_governor_cannot_record(governor, membership_of):
    with pytest.raises(ValidationError, match="doesn't record"):
        record_test_incident(membership_of(governor))


def test_safeguarding_category_always_alerts_the_dsls(teacher, dsl, deputy, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    alerted = set(
        Alert.objects.for_school(school)
        .filter(incident=incident)
        .values_list("recipient", flat=True)
    )
    assert alerted == {dsl.pk, deputy.pk}


def test_non_safeguarding_category_alerts_only_whom_the_author_chose(
    teacher, dsl, slt, membership_of, school
):
    from safeguard.accounts.services import slt_group_of

    slt_group = slt_group_of(school)
    slt_group.members.add(membership_of(slt))
    incident = record_test_incident(
        membership_of(teacher), categories=[category(school, "Behaviour")], groups=[slt_group]
    )
    alerted = set(
        Alert.objects.for_school(school)
        .filter(incident=incident)
        .values_list("recipient", flat=True)
    )
    assert alerted == {slt.pk}


def test_governors_and_the_author_are_never_alerted(teacher, governor, membership_of, school):
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(governor), membership_of(teacher)],
    )
    assert not Alert.objects.for_school(school).filter(incident=incident).exists()


def test_category_default_recipients_are_alerted(teacher, persona, membership_of, school):
    senco = persona(Role.TEACHER)
    send = category(school, "SEND")
    send.default_recipients.add(membership_of(senco))
    incident = record_test_incident(membership_of(teacher), categories=[send])
    assert Alert.objects.for_school(school).get(incident=incident).recipient == senco


def test_a_linked_pupil_cannot_be_the_main_pupil(teacher, membership_of, school):
    pupil = PupilFactory(school=school)
    with pytest.raises(ValidationError, match="linked once"):
        record_test_incident(membership_of(teacher), pupil=pupil, links=[recording.Link(pupil)])


def test_a_form_key_used_in_another_school_gets_a_message_not_an_error(
    teacher, membership_of, school, other_school
):
    from safeguard.accounts.tests.factories import MembershipFactory

    key = uuid.uuid4()
    MembershipFactory(user=teacher, school=other_school, role=Role.TEACHER)
    record_test_incident(membership_of(teacher, other_school), submit_key=key)
    with pytest.raises(ValidationError, match="another school"):
        record_test_incident(membership_of(teacher, school), submit_key=key)


def test_each_alert_is_audited_with_ids_only(teacher, dsl, deputy, membership_of):
    incident = record_test_incident(membership_of(teacher))
    alerts = Alert.objects.for_school(incident.school).filter(incident=incident)
    events = AuditEvent.objects.filter(action=AuditAction.ALERT_SENT).order_by("id")
    assert [(e.target_type, e.target_id) for e in events] == [
        ("alert", str(alert.pk)) for alert in alerts.order_by("id")
    ]
    for event, alert in zip(events, alerts.order_by("id"), strict=True):
        assert event.actor == teacher
        assert event.detail == {
            "incident": incident.pk,
            "action": None,
            "recipient": alert.recipient_id,
        }


def test_a_dsl_recording_a_restricted_incident_cannot_alert_a_non_lead(
    school, dsl, teacher, membership_of
):
    with pytest.raises(ValidationError) as refused:
        record_test_incident(
            membership_of(dsl),
            categories=[category(school, "Child protection")],
            people=[membership_of(teacher)],
        )
    assert "people" in refused.value.message_dict
    assert not incidents_visible_to(membership_of(teacher)).exists()


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

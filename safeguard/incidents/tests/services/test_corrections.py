"""DSL corrections and mistake reports: new, audited rows; the incident never changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.incidents.models import (
    Alert,
    AlertReason,
    CorrectionKind,
    Incident,
    IncidentCategory,
    IncidentCorrection,
    IncidentReview,
)
from safeguard.incidents.services import corrections
from safeguard.incidents.tasks import alert_email
from safeguard.incidents.tests.factories import category, record_test_incident
from safeguard.pupils.tests.factories import PupilFactory


@pytest.fixture
def incident(teacher, membership_of):
    return record_test_incident(membership_of(teacher))


@pytest.fixture
def lead(dsl, membership_of):
    return membership_of(dsl)


def review_of(incident) -> IncidentReview:
    return IncidentReview.objects.for_school(incident.school).get(incident=incident)


def as_recorded(incident) -> dict:
    row = Incident.objects.for_school(incident.school).get(pk=incident.pk)
    categories = IncidentCategory.objects.for_school(incident.school).filter(incident=incident)
    return {**model_to_dict(row), "categories": sorted(c.category_id for c in categories)}


# Re-categorising -------------------------------------------------------------------------


def test_a_dsl_recategorises_including_a_restricted_category(school, lead, incident):
    new = [category(school, "Child protection"), category(school, "Neglect")]
    correction = corrections.recategorise(
        membership=lead, incident=incident, categories=new, reason="Disclosure of neglect."
    )
    assert set(review_of(incident).categories.all()) == set(new)
    assert correction.kind == CorrectionKind.RECATEGORISE
    assert correction.before == {
        "categories": [
            {"id": category(school, "Safeguarding concern").pk, "name": "Safeguarding concern"}
        ]
    }
    assert [c["name"] for c in correction.after["categories"]] == ["Child protection", "Neglect"]


def test_recategorising_leaves_the_incident_as_recorded(school, lead, incident):
    before = as_recorded(incident)
    corrections.recategorise(
        membership=lead,
        incident=incident,
        categories=[category(school, "Bullying")],
        reason="It was bullying.",
    )
    assert as_recorded(incident) == before


def test_recategorising_is_audited_with_ids_and_names_only(school, lead, incident):
    corrections.recategorise(
        membership=lead,
        incident=incident,
        categories=[category(school, "Bullying")],
        reason="Secret reason text.",
    )
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_CORRECTED)
    assert event.target_id == str(incident.pk)
    assert event.detail["kind"] == "recategorise"
    assert "Secret reason text." not in str(event.detail)


def test_recategorising_needs_a_reason(school, lead, incident):
    with pytest.raises(ValidationError) as error:
        corrections.recategorise(
            membership=lead,
            incident=incident,
            categories=[category(school, "Bullying")],
            reason=" ",
        )
    assert "reason" in error.value.message_dict
    assert not IncidentCorrection.objects.for_school(school).exists()


def test_recategorising_to_another_schools_category_is_refused(other_school, lead, incident):
    with pytest.raises(ValidationError):
        corrections.recategorise(
            membership=lead,
            incident=incident,
            categories=[category(other_school, "Bullying")],
            reason="Wrong school.",
        )


def test_recategorising_to_the_same_set_is_refused(school, lead, incident):
    with pytest.raises(ValidationError, match="already"):
        corrections.recategorise(
            membership=lead,
            incident=incident,
            categories=[category(school, "Safeguarding concern")],
            reason="No change.",
        )


@pytest.mark.parametrize("role_fixture", ["teacher", "slt"])
def test_staff_who_are_not_leads_cannot_correct(
    request, role_fixture, school, incident, membership_of
):
    membership = membership_of(request.getfixturevalue(role_fixture))
    with pytest.raises(PermissionDenied):
        corrections.recategorise(
            membership=membership,
            incident=incident,
            categories=[category(school, "Bullying")],
            reason="Trying.",
        )


# Moving to the right pupil ---------------------------------------------------------------


def test_a_dsl_moves_an_incident_to_the_right_pupil(school, lead, incident):
    right = PupilFactory(school=school)
    correction = corrections.move_to_pupil(
        membership=lead, incident=incident, pupil=right, reason="Wrong Sally chosen."
    )
    assert review_of(incident).pupil == right
    assert (correction.before, correction.after) == (
        {"pupil": incident.pupil_id},
        {"pupil": right.pk},
    )
    assert Incident.objects.for_school(school).get(pk=incident.pk).pupil_id == incident.pupil_id


def test_moving_is_audited(school, lead, incident):
    right = PupilFactory(school=school)
    corrections.move_to_pupil(membership=lead, incident=incident, pupil=right, reason="Wrong.")
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_CORRECTED)
    assert event.detail["after"] == {"pupil": right.pk}


def test_moving_to_another_schools_pupil_is_refused(other_school, lead, incident):
    with pytest.raises(ValidationError) as error:
        corrections.move_to_pupil(
            membership=lead,
            incident=incident,
            pupil=PupilFactory(school=other_school),
            reason="Wrong.",
        )
    assert error.value.message_dict == {"pupil": ["Choose a pupil from your school."]}
    assert review_of(incident).pupil_id == incident.pupil_id


def test_moving_to_the_same_pupil_is_refused(lead, incident):
    with pytest.raises(ValidationError):
        corrections.move_to_pupil(
            membership=lead, incident=incident, pupil=incident.pupil, reason="Same."
        )


# Withdrawing -----------------------------------------------------------------------------


def test_a_deputy_withdraws_a_record_made_on_the_wrong_child(deputy, membership_of, incident):
    before = as_recorded(incident)
    corrections.withdraw(membership=membership_of(deputy), incident=incident, reason="Wrong child.")
    assert review_of(incident).is_withdrawn
    assert as_recorded(incident) == before
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_CORRECTED).count() == 1


def test_a_record_cannot_be_withdrawn_twice(lead, incident):
    corrections.withdraw(membership=lead, incident=incident, reason="Wrong child.")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        corrections.withdraw(membership=lead, incident=incident, reason="Again.")


# Status ----------------------------------------------------------------------------------


def test_a_dsl_sets_the_status_with_a_reason(lead, incident):
    correction = corrections.set_status(
        membership=lead, incident=incident, status="closed", reason="No further action: NFA."
    )
    assert review_of(incident).status == "closed"
    assert (correction.before, correction.after) == ({"status": "new"}, {"status": "closed"})
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_STATUS_CHANGED)
    assert event.detail["after"] == {"status": "closed"}


def test_an_unknown_status_is_refused(lead, incident):
    with pytest.raises(ValidationError):
        corrections.set_status(membership=lead, incident=incident, status="deleted", reason="x")


def test_a_reason_over_2000_characters_is_refused(lead, incident):
    with pytest.raises(ValidationError, match="the limit is 2,000"):
        corrections.set_status(membership=lead, incident=incident, status="open", reason="x" * 2001)


# Reporting a mistake ---------------------------------------------------------------------


def test_reporting_a_mistake_alerts_the_schools_dsls(teacher, dsl, deputy, membership_of, incident):
    corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="I chose the wrong Sally."
    )
    alerts = Alert.objects.for_school(incident.school).filter(reason=AlertReason.MISTAKE)
    assert {a.recipient for a in alerts} == {dsl, deputy}
    assert all(a.created_by == teacher for a in alerts)


def test_a_mistake_report_keeps_the_note_and_changes_nothing_else(teacher, membership_of, incident):
    before = as_recorded(incident)
    review_before = model_to_dict(review_of(incident))
    correction = corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="Wrong date: it was Monday."
    )
    assert (correction.kind, correction.reason) == (
        CorrectionKind.MISTAKE_REPORTED,
        "Wrong date: it was Monday.",
    )
    assert as_recorded(incident) == before
    assert model_to_dict(review_of(incident)) == review_before


def test_a_mistake_report_is_audited_without_the_note(teacher, membership_of, incident):
    corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="Secret note."
    )
    event = AuditEvent.objects.get(action=AuditAction.MISTAKE_REPORTED)
    assert event.actor == teacher
    assert "Secret note." not in str(event.detail)


def test_the_mistake_alert_email_says_only_who_and_the_category(
    teacher, dsl, membership_of, incident
):
    corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="The child said hit, not kick."
    )
    alert = Alert.objects.for_school(incident.school).filter(reason=AlertReason.MISTAKE).first()
    email = alert_email(alert)
    assert "Safeguarding concern" in email.body
    assert "kick" not in email.body + email.subject
    assert incident.pupil.legal_last_name not in email.body + email.subject


def test_a_mistake_report_needs_a_note(teacher, membership_of, incident):
    with pytest.raises(ValidationError) as error:
        corrections.report_mistake(membership=membership_of(teacher), incident=incident, note="")
    assert "note" in error.value.message_dict


def test_a_governor_cannot_report_a_mistake(governor, membership_of, incident):
    with pytest.raises(PermissionDenied):
        corrections.report_mistake(membership=membership_of(governor), incident=incident, note="x")


# Keeping with the leads ------------------------------------------------------------------

SECRET_REASON = "Police operation Kestrel: do not widen."
NON_LEADS = [Role.SLT, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.OFFICE, Role.MIDDAY, Role.OTHER]


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL])
def test_a_dsl_or_deputy_keeps_an_incident_with_the_leads(role, persona, membership_of, incident):
    lead = membership_of(persona(role))
    correction = corrections.keep_with_leads(
        membership=lead, incident=incident, reason=SECRET_REASON
    )
    assert review_of(incident).is_kept_with_leads
    assert correction.kind == CorrectionKind.KEEP_WITH_LEADS
    assert correction.reason == SECRET_REASON
    assert (correction.before, correction.after) == (
        {"is_kept_with_leads": False},
        {"is_kept_with_leads": True},
    )


def test_keeping_with_the_leads_is_audited_and_sealed_without_the_reason(lead, incident):
    before = as_recorded(incident)
    correction = corrections.keep_with_leads(
        membership=lead, incident=incident, reason=SECRET_REASON
    )
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_KEPT_WITH_LEADS)
    assert event.target_id == str(incident.pk)
    assert event.detail["correction"] == correction.pk
    assert "Kestrel" not in str(event.detail)
    seal = Seal.objects.get(record_type="incidents.incidentcorrection", record_id=correction.pk)
    assert seal.event_id == event.pk
    assert as_recorded(incident) == before


def test_releasing_lets_staff_be_told_again_and_is_audited_and_sealed(lead, incident):
    corrections.keep_with_leads(membership=lead, incident=incident, reason=SECRET_REASON)
    released = corrections.release_from_leads(
        membership=lead, incident=incident, reason="Operation over."
    )
    assert not review_of(incident).is_kept_with_leads
    assert released.kind == CorrectionKind.RELEASE_FROM_LEADS
    assert released.after == {"is_kept_with_leads": False}
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RELEASED_FROM_LEADS)
    assert Seal.objects.get(record_type="incidents.incidentcorrection", record_id=released.pk)
    assert event.detail["correction"] == released.pk


def test_keeping_twice_or_releasing_what_is_not_kept_is_refused(lead, incident):
    with pytest.raises(ValidationError, match="not kept with the leads"):
        corrections.release_from_leads(membership=lead, incident=incident, reason="x")
    corrections.keep_with_leads(membership=lead, incident=incident, reason="x")
    with pytest.raises(ValidationError, match="already kept with the leads"):
        corrections.keep_with_leads(membership=lead, incident=incident, reason="x")
    assert IncidentCorrection.objects.for_school(incident.school).count() == 1


def test_keeping_with_the_leads_needs_a_reason(lead, incident):
    with pytest.raises(ValidationError, match="Say why"):
        corrections.keep_with_leads(membership=lead, incident=incident, reason="  ")
    assert not review_of(incident).is_kept_with_leads


@pytest.mark.parametrize("role", NON_LEADS)
def test_staff_who_are_not_leads_can_neither_keep_nor_release(
    role, persona, lead, membership_of, incident
):
    staff = membership_of(persona(role))
    with pytest.raises(PermissionDenied):
        corrections.keep_with_leads(membership=staff, incident=incident, reason="x")
    corrections.keep_with_leads(membership=lead, incident=incident, reason="x")
    with pytest.raises(PermissionDenied):
        corrections.release_from_leads(membership=staff, incident=incident, reason="x")
    assert review_of(incident).is_kept_with_leads


def test_another_schools_dsl_cannot_keep_our_incident(dsl_other_school, membership_of, incident):
    with pytest.raises(PermissionDenied):
        corrections.keep_with_leads(
            membership=membership_of(dsl_other_school), incident=incident, reason="x"
        )

"""Referrals: logged by a lead, answered by outcomes, chased, flagged when overdue; each entry
kept for ever and sealed."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.clocks.due import casework_due_items
from safeguard.casework.referrals.models import DEFAULT_AGENCIES, Referral, ReferralAgency
from safeguard.casework.referrals.selectors import referral_state
from safeguard.casework.referrals.services import add_chase, add_outcome, log_referral
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

# Monday 16 November 2026, 10:00 in London.
MONDAY_10 = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school)


def agency(school, name="Children's social care / MASH"):
    return ReferralAgency.objects.for_school(school).get(name=name)


def log(lead, pupil, **fields):
    fields.setdefault("agency", agency(lead.school))
    fields.setdefault("sent_at", MONDAY_10)
    fields.setdefault("sent_by", lead.user)
    fields.setdefault("method", "phone")
    fields.setdefault("is_consent_sought", True)
    return log_referral(membership=lead, pupil=pupil, **fields)


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_a_lead_logs_a_referral_audited_and_sealed(lead, pupil):
    referral = log(lead, pupil, agency_reference="MASH-1234")
    assert referral.agency_name == "Children's social care / MASH"
    event = AuditEvent.objects.get(action=AuditAction.REFERRAL_LOGGED)
    assert event.pupil_id == pupil.pk
    assert "sealed" in event.detail
    assert "MASH-1234" not in str(event.detail)


def test_every_school_starts_with_the_default_agencies(db):
    school = SchoolFactory()
    names = list(ReferralAgency.objects.for_school(school).values_list("name", flat=True))
    assert names == DEFAULT_AGENCIES


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_consent_not_sought_needs_a_reason_next_to_its_field(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        log(lead, pupil, is_consent_sought=False)
    assert refused.value.message_dict["no_consent_reason"][0].startswith(
        "Say why consent was not sought"
    )
    assert not Referral.objects.for_school(pupil.school).exists()


def test_a_referral_sent_in_the_future_is_refused(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        log(lead, pupil, sent_at=timezone.now() + datetime.timedelta(hours=2))
    assert "in the future" in refused.value.message_dict["sent_on"][0]


def test_a_teacher_cannot_log_a_referral(teacher, membership_of, pupil, lead):
    with pytest.raises(PermissionDenied):
        log_referral(
            membership=membership_of(teacher),
            pupil=pupil,
            agency=agency(pupil.school),
            sent_at=MONDAY_10,
            sent_by=teacher,
            method="phone",
            is_consent_sought=True,
        )


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_an_outcome_dated_before_the_referral_is_refused(lead, pupil):
    referral = log(lead, pupil)
    with pytest.raises(ValidationError) as refused:
        add_outcome(
            membership=lead,
            referral=referral,
            kind="acknowledged",
            happened_on=datetime.date(2026, 11, 13),
        )
    assert refused.value.message_dict["happened_on"] == [
        "The outcome can't be dated before the referral was sent (16 Nov 2026): check the date."
    ]


def test_a_referral_is_overdue_after_one_working_day_without_a_response(lead, pupil):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(hours=23), tick=False):
        assert not referral_state(referral).is_overdue
    with time_machine.travel(MONDAY_10 + datetime.timedelta(hours=24, minutes=1), tick=False):
        state = referral_state(referral)
        assert state.is_overdue
        items = casework_due_items(lead, timezone.localdate())
        assert [item.what for item in items.overdue] == [
            "Referral to Children's social care / MASH: awaiting response — overdue"
        ]


def test_a_referral_sent_on_friday_is_due_on_monday(lead, pupil):
    friday = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(friday, tick=False):
        referral = log(lead, pupil, sent_at=friday)
    with time_machine.travel(friday + datetime.timedelta(days=2, hours=12), tick=False):
        assert not referral_state(referral).is_overdue  # Sunday
    assert referral_state(referral).due_at == friday + datetime.timedelta(days=3)


def test_an_acknowledgement_answers_a_referral_but_an_escalation_does_not(lead, pupil):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(days=2), tick=False):
        add_outcome(
            membership=lead, referral=referral, kind="escalated", happened_on=timezone.localdate()
        )
        assert referral_state(referral).is_overdue
        add_outcome(
            membership=lead,
            referral=referral,
            kind="acknowledged",
            happened_on=timezone.localdate(),
        )
        assert not referral_state(referral).is_overdue
        assert len(casework_due_items(lead, timezone.localdate())) == 0


def test_a_chase_is_recorded_and_needs_who_was_chased(lead, pupil):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(days=2), tick=False):
        with pytest.raises(ValidationError) as refused:
            add_chase(
                membership=lead,
                referral=referral,
                chased_on=timezone.localdate(),
                method="phone",
                contact=" ",
            )
        assert "who you chased" in refused.value.message_dict["contact"][0]
        add_chase(
            membership=lead,
            referral=referral,
            chased_on=timezone.localdate(),
            method="phone",
            contact="MASH duty social worker",
        )
    assert len(referral_state(referral).chases) == 1
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_CHASED).count() == 1


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_the_database_refuses_to_change_or_delete_a_referral(lead, pupil):
    referral = log(lead, pupil)
    for change in (
        lambda: Referral.objects.for_school(pupil.school).update(agency_reference="x"),
        lambda: Referral.objects.for_school(pupil.school).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert Referral.objects.for_school(pupil.school).get().pk == referral.pk


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_another_pupils_incident_is_refused(lead, pupil, teacher, membership_of):
    theirs = record_test_incident(membership_of(teacher))
    with pytest.raises(ValidationError) as refused:
        log(lead, pupil, incident=theirs)
    assert "this pupil's incidents" in refused.value.message_dict["incident"][0]


# Pages ----------------------------------------------------------------------------------


def form_data(school, **fields):
    data = {
        "agency": agency(school).pk,
        "sent_on": "2026-11-16",
        "sent_time": "10:00",
        "method": "phone",
        "agency_reference": "MASH-77",
        "is_consent_sought": "no",
        "no_consent_reason": "",
        "notes": "Spoke to the duty worker.",
    }
    return {**data, **fields}


@time_machine.travel(MONDAY_10 + datetime.timedelta(hours=1), tick=False)
def test_the_form_keeps_what_was_typed_and_names_the_missing_reason(client_as, dsl, pupil, lead):
    response = client_as(dsl).post(
        reverse("casework:referral-add", args=[pupil.pk]),
        form_data(pupil.school, sent_by=lead.pk),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["no_consent_reason"]
    assert b"Spoke to the duty worker." in response.content
    assert b'value="MASH-77"' in response.content


@time_machine.travel(MONDAY_10 + datetime.timedelta(hours=1), tick=False)
def test_another_schools_agency_is_not_a_valid_choice(client_as, dsl, pupil, lead, other_school):
    response = client_as(dsl).post(
        reverse("casework:referral-add", args=[pupil.pk]),
        form_data(
            pupil.school,
            agency=agency(other_school).pk,
            sent_by=lead.pk,
            is_consent_sought="yes",
        ),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["agency"][0]


@time_machine.travel(MONDAY_10 + datetime.timedelta(hours=1), tick=False)
def test_a_lead_logs_a_referral_from_the_form(client_as, dsl, pupil, lead):
    response = client_as(dsl).post(
        reverse("casework:referral-add", args=[pupil.pk]),
        form_data(pupil.school, sent_by=lead.pk, is_consent_sought="yes"),
    )
    referral = Referral.objects.for_school(pupil.school).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:referral-detail", args=[referral.pk])
    assert referral.sent_at == MONDAY_10


def test_the_referral_page_prompts_a_chase_once_overdue(client_as, dsl, pupil, lead):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(days=1, hours=1), tick=False):
        response = client_as(dsl).get(reverse("casework:referral-detail", args=[referral.pk]))
    assert b"Awaiting response \xe2\x80\x94 overdue" in response.content
    assert b"Chase the agency" in response.content
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_VIEWED).count() == 1


def test_an_outcome_before_the_referral_is_shown_next_to_its_field(client_as, dsl, pupil, lead):
    with time_machine.travel(MONDAY_10, tick=False):
        referral = log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(days=1), tick=False):
        response = client_as(dsl).post(
            reverse("casework:outcome-add", args=[referral.pk]),
            {
                "outcome-kind": "assessment",
                "outcome-happened_on": "2026-11-01",
                "outcome-note": "Single assessment.",
            },
        )
    assert response.status_code == 400
    assert (
        "before the referral was sent" in response.context["outcome_form"].errors["happened_on"][0]
    )
    assert b"Single assessment." in response.content


def test_another_schools_referral_is_not_found(client_as, dsl, dsl_other_school, membership_of):
    theirs_lead = membership_of(dsl_other_school)
    with time_machine.travel(MONDAY_10, tick=False):
        theirs = log(theirs_lead, PupilFactory(school=theirs_lead.school))
    response = client_as(dsl).get(reverse("casework:referral-detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_a_decision_to_refer_offers_to_log_the_referral_with_its_incident(
    client_as, dsl, lead, teacher, membership_of
):
    from safeguard.casework.tests.factories import decision, review
    from safeguard.incidents.links import incident_key

    incident = record_test_incident(membership_of(teacher))
    review(
        lead,
        incident,
        decision=decision(lead.school, "Referral to children's social care"),
        rationale="Disclosure of harm at home.",
    )
    page = client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk]))
    url = reverse("casework:referral-add", args=[incident.review.pupil_id])
    link = f"{url}?incident={incident_key(incident.pk)}"
    assert f'href="{link}">Log the referral</a>'.encode() in page.content
    form = client_as(dsl).get(link).context["form"]
    assert form["incident"].value() == incident.pk


@time_machine.travel(MONDAY_10 + datetime.timedelta(hours=1), tick=False)
def test_another_schools_staff_or_incident_is_not_a_valid_choice(
    client_as, dsl, pupil, dsl_other_school, membership_of
):
    theirs = membership_of(dsl_other_school)
    their_incident = record_test_incident(theirs)
    response = client_as(dsl).post(
        reverse("casework:referral-add", args=[pupil.pk]),
        form_data(
            pupil.school, sent_by=theirs.pk, incident=their_incident.pk, is_consent_sought="yes"
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["sent_by"][0]
    assert "Select a valid choice" in errors["incident"][0]
    assert not Referral.objects.for_school(pupil.school).exists()


def test_a_pupils_referrals_and_meetings_page_flags_the_overdue_one(client_as, dsl, pupil, lead):
    with time_machine.travel(MONDAY_10, tick=False):
        log(lead, pupil)
    with time_machine.travel(MONDAY_10 + datetime.timedelta(days=2), tick=False):
        page = client_as(dsl).get(reverse("casework:pupil-referrals", args=[pupil.pk]))
    assert b"Awaiting response \xe2\x80\x94 overdue" in page.content
    assert AuditEvent.objects.filter(action=AuditAction.REFERRALS_LISTED).count() == 1


def test_referrals_and_meetings_are_significant_events_in_the_chronology(
    client_as, dsl, pupil, lead
):
    from safeguard.casework.referrals.meetings import record_meeting

    with time_machine.travel(MONDAY_10, tick=False):
        log(lead, pupil)
        record_meeting(
            membership=lead,
            pupil=pupil,
            kind="strategy",
            held_on=datetime.date(2026, 11, 16),
            attendees="Police; social worker",
            decisions="Section 47 enquiry.",
        )
        page = client_as(dsl).post(
            reverse("casework:chronology", args=[pupil.pk]), {"view": "significant"}
        )
    summaries = [entry.summary for entry in page.context["page"].rows]
    assert summaries == [
        "Referral to Children's social care / MASH: no response recorded",
        "Strategy discussion: Section 47 enquiry.",
    ]


@time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=5), tick=False)
def test_a_referral_sent_by_someone_of_another_school_is_refused(lead, pupil, dsl_other_school):
    with pytest.raises(ValidationError) as refused:
        log(lead, pupil, sent_by=dsl_other_school)
    assert refused.value.message_dict["sent_by"] == ["Choose a member of this school's staff."]

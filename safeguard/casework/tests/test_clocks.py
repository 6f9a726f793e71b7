"""The school's clocks and closure days: leads set them, every change is audited, and the
working-day calendar skips the school's closures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.clocks.models import SchoolClosure
from safeguard.casework.clocks.services import (
    add_closure,
    calendar_for,
    clocks_of,
    remove_closure,
    save_clocks,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_school_that_set_nothing_has_working_togethers_clocks(school):
    clocks = clocks_of(school)
    assert clocks.pk is None
    assert (clocks.referral_response_days, clocks.initial_conference_days) == (1, 15)
    assert (clocks.first_review_months, clocks.later_review_months) == (3, 6)
    assert clocks.report_due_days == 2


def test_a_lead_changes_a_clock_audited_with_before_and_after(lead, school):
    assert save_clocks(membership=lead, values={"report_due_days": 5}) == ["report_due_days"]
    assert clocks_of(school).report_due_days == 5
    event = AuditEvent.objects.get(action=AuditAction.CASEWORK_CLOCKS_CHANGED)
    assert event.detail["values"] == {"report_due_days": {"from": 2, "to": 5}}
    assert save_clocks(membership=lead, values={"report_due_days": 5}) == []


def test_a_teacher_cannot_change_the_clocks(teacher, membership_of):
    with pytest.raises(PermissionDenied):
        save_clocks(membership=membership_of(teacher), values={"report_due_days": 5})


def test_a_closure_week_is_skipped_by_the_schools_calendar(lead, school, other_school):
    add_closure(
        membership=lead, starts_on=D(2026, 10, 26), ends_on=D(2026, 10, 30), reason="Half term"
    )
    assert calendar_for(school).add(D(2026, 10, 23), 1) == D(2026, 11, 2)
    assert calendar_for(other_school).add(D(2026, 10, 23), 1) == D(2026, 10, 26)
    assert AuditEvent.objects.filter(action=AuditAction.SCHOOL_CLOSURE_ADDED).count() == 1


def test_a_closure_ending_before_it_starts_is_refused_under_its_last_day(lead):
    with pytest.raises(ValidationError) as refused:
        add_closure(
            membership=lead, starts_on=D(2026, 10, 30), ends_on=D(2026, 10, 26), reason="Half term"
        )
    assert "before the first day" in refused.value.message_dict["ends_on"][0]


def test_a_closure_needs_a_reason(lead):
    with pytest.raises(ValidationError) as refused:
        add_closure(membership=lead, starts_on=D(2026, 10, 30), ends_on=D(2026, 10, 30), reason=" ")
    assert "Say why" in refused.value.message_dict["reason"][0]


def test_removing_a_closure_is_audited_with_its_dates(lead, school):
    closure = add_closure(
        membership=lead, starts_on=D(2026, 9, 1), ends_on=D(2026, 9, 1), reason="INSET"
    )
    remove_closure(membership=lead, closure=closure)
    assert not SchoolClosure.objects.for_school(school).exists()
    event = AuditEvent.objects.get(action=AuditAction.SCHOOL_CLOSURE_REMOVED)
    assert event.detail["from"] == "2026-09-01"


def test_the_clocks_page_keeps_what_was_typed_with_the_problem_by_its_field(client_as, dsl):
    response = client_as(dsl).post(
        reverse("casework:clocks"),
        {
            "referral_response_days": "1",
            "initial_conference_days": "0",
            "first_review_months": "3",
            "later_review_months": "six",
            "report_due_days": "2",
            "escalation_policy": "Phone the MASH team manager.",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["initial_conference_days"] == ["Enter 1 or more."]
    assert form.errors["later_review_months"] == ["Enter a whole number, for example 2."]
    assert b"Phone the MASH team manager." in response.content


def test_a_closure_form_with_a_bad_range_keeps_the_reason(client_as, dsl):
    response = client_as(dsl).post(
        reverse("casework:closure-add"),
        {
            "closure-starts_on": "2026-10-30",
            "closure-ends_on": "2026-10-26",
            "closure-reason": "Half term",
        },
    )
    assert response.status_code == 400
    assert "before the first day" in response.context["closure_form"].errors["ends_on"][0]
    assert b'value="Half term"' in response.content


def test_another_schools_closure_is_not_found(client_as, dsl, dsl_other_school, membership_of):
    theirs = add_closure(
        membership=membership_of(dsl_other_school),
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 9, 1),
        reason="INSET",
    )
    response = client_as(dsl).post(reverse("casework:closure-remove", args=[theirs.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("starts", "ends"), [(D(9999, 12, 31), D(9999, 12, 31)), (D(1999, 1, 4), D(1999, 1, 8))]
)
def test_a_closure_years_away_is_refused_and_no_page_breaks(client_as, dsl, lead, starts, ends):
    with pytest.raises(ValidationError) as refused:
        add_closure(membership=lead, starts_on=starts, ends_on=ends, reason="INSET")
    assert "check the year" in refused.value.message_dict["starts_on"][0]
    assert client_as(dsl).get(reverse("dashboard")).status_code == 200


def test_a_referral_is_due_a_working_day_on_whatever_the_school_is_closed(lead, school):
    from safeguard.casework.clocks.due import referral_due_at

    add_closure(
        membership=lead, starts_on=D(2026, 12, 21), ends_on=D(2027, 1, 1), reason="Christmas"
    )
    sent = datetime.datetime(2026, 12, 18, 15, 0, tzinfo=datetime.UTC)  # the last day of term
    due = referral_due_at(sent, calendar=calendar_for(school), clocks=clocks_of(school))
    # Social care works through the school's holiday: due on the Monday, not in January.
    assert due.date() == D(2026, 12, 21)


def test_the_dashboard_shows_the_newest_referrals_first_and_says_when_it_cuts_short(
    lead, school, monkeypatch
):
    from django.utils import timezone

    from safeguard.casework.clocks import due
    from safeguard.casework.models import ReferralAgency
    from safeguard.casework.referrals.services import log_referral
    from safeguard.pupils.tests.factories import PupilFactory

    monkeypatch.setattr(due, "LIMIT", 2)
    agency = ReferralAgency.objects.for_school(school).order_by("pk")[0]
    sent = []
    for days in (30, 20, 10):
        pupil = PupilFactory(school=school)
        log_referral(
            membership=lead,
            pupil=pupil,
            agency=agency,
            sent_at=timezone.now() - datetime.timedelta(days=days),
            sent_by=lead.user,
            method="phone",
            is_consent_sought=True,
        )
        sent.append(pupil)
    left = PupilFactory(school=school, is_archived=True)
    log_referral(
        membership=lead,
        pupil=left,
        agency=agency,
        sent_at=timezone.now() - datetime.timedelta(days=5),
        sent_by=lead.user,
        method="phone",
        is_consent_sought=True,
    )
    items = due.casework_due_items(lead, timezone.localdate())
    shown = {item.pupil.pk for item in items.overdue}
    assert shown == {sent[1].pk, sent[2].pk}  # the newest two, never the left pupil's
    assert items.is_cut_short

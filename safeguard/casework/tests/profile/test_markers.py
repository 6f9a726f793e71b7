"""The "CP records" mark: for the leads, beside pupils with child-protection records, in the
pupil list, the pupil type-ahead, the incident list and the review queue, at no query per
row."""

import datetime

import pytest
from django.urls import reverse

from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db

MARK = "CP records"


@pytest.fixture
def pupils(school, teacher, membership_of):
    """Ann with an incident, Ben linked to one, Cal on a CP plan long ago, Dee with nothing."""
    author = membership_of(teacher)
    made = {
        name: PupilFactory(school=school, legal_first_name=name, legal_last_name="Test")
        for name in ("Ann", "Ben", "Cal", "Dee")
    }
    record_test_incident(author, pupil=made["Ann"], links=[Link(made["Ben"], "witness")])
    PupilStatusFactory(
        pupil=made["Cal"],
        kind="cp_plan",
        started_on=datetime.date(2019, 1, 1),
        ended_on=datetime.date(2020, 1, 1),
    )
    return made


def marked_in_pupil_list(client) -> set[str]:
    page = client.get(reverse("pupils:pupil-list"))
    rows = page.content.decode().split("<tr>")[2:]
    return {row.split(">Test, ")[1].split("<")[0] for row in rows if MARK in row}


def test_the_pupil_list_marks_pupils_with_cp_records_for_a_lead(client_as, dsl, pupils):
    assert marked_in_pupil_list(client_as(dsl)) == {"Ann", "Ben", "Cal"}


def test_the_mark_is_text_with_its_meaning_for_screen_readers(client_as, dsl, pupils):
    html = client_as(dsl).get(reverse("pupils:pupil-list")).content.decode()
    assert (
        'CP records<span class="visually-hidden">: this pupil has child-protection records' in html
    )


def test_the_type_ahead_marks_them_for_a_lead_only(client_as, dsl, teacher, pupils):
    url = reverse("incidents:pupil-search")
    lead_sees = client_as(dsl).post(url, {"term": "Test"}).content.decode()
    assert lead_sees.count(MARK) == 3
    teacher_sees = client_as(teacher).post(url, {"term": "Test"}).content.decode()
    assert MARK not in teacher_sees


def test_the_incident_list_and_review_queue_mark_the_pupil(client_as, dsl, teacher, pupils):
    client = client_as(dsl)
    assert MARK in client.get(reverse("incidents:incident-list")).content.decode()
    assert MARK in client.get(reverse("casework:review-queue")).content.decode()
    assert MARK not in client_as(teacher).get(reverse("incidents:incident-list")).content.decode()


def test_another_schools_records_mark_nobody(
    client_as, dsl, other_school, dsl_other_school, membership_of
):
    elsewhere = PupilFactory(school=other_school, legal_last_name="Test")
    record_test_incident(membership_of(dsl_other_school), pupil=elsewhere)
    html = client_as(dsl_other_school).get(reverse("pupils:pupil-list")).content.decode()
    assert MARK in html
    assert Pupil.objects.for_school(other_school).count() == 1


def test_a_key_event_referral_meeting_or_encompass_notification_marks_the_pupil_too(
    client_as, dsl, membership_of, school
):
    from django.utils import timezone

    from safeguard.casework.encompass.services import NamedChild, record_notification
    from safeguard.casework.models import ReferralAgency
    from safeguard.casework.referrals.meetings import record_meeting
    from safeguard.casework.referrals.services import log_referral
    from safeguard.casework.services.key_events import add_key_event

    lead = membership_of(dsl)
    made = {
        name: PupilFactory(school=school, legal_first_name=name, legal_last_name="Test")
        for name in ("Eve", "Fay", "Gus", "Hal", "Ivy")
    }
    today = timezone.localdate()
    add_key_event(
        membership=lead, pupil=made["Eve"], kind="other", happened_on=today, summary="Moved home."
    )
    log_referral(
        membership=lead,
        pupil=made["Fay"],
        agency=ReferralAgency.objects.for_school(school).order_by("pk")[0],
        sent_at=timezone.now(),
        sent_by=dsl,
        method="phone",
        is_consent_sought=True,
    )
    record_meeting(
        membership=lead, pupil=made["Gus"], kind="cin", held_on=today, attendees="Social worker"
    )
    record_notification(
        membership=lead,
        received_at=timezone.now(),
        incident_at=timezone.now() - datetime.timedelta(hours=9),
        force="Kent",
        police_reference="OE/1",
        summary="Police attended a domestic incident.",
        key_adult=lead,
        children=[NamedChild(made["Hal"], "present")],
        acknowledge=True,
    )
    assert marked_in_pupil_list(client_as(dsl)) == {"Eve", "Fay", "Gus", "Hal"}

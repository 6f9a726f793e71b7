"""Professionals involved: added and changed by a lead as versions; an involvement can't end
before it starts; the profile shows those still involved first."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.models import Professional
from safeguard.casework.profile.professionals import (
    ProfessionalDetails,
    add_professional,
    change_professional,
    remove_professional,
)
from safeguard.casework.profile.selectors import professionals_of
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = clock.localdate() - datetime.timedelta(days=365)
WORKER = ProfessionalDetails(
    role="social_worker",
    name="Sam Patel",
    organisation="Leeds children's social care",
    phone="0113 496 0000",
    started_on=LAST_YEAR,
)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, date_of_birth=datetime.date(2015, 5, 1))


def test_a_lead_adds_and_ends_an_involvement_keeping_each_version(lead, pupil):
    first = add_professional(membership=lead, pupil=pupil, details=WORKER)
    ended = ProfessionalDetails(**{**vars(WORKER), "ended_on": clock.localdate()})
    second = change_professional(
        membership=lead, professional=first, details=ended, reason="Case closed"
    )
    assert list(professionals_of(pupil)) == [second]
    assert Professional.objects.for_school(pupil.school).count() == 2
    event = AuditEvent.objects.get(action=AuditAction.PROFESSIONAL_CHANGED)
    assert event.detail["fields"] == ["ended_on"] and "sealed" in event.detail
    assert event.pupil_id == pupil.pk


def test_an_involvement_that_ends_before_it_starts_is_refused_by_the_end_date(lead, pupil):
    details = ProfessionalDetails(
        **{**vars(WORKER), "ended_on": LAST_YEAR - datetime.timedelta(days=1)}
    )
    with pytest.raises(ValidationError) as refused:
        add_professional(membership=lead, pupil=pupil, details=details)
    assert list(refused.value.message_dict) == ["ended_on"]
    assert "can't be before its start" in refused.value.message_dict["ended_on"][0]


def test_a_start_before_birth_and_a_role_not_on_the_list_are_refused(lead, pupil):
    details = ProfessionalDetails(
        **{**vars(WORKER), "role": "wizard", "started_on": datetime.date(2010, 1, 1)}
    )
    with pytest.raises(ValidationError) as refused:
        add_professional(membership=lead, pupil=pupil, details=details)
    assert set(refused.value.message_dict) == {"role", "started_on"}


def test_those_still_involved_come_first(lead, pupil):
    old = add_professional(
        membership=lead,
        pupil=pupil,
        details=ProfessionalDetails(
            role="camhs", name="Ann Lee", started_on=LAST_YEAR, ended_on=LAST_YEAR
        ),
    )
    now = add_professional(membership=lead, pupil=pupil, details=WORKER)
    removed = add_professional(membership=lead, pupil=pupil, details=WORKER)
    remove_professional(membership=lead, version=removed, reason="Recorded twice")
    assert list(professionals_of(pupil)) == [now, old]


def test_the_form_refuses_an_end_before_the_start_keeping_what_was_typed(client_as, dsl, pupil):
    posted = {
        "role": "police",
        "name": "PC Jo Hart",
        "organisation": "West Yorkshire Police",
        "started_on": "2024-03-10",
        "ended_on": "2024-03-01",
    }
    response = client_as(dsl).post(reverse("casework:professional-add", args=[pupil.pk]), posted)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["ended_on"]
    html = response.content.decode()
    assert 'value="PC Jo Hart"' in html and 'value="2024-03-01"' in html
    response = client_as(dsl).post(
        reverse("casework:professional-add", args=[pupil.pk]), {**posted, "ended_on": ""}
    )
    assert response.status_code == 302
    page = client_as(dsl).get(reverse("pupils:pupil-detail", args=[pupil.pk]))
    assert b"PC Jo Hart" in page.content and b"still involved" in page.content

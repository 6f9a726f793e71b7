"""The profile on the pupil page: for the leads only, with the current risk level from the
reviews, the open referrals and meetings, and the chronology's latest entries beneath."""

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.selectors import current_risk, open_referrals_and_meetings
from safeguard.casework.tests.factories import review
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Sally")


def test_the_current_risk_is_the_newest_set_on_any_of_the_pupils_incidents(
    lead, teacher, membership_of, pupil
):
    assert current_risk(pupil) is None
    author = membership_of(teacher)
    first = record_test_incident(author, pupil=pupil)
    second = record_test_incident(author, pupil=pupil)
    review(lead, first, risk_level="high")
    review(lead, second, risk_level="medium")
    risk = current_risk(pupil)
    assert risk is not None and (risk.level, risk.label) == ("medium", "Medium")
    other = record_test_incident(author, pupil=PupilFactory(school=pupil.school))
    review(lead, other, risk_level="low")
    assert current_risk(pupil).level == "medium"


def test_the_open_referrals_and_meetings_hook_is_empty_for_now(pupil):
    assert open_referrals_and_meetings(pupil) == []


def test_a_lead_sees_the_profile_and_chronology_audited(
    client_as, dsl, teacher, membership_of, pupil
):
    record_test_incident(membership_of(teacher), pupil=pupil, text="Sally was upset at lunch.")
    page = client_as(dsl).get(reverse("pupils:pupil-detail", args=[pupil.pk]))
    html = page.content.decode()
    for text in ("Profile", "Current risk level", "Open referrals and meetings", "Latest entries"):
        assert text in html
    assert html.index('id="profile-title"') < html.index('id="chronology-title"')
    shown = AuditEvent.objects.filter(pupil_id=pupil.pk).values_list("action", flat=True)
    assert {AuditAction.PROFILE_VIEWED, AuditAction.CHRONOLOGY_VIEWED} <= set(shown)


def test_nobody_else_sees_any_of_it(client_as, teacher, pupil):
    # Teachers can't open a pupil's page at all; the section refuses them too.
    from safeguard.accounts.models import Membership
    from safeguard.casework.profile.sections import chronology_section, pupil_page_section

    member = Membership.objects.for_school(pupil.school).get(user=teacher)
    assert pupil_page_section(None, membership=member, pupil=pupil) is None
    assert chronology_section(None, membership=member, pupil=pupil) is None

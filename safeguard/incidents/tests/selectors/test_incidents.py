"""Which incidents a member may open (`selectors/incidents.py`)."""

import pytest
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.incidents.models import Alert, Category
from safeguard.incidents.selectors import (
    categories_offered_to,
    incidents_visible_to,
    is_kept_with_leads,
)
from safeguard.incidents.services import corrections
from safeguard.incidents.tests.factories import (
    category,
    make_kept_with_leads,
    make_restricted,
    record_test_incident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def behaviour_incident(teacher, membership_of, school):
    """A non-safeguarding incident by the teacher, so nobody is alerted automatically."""
    return record_test_incident(
        membership_of(teacher),
        categories=[Category.objects.for_school(school).get(name="Behaviour")],
    )


def test_dsl_and_deputy_see_every_incident_in_their_school(
    dsl, deputy, behaviour_incident, membership_of
):
    assert list(incidents_visible_to(membership_of(dsl))) == [behaviour_incident]
    assert list(incidents_visible_to(membership_of(deputy))) == [behaviour_incident]


def test_author_sees_their_own_incident(teacher, behaviour_incident, membership_of):
    assert list(incidents_visible_to(membership_of(teacher))) == [behaviour_incident]


@pytest.mark.parametrize("role", [Role.SLT, Role.TEACHER, Role.MIDDAY, Role.OFFICE, Role.OTHER])
def test_other_staff_cannot_see_someone_elses_incident(
    role, persona, behaviour_incident, membership_of
):
    assert not incidents_visible_to(membership_of(persona(role))).exists()


def test_alerted_staff_see_the_incident(slt, teacher, behaviour_incident, membership_of, school):
    Alert.objects.create(
        school=school,
        incident=behaviour_incident,
        recipient=slt,
        created_by=teacher,
        reason="named",
        category_label="Behaviour",
        created_at=timezone.now(),
    )
    assert list(incidents_visible_to(membership_of(slt))) == [behaviour_incident]


def test_governor_sees_no_incidents_even_if_alerted(
    governor, teacher, behaviour_incident, membership_of, school
):
    Alert.objects.create(
        school=school,
        incident=behaviour_incident,
        recipient=governor,
        created_by=teacher,
        reason="named",
        category_label="Behaviour",
    )
    assert not incidents_visible_to(membership_of(governor)).exists()


def test_dsl_of_another_school_sees_nothing(dsl_other_school, behaviour_incident, membership_of):
    assert not incidents_visible_to(membership_of(dsl_other_school)).exists()


def test_restricted_categories_are_offered_to_dsls_only(dsl, teacher, membership_of):
    assert categories_offered_to(membership_of(dsl)).filter(is_restricted=True).count() == 2
    assert not categories_offered_to(membership_of(teacher)).filter(is_restricted=True).exists()


def test_a_lead_named_on_an_ordinary_incident_keeps_what_a_non_lead_may_see(
    school, teacher, dsl, deputy, membership_of
):
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(deputy)],
    )
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    assert list(incidents_visible_to(membership_of(deputy))) == [incident]


def test_an_incident_is_kept_with_the_leads_by_a_lead_or_by_a_restricted_category(
    dsl, behaviour_incident, teacher, membership_of
):
    lead = membership_of(dsl)
    assert not is_kept_with_leads(behaviour_incident)
    make_kept_with_leads(behaviour_incident, by=lead)
    behaviour_incident.review.refresh_from_db()
    assert is_kept_with_leads(behaviour_incident)
    corrections.release_from_leads(membership=lead, incident=behaviour_incident, reason="Over.")
    behaviour_incident.review.refresh_from_db()
    assert not is_kept_with_leads(behaviour_incident)
    other = make_restricted(record_test_incident(membership_of(teacher)), by=lead)
    assert is_kept_with_leads(other)

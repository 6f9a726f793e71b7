"""Working in another of one's schools (`accounts/switching.py`): from the school menu, or
from a link into the other school; always audited, never into a school that isn't theirs."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust_lead(school, other_school):
    """A DSL at one school who also teaches at another."""
    lead = member(school, Role.DSL, email="lead@larkspur.example", first_name="Tess")
    Membership.objects.create(school=other_school, user=lead, role=Role.TEACHER)
    return lead


def switch_to(client, school):
    return client.post(reverse("accounts:switch-school"), {"school": school.pk}, follow=True)


def test_switching_school_from_the_menu_is_audited(client_as, trust_lead, school, other_school):
    client = client_as(trust_lead)
    switch_to(client, school)
    switch_to(client, other_school)
    event = AuditEvent.objects.filter(action=AuditAction.SCHOOL_SWITCHED).last()
    assert (event.actor, event.school_id) == (trust_lead, other_school.pk)


def test_switching_says_which_school_the_person_now_works_in(client_as, trust_lead, other_school):
    response = switch_to(client_as(trust_lead), other_school)
    assert f"You are now working in {other_school.name}." in response.content.decode()


def test_a_school_the_person_has_no_role_in_is_refused_and_nothing_is_audited(
    client_as, teacher, other_school
):
    response = switch_to(client_as(teacher), other_school)
    assert "You don&#x27;t have a role in that school." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SCHOOL_SWITCHED).exists()

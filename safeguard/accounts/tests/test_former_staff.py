"""A school cannot act on the account of someone who has left it for another school."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def former_teacher(school, other_school):
    """Now a DSL at the other school (with a key); once a teacher here, since deactivated."""
    person = member(other_school, Role.DSL, first_name="Robin")
    MembershipFactory(school=school, user=person, role=Role.TEACHER, is_active=False)
    return person


def membership_here(school, person):
    return Membership.objects.for_school(school).get(user=person)


def test_former_school_cannot_revoke_their_keys(client_as, dsl, school, former_teacher):
    url = reverse("school:staff-keys-revoke", args=[membership_here(school, former_teacher).pk])
    client_as(dsl).post(url)
    assert Authenticator.objects.filter(user=former_teacher).exists()


def test_former_school_cannot_rename_them(client_as, dsl, school, former_teacher):
    url = reverse("school:staff-detail", args=[membership_here(school, former_teacher).pk])
    response = client_as(dsl).post(
        url, {"first_name": "Renamed", "last_name": "Person", "job_title": ""}
    )
    former_teacher.refresh_from_db()
    assert former_teacher.first_name == "Robin"
    assert b"no longer works at your school" in response.content

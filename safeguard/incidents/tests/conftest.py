"""Fixtures the incidents app's tests share (persona fixtures are in the root conftest.py)."""

import datetime

import pytest
from django.tasks import default_task_backend
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.incidents.models import Incident
from safeguard.incidents.tests.factories import (
    add_test_action,
    alerts_of,
    category,
    make_restricted,
    record_test_incident,
)

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def restricted_assignment(school, dsl, slt, teacher, membership_of) -> Incident:
    """A teacher's incident alerting SLT, who is given an assignment; the DSL then adds Child
    protection. Returns the incident."""
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(slt)],
    )
    add_test_action(
        membership_of(teacher),
        incident,
        assigned_to=membership_of(slt),
        due_on=TOMORROW,
    )
    return make_restricted(incident, by=membership_of(dsl))


@pytest.fixture
def thrice_alerted(teacher, dsl, membership_of) -> Incident:
    """The teacher records a safeguarding concern (the DSL is told), then adds two actions,
    each telling the DSLs: the DSL has three alerts about one incident."""
    recorded = record_test_incident(membership_of(teacher))
    add_test_action(membership_of(teacher), recorded, tell_leads=True)
    add_test_action(membership_of(teacher), recorded, tell_leads=True)
    assert len(alerts_of(dsl, recorded)) == 3
    return recorded


@pytest.fixture
def trust_lead(school, other_school):
    """A DSL at Larkspur who also teaches at Fernhill."""
    lead = member(school, Role.DSL, email="lead@larkspur.example", first_name="Tess")
    Membership.objects.create(school=other_school, user=lead, role=Role.TEACHER)
    return lead


@pytest.fixture
def queued_tasks(settings):
    """The worker's queue, as a task backend that keeps what is queued (and can defer),
    running nothing."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()

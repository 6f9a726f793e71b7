"""Fixtures the incidents app's tests share (persona fixtures are in the root conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from safeguard.incidents.models import Incident
from safeguard.incidents.services import corrections
from safeguard.incidents.tests.factories import add_test_action, category, record_test_incident

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
    corrections.recategorise(
        membership=membership_of(dsl),
        incident=incident,
        categories=[category(school, "Child protection")],
        reason="Disclosure.",
    )
    return incident

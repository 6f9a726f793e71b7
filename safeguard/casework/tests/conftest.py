"""Fixtures the casework tests share (personas are in the root conftest.py)."""

import pytest

from safeguard.incidents.tests.factories import record_test_incident


@pytest.fixture
def lead(dsl, membership_of):
    return membership_of(dsl)


@pytest.fixture
def incident(teacher, membership_of):
    """A teacher's incident, awaiting review."""
    return record_test_incident(membership_of(teacher))

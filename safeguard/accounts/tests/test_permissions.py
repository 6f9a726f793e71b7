"""The rules defined once in permissions.py: who is a lead, who may be alerted or assigned."""

import pytest

from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import (
    SAFEGUARDING_LEADS,
    Capability,
    Role,
    is_lead,
    may_be_alerted,
    may_be_assigned,
    roles_with,
)

RECORDERS = [role for role in Role if role != Role.GOVERNOR]
LEADS = [Role.DSL, Role.DEPUTY_DSL]


def member(role: str, *, is_active: bool = True, account_active: bool = True) -> Membership:
    return Membership(role=role, is_active=is_active, user=User(is_active=account_active))


def test_the_leads_are_the_dsls_and_deputies():
    assert {Role.DSL, Role.DEPUTY_DSL} == SAFEGUARDING_LEADS
    assert roles_with(Capability.SEE_RESTRICTED) == SAFEGUARDING_LEADS


@pytest.mark.parametrize("role", list(Role))
def test_a_lead_is_exactly_someone_whose_role_is_a_leads(role):
    assert is_lead(member(role)) == (role in LEADS)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_who_records_may_be_alerted_and_assigned_and_governors_may_not(role):
    assert may_be_alerted(member(role)) == (role in RECORDERS)
    assert may_be_assigned(member(role)) == (role in RECORDERS)


@pytest.mark.parametrize("role", list(Role))
def test_where_something_is_for_the_leads_only_only_leads_may_be_alerted_or_assigned(role):
    assert may_be_alerted(member(role), leads_only=True) == (role in LEADS)
    assert may_be_assigned(member(role), leads_only=True) == (role in LEADS)


@pytest.mark.parametrize("role", list(Role))
def test_a_deactivated_role_is_never_alerted_or_assigned(role):
    assert not may_be_alerted(member(role, is_active=False))
    assert not may_be_assigned(member(role, is_active=False))


def test_roles_with_several_capabilities_grant_them_all():
    assert roles_with(Capability.RECEIVE_ALERTS, Capability.SEE_RESTRICTED) == set(LEADS)
    assert roles_with(Capability.RECEIVE_ALERTS) == set(RECORDERS)


@pytest.mark.parametrize("role", LEADS)
def test_a_disabled_account_is_neither_alerted_nor_assigned(role):
    assert may_be_alerted(member(role)) and may_be_assigned(member(role))
    disabled = member(role, account_active=False)
    assert not may_be_alerted(disabled, leads_only=True)
    assert not may_be_assigned(disabled)

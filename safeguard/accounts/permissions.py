"""Who may do what: the single source of truth.

Each role a person holds in a school maps to a frozen set of capabilities.
Every view declares the one capability it needs with `@requires(...)`; a test
walks the URL configuration and fails on any view that declares none.
School policy section 3: full access and administration for the DSL and
deputies only; "write only" (record and see their own) for everyone else;
governors see aggregate reports only.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from safeguard.accounts.models import Membership


class Role(models.TextChoices):
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL"
    SLT = "slt", "Senior leadership"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    OFFICE = "office", "Office / admin staff"
    MIDDAY = "midday", "Midday supervisor"
    OTHER = "other", "Other staff"
    GOVERNOR = "governor", "Governor"


class Capability(StrEnum):
    # Any active member of the school: dashboard, own account, switching school.
    USE_APP = "use_app"
    RECORD_INCIDENT = "record_incident"
    # Be alerted to an incident or an action (by name, in a group or by a category).
    RECEIVE_ALERTS = "receive_alerts"
    # Be given an assignment: an action assigned to them, due by a date.
    BE_ASSIGNED = "be_assigned"
    VIEW_ALL_INCIDENTS = "view_all_incidents"
    # See what is for the safeguarding leads only: restricted categories, actions a lead
    # kept for the leads, and the alerts sent to someone as a lead. Holding it is what
    # makes someone a lead (`is_lead`).
    SEE_RESTRICTED = "see_restricted"
    ALLOCATE_RESTRICTED_CATEGORIES = "allocate_restricted_categories"
    # Review (triage) incidents: risk, decisions and their rationale, significance, the
    # reply to the author (casework). What it records is for the leads alone.
    REVIEW_INCIDENTS = "review_incidents"
    # Keep the school's list of decisions a review may record.
    MANAGE_DECISION_OPTIONS = "manage_decision_options"
    # Read a pupil's chronology (every incident, action, review, correction and key event
    # about them), print it and download it: leads only for now.
    VIEW_CHRONOLOGY = "view_chronology"
    # Add a key event (a strategy meeting, a child protection plan...) to a chronology.
    ADD_KEY_EVENTS = "add_key_events"
    # Record, read and acknowledge Operation Encompass notifications: the school's key
    # adults, who are its leads.
    HANDLE_ENCOMPASS = "handle_encompass"
    # Log referrals to other agencies and the multi-agency meetings about a pupil, with their
    # outcomes and chases; read them and their clocks (leads only).
    RECORD_REFERRALS = "record_referrals"
    # Set the school's clocks, closure days, escalation policy and list of agencies.
    MANAGE_CLOCKS = "manage_clocks"
    # Read a pupil's profile: contacts (phone numbers, addresses, court orders), the
    # professionals involved, siblings and household, the photo. Leads only: no other role
    # holds a need for them in the app today (the office keeps contact details in the MIS).
    VIEW_PUPIL_PROFILE = "view_pupil_profile"
    # Keep it: add and change contacts and professionals, link siblings, upload the photo.
    KEEP_PUPIL_PROFILE = "keep_pupil_profile"
    VIEW_REPORTS = "view_reports"
    MANAGE_STAFF = "manage_staff"
    CHANGE_ROLES = "change_roles"
    MANAGE_GROUPS = "manage_groups"
    MANAGE_PUPILS = "manage_pupils"
    MANAGE_CATEGORIES = "manage_categories"
    MANAGE_SCHOOL = "manage_school"
    # Read the audit trail: who saw which record, when, from where.
    VIEW_AUDIT = "view_audit"


_RECORDER = frozenset(
    {
        Capability.USE_APP,
        Capability.RECORD_INCIDENT,
        Capability.RECEIVE_ALERTS,
        Capability.BE_ASSIGNED,
    }
)
_LEAD = frozenset(Capability)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.DSL: _LEAD,
    Role.DEPUTY_DSL: _LEAD,
    Role.SLT: _RECORDER,
    Role.TEACHER: _RECORDER,
    Role.TEACHING_ASSISTANT: _RECORDER,
    Role.OFFICE: _RECORDER,
    Role.MIDDAY: _RECORDER,
    Role.OTHER: _RECORDER,
    Role.GOVERNOR: frozenset({Capability.USE_APP, Capability.VIEW_REPORTS}),
}

# Roles whose holders must use a second factor: the school policy asks it of everyone who
# sees every record, and of SLT.
ROLES_REQUIRING_MFA = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SLT})


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(*capabilities: Capability) -> frozenset[str]:
    """The roles that grant every one of `capabilities` (for queries by role)."""
    return frozenset(
        role for role, granted in ROLE_CAPABILITIES.items() if set(capabilities) <= granted
    )


# The school's safeguarding leads: its DSLs and deputy DSLs, the roles that see restricted
# parts. "Lead" means this and nothing else, in every rule below and in every app.
SAFEGUARDING_LEADS = roles_with(Capability.SEE_RESTRICTED)


def is_lead(membership: "Membership") -> bool:
    """Whether the member is a safeguarding lead (DSL or deputy) in their school.

    The leads see restricted categories, the actions kept for the leads and the alerts
    sent to them as leads; where something is for the leads only, only they are alerted
    or assigned, and their alerts are marked as sent to a lead.
    """
    return Capability.SEE_RESTRICTED in membership.capabilities


def _works_there(membership: "Membership") -> bool:
    """An active role, held by an account that may sign in (the selectors' same rule)."""
    return membership.is_active and membership.user.is_active


def may_be_alerted(membership: "Membership", *, leads_only: bool = False) -> bool:
    """Whether this member may be alerted; with `leads_only`, only if they are a lead.

    Only an active role held by an account that may sign in counts; governors are never
    alerted (they see no incidents).
    """
    if not _works_there(membership) or Capability.RECEIVE_ALERTS not in membership.capabilities:
        return False
    return not leads_only or is_lead(membership)


def may_be_assigned(membership: "Membership", *, leads_only: bool = False) -> bool:
    """Whether this member may be given an assignment; with `leads_only`, only a lead."""
    if not _works_there(membership) or Capability.BE_ASSIGNED not in membership.capabilities:
        return False
    return not leads_only or is_lead(membership)


def has_capability(request: HttpRequest, capability: Capability) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and capability in capabilities_of(membership.role)


View = Callable[..., HttpResponseBase]


def requires(capability: Capability) -> Callable[[View], View]:
    """Decorate a view: the signed-in member's role in the current school must grant it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_capability(request, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.__dict__["required_capability"] = capability
        return wrapper

    return decorator

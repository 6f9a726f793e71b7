"""Makers for casework's tests: reviews through the real service (there is no other way)."""

from typing import Any

from safeguard.accounts.models import Membership
from safeguard.casework.models import DecisionOption, TriageEntry
from safeguard.casework.services.triage import review_incident
from safeguard.incidents.models import Incident


def decision(school: Any, name: str = "No further action") -> DecisionOption:
    """The school's decision option of that name (every school starts with the defaults)."""
    return DecisionOption.objects.for_school(school).get(name=name)


def review(membership: Membership, incident: Incident, **fields: Any) -> TriageEntry:
    """A review through the service: low risk, nothing else, unless told."""
    fields.setdefault("risk_level", "low")
    return review_incident(membership=membership, incident=incident, **fields)

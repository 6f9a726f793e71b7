"""The unread alert count in the header, on every page (school policy section 5 step 11)."""

from safeguard.accounts.permissions import Capability
from safeguard.accounts.requests import SafeguardRequest
from safeguard.incidents.selectors import unread_incident_count


def unread_alerts(request: SafeguardRequest) -> dict[str, int | None]:
    """`unread_alerts`: None for people who get no alerts (governors, the operator).

    It counts incidents with an alert the person hasn't read, in every school where
    they hold an active role, not only the one they are working in.
    """
    membership = getattr(request, "membership", None)
    if membership is None or Capability.RECORD_INCIDENT not in membership.capabilities:
        return {"unread_alerts": None}
    return {"unread_alerts": unread_incident_count(request.memberships)}

"""Template helpers for alerts on the incident page, for the signed-in member only.

They read through the same functions as the views, for `request.membership`,
so an include shows each person only what is theirs to see.
"""

from typing import Any

from django import template

from safeguard.incidents import alerting
from safeguard.incidents.models import Incident
from safeguard.incidents.selectors import can_see_every_incident

register = template.Library()


def _membership(context: template.Context) -> Any:
    return getattr(context.get("request"), "membership", None)


@register.simple_tag(takes_context=True)
def my_alerts_on(context: template.Context, incident: Incident) -> alerting.MyAlerts | None:
    """The signed-in member's own alerts on the incident and its actions (None: there are none)."""
    membership = _membership(context)
    if membership is None:
        return None
    alerts = list(alerting.my_alerts_on(membership, incident))
    return alerting.MyAlerts(alerts) if alerts else None


@register.simple_tag(takes_context=True)
def alert_log_of(context: template.Context, incident: Incident) -> dict[str, Any] | None:
    """Everyone alerted about the incident, for DSLs and deputies only (None for others):
    `entries` sums it up per thing alerted about, `alerts` is the full log."""
    membership = _membership(context)
    if membership is None or not can_see_every_incident(membership):
        return None
    alerts = list(alerting.alert_log_for(incident))
    return {"alerts": alerts, "entries": alerting.alert_log_entries(alerts)}

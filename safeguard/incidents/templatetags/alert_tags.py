"""Template helpers for alerts on the incident page, for the signed-in member only.

They read through the same functions as the views, for `request.membership`,
so an include shows each person only what is theirs to see.
"""

from typing import Any

from django import template

from safeguard.incidents import alerting
from safeguard.incidents.models import Alert, Incident
from safeguard.incidents.selectors import can_see_every_incident

register = template.Library()


def _membership(context: template.Context) -> Any:
    return getattr(context.get("request"), "membership", None)


@register.simple_tag(takes_context=True)
def my_alerts_on(context: template.Context, incident: Incident) -> list[Alert]:
    """The signed-in member's own alerts on the incident and its actions."""
    membership = _membership(context)
    if membership is None:
        return []
    return list(alerting.my_alerts_on(membership, incident))


@register.simple_tag(takes_context=True)
def alert_log_of(context: template.Context, incident: Incident) -> list[Alert] | None:
    """Everyone alerted about the incident, for DSLs and deputies only (None for others)."""
    membership = _membership(context)
    if membership is None or not can_see_every_incident(membership):
        return None
    return list(alerting.alert_log_for(incident))

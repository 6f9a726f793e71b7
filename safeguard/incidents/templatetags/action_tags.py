"""Template helpers for actions and tasks on the incident page and the dashboard."""

from typing import Any

from django import template
from django.db.models import QuerySet

from safeguard.accounts.permissions import Capability
from safeguard.incidents.models import Action
from safeguard.incidents.selectors import open_tasks_for

register = template.Library()


@register.simple_tag
def follow_ups_of(action: Action, actions: QuerySet[Action]) -> list[Action]:
    """The actions below the same incident that follow this one up, in time order."""
    return [other for other in actions if other.follows_up_id == action.pk]


@register.simple_tag(takes_context=True)
def open_task_count(context: template.Context) -> int:
    """How many tasks the signed-in member has still to follow up."""
    membership: Any = getattr(context.get("request"), "membership", None)
    if membership is None or Capability.RECORD_INCIDENT not in membership.capabilities:
        return 0
    return open_tasks_for(membership).count()

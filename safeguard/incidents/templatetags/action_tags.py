"""Template helpers for actions on the incident page: they arrange what the view gives them."""

from django import template
from django.db.models import QuerySet

from safeguard.incidents import links
from safeguard.incidents.models import Action

register = template.Library()


@register.filter
def action_key(action: Action | int | None) -> str:
    """`#action-{{ action|action_key }}`, `#action-{{ alert.action_id|action_key }}`: an
    action named by its opaque key (links.py), never by the id every school shares."""
    if isinstance(action, Action):
        return links.key_for("action", action.pk)
    if isinstance(action, int):
        return links.key_for("action", action)
    return ""


@register.simple_tag
def follow_ups_of(action: Action, actions: QuerySet[Action]) -> list[Action]:
    """The actions below the same incident that follow this one up, in time order."""
    return [other for other in actions if other.follows_up_id == action.pk]

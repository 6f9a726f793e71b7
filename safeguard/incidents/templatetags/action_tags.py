"""Template helpers for actions on the incident page: they arrange what the view gives them."""

from django import template
from django.db.models import QuerySet

from safeguard.incidents.models import Action

register = template.Library()


@register.simple_tag
def follow_ups_of(action: Action, actions: QuerySet[Action]) -> list[Action]:
    """The actions below the same incident that follow this one up, in time order."""
    return [other for other in actions if other.follows_up_id == action.pk]

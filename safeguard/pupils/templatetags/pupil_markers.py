"""Display only: whether a listed row bears a mark (`pupils/markers.py`). No queries."""

from typing import Any

from django import template

from safeguard.pupils.signals import PupilMarker

register = template.Library()


@register.filter
def marked(row: Any, marker: PupilMarker) -> bool:
    """Whether the row (a pupil, or an incident about one) was annotated with the mark."""
    return bool(getattr(row, marker.attribute, False))

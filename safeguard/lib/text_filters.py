"""Template filters for showing what staff typed (loaded for every template in settings)."""

from django import template

from safeguard.lib.text import reveal_direction_controls

register = template.Library()


@register.filter(is_safe=True)
def reveal_controls(value: object) -> str:
    """`{{ incident.text|reveal_controls|linebreaks }}`: direction controls shown as [U+202E]."""
    return reveal_direction_controls("" if value is None else str(value))

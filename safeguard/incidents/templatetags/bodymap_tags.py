"""Template helpers for the body map: the parts of the body, the mark types, marks per side."""

from typing import Any

from django import template

from safeguard.incidents.models import BodySide, MarkType
from safeguard.incidents.services import bodymap

register = template.Library()


@register.simple_tag
def body_map_choices(mark_rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the body map input needs besides the rows: choices, the region table, spare rows.

    Spare rows let someone without JavaScript (or who prefers lists) type marks in; the
    script hides them and adds rows as marks are placed instead.
    """
    rows = list(mark_rows or [])
    spare = max(1, bodymap.SPARE_ROWS - len(rows)) if len(rows) < bodymap.MAX_MARKS else 0
    rows += bodymap.blank_rows(after=len(rows), count=spare)
    return {
        "rows": [_with_text_fields(row) for row in rows],
        "sides": BodySide.choices,
        "mark_types": MarkType.choices,
        "regions": [(label, bodymap.REGIONS[side]) for side, label in BodySide.choices],
        "regions_for_script": bodymap.regions_for_script(),
        "max_marks": bodymap.MAX_MARKS,
    }


TEXT_FIELD_LABELS = {
    "colour": "Colour",
    "shape": "Shape",
    "size": "Approximate size",
    "note": "Note",
}


def _with_text_fields(row: dict[str, Any]) -> dict[str, Any]:
    errors = row.get("errors", {})
    return row | {
        # The part of the body and the place on the drawing share one message beside the list.
        "place_error": errors.get("region") or errors.get("position") or "",
        "text_fields": [
            {
                "name": name,
                "label": TEXT_FIELD_LABELS[name],
                "limit": limit,
                "value": row.get(name, ""),
                "error": errors.get(name, ""),
            }
            for name, limit in bodymap.TEXT_LIMITS.items()
        ],
    }


@register.filter
def on_side(marks: Any, side: str) -> list[Any]:
    """The marks (BodyMapMark objects or form rows) placed on one side's drawing."""
    return bodymap.marks_on(side, marks)


@register.filter
def body_region(mark: Any) -> str:
    """'upper chest': the part of the body under a recorded mark."""
    return bodymap.region_name(mark.side, mark.x, mark.y)

"""Template helpers for the corrections history: what each correction changed, in words.

They format what the view gives them and query nothing.
"""

from collections.abc import Mapping

from django import template

from safeguard.incidents.models import CorrectionKind, IncidentCorrection, ReviewStatus
from safeguard.pupils.models import Pupil

register = template.Library()


def _names(categories: list[dict[str, object]]) -> str:
    return ", ".join(str(c.get("name", "")) for c in categories) or "none"


def _pupil(pupils: Mapping[int, Pupil], pupil_id: object) -> str:
    pupil = pupils.get(pupil_id) if isinstance(pupil_id, int) else None
    return f"{pupil.first_name} {pupil.last_name}" if pupil else "a pupil no longer listed"


def _status(value: object) -> str:
    return ReviewStatus(value).label if value in ReviewStatus.values else str(value)


@register.simple_tag
def correction_change(correction: IncidentCorrection, pupils: Mapping[int, Pupil]) -> str:
    """'Bullying → Child protection, Bullying' and the like (before and after hold ids).

    `pupils` names the pupils a move refers to by id (`selectors.pupils_named_in`).
    """
    before, after = correction.before or {}, correction.after or {}
    match correction.kind:
        case CorrectionKind.RECATEGORISE:
            return f"{_names(before.get('categories', []))} → {_names(after.get('categories', []))}"
        case CorrectionKind.MOVE_PUPIL:
            return f"{_pupil(pupils, before.get('pupil'))} → {_pupil(pupils, after.get('pupil'))}"
        case CorrectionKind.STATUS:
            return f"{_status(before.get('status'))} → {_status(after.get('status'))}"
        case CorrectionKind.WITHDRAW:
            return "Withdrawn"
        case CorrectionKind.KEEP_WITH_LEADS:
            return "Only leads can be alerted or given a task"
        case CorrectionKind.RELEASE_FROM_LEADS:
            return "Staff can be alerted and given tasks again"
        case _:
            return ""


@register.simple_tag
def review_statuses() -> list[tuple[str, str]]:
    return list(ReviewStatus.choices)

"""Template helpers for the corrections history: what each correction changed, in words."""

from django import template

from safeguard.incidents.models import CorrectionKind, IncidentCorrection, ReviewStatus
from safeguard.pupils.models import Pupil

register = template.Library()


def _names(categories: list[dict]) -> str:
    return ", ".join(str(c.get("name", "")) for c in categories) or "none"


def _pupil(school_id: int, pupil_id: object) -> str:
    pupil = Pupil.objects.for_school(school_id).filter(pk=pupil_id).first()
    return f"{pupil.first_name} {pupil.last_name}" if pupil else "a pupil no longer listed"


def _status(value: object) -> str:
    return ReviewStatus(value).label if value in ReviewStatus.values else str(value)


@register.simple_tag
def correction_change(correction: IncidentCorrection) -> str:
    """'Bullying → Child protection, Bullying' and the like (before and after hold ids)."""
    before, after = correction.before or {}, correction.after or {}
    match correction.kind:
        case CorrectionKind.RECATEGORISE:
            return f"{_names(before.get('categories', []))} → {_names(after.get('categories', []))}"
        case CorrectionKind.MOVE_PUPIL:
            school = correction.school_id
            return f"{_pupil(school, before.get('pupil'))} → {_pupil(school, after.get('pupil'))}"
        case CorrectionKind.STATUS:
            return f"{_status(before.get('status'))} → {_status(after.get('status'))}"
        case CorrectionKind.WITHDRAW:
            return "Withdrawn"
        case _:
            return ""


@register.simple_tag
def review_statuses() -> list[tuple[str, str]]:
    return list(ReviewStatus.choices)

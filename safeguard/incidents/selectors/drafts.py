"""A member's own drafts: nobody else's, ever."""

from dataclasses import dataclass

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.incidents.models import (
    Draft,
)
from safeguard.pupils.models import Pupil

DRAFTS_SHOWN = 10


@dataclass(frozen=True)
class DraftRow:
    draft: Draft
    pupil: Pupil | None


def _drafted_pupil_id(draft: Draft) -> int | None:
    values = draft.data.get("pupil") or [""]
    try:
        pupil_id = int(str(values[0] if isinstance(values, list) else values))
    except ValueError:
        return None
    return pupil_id if 0 < pupil_id < 2**63 else None


def drafts_shown_to(membership: Membership) -> list[DraftRow]:
    """The dashboard's "carry on writing": the member's newest drafts, each with the pupil
    it is about if one was chosen (a pupil of this school only)."""
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return []
    own = Draft.objects.for_school(membership.school).filter(author=membership.user)
    drafts = list(own.order_by("-updated_at")[:DRAFTS_SHOWN])
    pupil_ids = {draft.pk: _drafted_pupil_id(draft) for draft in drafts}
    wanted = {pk for pk in pupil_ids.values() if pk is not None}
    pupils = Pupil.objects.for_school(membership.school).in_bulk(wanted)
    return [DraftRow(draft, pupils.get(pupil_ids[draft.pk] or 0)) for draft in drafts]

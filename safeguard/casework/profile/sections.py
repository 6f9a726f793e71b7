"""The profile's part of the pupil page (sent for by `pupils.signals.pupil_page_sections`).

A lead sees the profile: contacts, professionals, household, photo, current risk level and
open referrals and meetings; its showing is audited against the pupil. Anyone else sees
nothing here.
"""

from typing import Any

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.chronology.selectors import Filters, chronology_page
from safeguard.casework.profile.models import HouseholdRelationship
from safeguard.casework.profile.photos import current_photo
from safeguard.casework.profile.selectors import (
    contacts_of,
    current_risk,
    household_of,
    open_referrals_and_meetings,
    professionals_of,
    suggested_siblings,
)
from safeguard.lib import clock
from safeguard.pupils.models import Pupil
from safeguard.pupils.signals import PupilPageSection


def profile_context(membership: Membership, pupil: Pupil) -> dict[str, Any]:
    """What the profile section shows, each part read in a fixed number of queries."""
    contacts = list(contacts_of(pupil))
    household = household_of(pupil)
    can_keep = Capability.KEEP_PUPIL_PROFILE in membership.capabilities
    return {
        "pupil": pupil,
        "contacts": contacts,
        "professionals": list(professionals_of(pupil)),
        "photo": current_photo(pupil),
        "risk": current_risk(pupil),
        "open_items": open_referrals_and_meetings(pupil),
        "household": household,
        "suggestions": suggested_siblings(pupil, contacts, household) if can_keep else [],
        "relationships": HouseholdRelationship.choices,
        "today": clock.localdate(),
        "can_keep": can_keep,
    }


def pupil_page_section(
    sender: Any, membership: Membership, pupil: Pupil, **kwargs: Any
) -> PupilPageSection | None:
    if Capability.VIEW_PUPIL_PROFILE not in membership.capabilities:
        return None
    if pupil.school_id != membership.school_id:
        return None
    context = profile_context(membership, pupil)
    record(
        actor=membership.user,
        action=AuditAction.PROFILE_VIEWED,
        school=membership.school,
        target=pupil,
    )
    return PupilPageSection("casework/profile/section.html", context, order=10)


# The chronology's latest entries beneath the profile, as its first page shows them.
CHRONOLOGY_ENTRIES = 10


def chronology_section(
    sender: Any, membership: Membership, pupil: Pupil, **kwargs: Any
) -> PupilPageSection | None:
    """The newest entries of the pupil's chronology, beneath the profile, for the leads;
    audited as a showing of the chronology, as its own page is."""
    if Capability.VIEW_CHRONOLOGY not in membership.capabilities:
        return None
    if pupil.school_id != membership.school_id:
        return None
    filters = Filters()
    page = chronology_page(
        membership=membership, pupil=pupil, filters=filters, size=CHRONOLOGY_ENTRIES
    )
    record(
        actor=membership.user,
        action=AuditAction.CHRONOLOGY_VIEWED,
        school=membership.school,
        target=pupil,
        detail={"filters": filters.audit_detail(), "shown_on": "pupil page"},
    )
    context = {"pupil": pupil, "page": page}
    return PupilPageSection("casework/profile/chronology_section.html", context, order=20)

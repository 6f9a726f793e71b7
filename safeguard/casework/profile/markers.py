"""The mark "CP records" beside a pupil's name, for the leads, in every list that names
pupils (sent for by `pupils.signals.pupil_markers`).

A pupil *has child-protection records* when the school holds a safeguarding record about
them: an incident filed under them or one they are linked to (withdrawn ones aside: a
withdrawn record was a mistake), a key event in their chronology, a referral, a multi-agency
meeting or an Operation Encompass notification naming them, or a child protection plan, child
in need or looked-after status at any time, past or present. Every incident in Safeguard is a safeguarding record
(the school policy's "concerns"), so any incident counts, whatever its category: the mark
tells the DSL a file exists, not how serious it is (the profile's risk level does that).
"""

from typing import Any

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import is_lead
from safeguard.casework.models import EncompassChild, KeyEvent, Meeting, Referral
from safeguard.incidents.models import IncidentReview, LinkedPupil
from safeguard.pupils.models import PupilStatus, StatusKind
from safeguard.pupils.signals import PupilMarker

CP_STATUSES = (StatusKind.CP_PLAN, StatusKind.CHILD_IN_NEED, StatusKind.LOOKED_AFTER)


def has_cp_records(school_id: int, pupil_ref: str) -> Expression:
    """True for the pupil whose id the outer query holds at `pupil_ref`: indexed EXISTS
    probes (each on a (school, pupil...) index) in the row's own query, so a list marks its
    rows at no query per row."""
    pupil = OuterRef(pupil_ref)
    filed = IncidentReview.objects.for_school(school_id).filter(pupil_id=pupil, is_withdrawn=False)
    linked = LinkedPupil.objects.for_school(school_id).filter(
        pupil_id=pupil, incident__review__is_withdrawn=False
    )
    statuses = PupilStatus.objects.for_school(school_id).filter(
        pupil_id=pupil, kind__in=CP_STATUSES
    )
    casework = [
        model.objects.for_school(school_id).filter(pupil_id=pupil)
        for model in (KeyEvent, Referral, Meeting, EncompassChild)
    ]
    found = Q(Exists(filed)) | Q(Exists(linked)) | Q(Exists(statuses))
    for rows in casework:
        found |= Q(Exists(rows))
    return ExpressionWrapper(found, output_field=BooleanField())


def cp_records_marker(sender: Any, membership: Membership, **kwargs: Any) -> PupilMarker | None:
    """pupils.signals.pupil_markers: the leads see which pupils have CP records."""
    if not is_lead(membership):
        return None
    school_id = membership.school_id
    return PupilMarker(
        key="cp",
        label="CP records",
        description="this pupil has child-protection records",
        condition=lambda pupil_ref: has_cp_records(school_id, pupil_ref),
    )

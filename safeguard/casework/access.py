"""Fetch casework's objects for the person asking, or 404 ("not found" and "not yours"
look the same). Incidents come through `incidents.access.get_incident_for`."""

from django.http import Http404, HttpRequest

from safeguard.accounts.models import Membership
from safeguard.casework.models import DecisionOption, KeyEventFile
from safeguard.casework.referrals.models import Meeting, Referral, ReferralAgency


def get_decision_option_for(request: HttpRequest, option_id: int) -> DecisionOption:
    """A decision option of the current school; another school's looks like a missing one."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    try:
        return DecisionOption.objects.for_school(membership.school).get(pk=option_id)
    except DecisionOption.DoesNotExist:
        raise Http404 from None


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def get_referral_for(request: HttpRequest, referral_id: int) -> Referral:
    """A referral of the current school, with its pupil; another school's looks missing."""
    school = _membership(request).school
    found = Referral.objects.for_school(school).select_related("pupil").filter(pk=referral_id)
    referral = found.first()
    if referral is None:
        raise Http404
    return referral


def get_meeting_for(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting of the current school, with its pupil; another school's looks missing."""
    school = _membership(request).school
    meeting = (
        Meeting.objects.for_school(school).select_related("pupil").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_agency_for(request: HttpRequest, agency_id: int) -> ReferralAgency:
    """An agency of the current school's list; another school's looks missing."""
    agency = (
        ReferralAgency.objects.for_school(_membership(request).school).filter(pk=agency_id).first()
    )
    if agency is None:
        raise Http404
    return agency


def get_key_event_file_for(request: HttpRequest, file_id: int) -> KeyEventFile:
    """A file of a key event in a chronology of the current school (with its key event), for
    those who may read chronologies (the view's capability); another school's is missing."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    try:
        return (
            KeyEventFile.objects.for_school(membership.school)
            .select_related("key_event")
            .get(pk=file_id)
        )
    except KeyEventFile.DoesNotExist:
        raise Http404 from None

"""Fetch a pupil or status within the current school: 404 for "missing" and "not yours" alike."""

from django.shortcuts import get_object_or_404

from safeguard.accounts.models import School
from safeguard.accounts.requests import SchoolRequest
from safeguard.pupils.models import Pupil, PupilStatus


def school_of(request: SchoolRequest) -> School:
    """The school the signed-in person is working in (set by SchoolMembershipMiddleware)."""
    return request.school


def get_pupil_for(request: SchoolRequest, pupil_id: int) -> Pupil:
    return get_object_or_404(Pupil.objects.for_school(school_of(request)), pk=pupil_id)


def get_status_for(request: SchoolRequest, pupil: Pupil, status_id: int) -> PupilStatus:
    """A status of this pupil; another pupil's status is as missing as another school's."""
    statuses = PupilStatus.objects.for_school(school_of(request)).filter(pupil=pupil)
    return get_object_or_404(statuses, pk=status_id)

"""Fetch a profile's records for the person asking: the current school's, of this pupil,
or 404 ("missing" and "not yours" look the same)."""

from typing import cast

from django.db.models import Q
from django.http import Http404

from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.profile.models import Versioned
from safeguard.pupils.models import Pupil


def get_version_for[V: Versioned](
    request: SchoolRequest,
    pupil: Pupil,
    model: type[V],
    version_id: int,
    *,
    either_side: bool = False,
) -> V:
    """A version of one of this pupil's records (any version: the views say which they take).
    With `either_side`, a household link naming the pupil on either side."""
    mine = Q(pupil=pupil) | Q(other_pupil=pupil) if either_side else Q(pupil=pupil)
    try:
        found = (
            model.objects.for_school(request.school)
            .select_related("pupil", "made_by")
            .get(mine, pk=version_id)
        )
    except model.DoesNotExist:
        raise Http404 from None
    return cast("V", found)

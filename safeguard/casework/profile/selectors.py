"""Reads of a pupil's profile, each a fixed number of queries whatever the profile holds.
For the leads only: the views and the page section check `VIEW_PUPIL_PROFILE` first."""

from django.db.models import F, QuerySet

from safeguard.casework.profile.models import Contact, Professional, Versioned
from safeguard.casework.profile.versions import current, live
from safeguard.pupils.models import Pupil


def contacts_of(pupil: Pupil) -> QuerySet[Contact]:
    """The pupil's contacts in force, by name."""
    return live(Contact, pupil.school_id).filter(pupil=pupil).order_by("name", "id")


def current_version[V: Versioned](version: V) -> V | None:
    """The version now in force in `version`'s record (itself if nothing superseded it)."""
    return current(type(version), version.school_id).filter(lineage=version.lineage).first()


def professionals_of(pupil: Pupil) -> QuerySet[Professional]:
    """The professionals recorded as involved, those still involved first, latest start first."""
    return (
        live(Professional, pupil.school_id)
        .filter(pupil=pupil)
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "name", "id")
    )

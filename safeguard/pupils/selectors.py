"""Reads of pupils that carry a rule. Every one is confined to one school."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from safeguard.accounts.models import School
from safeguard.pupils.markers import with_markers
from safeguard.pupils.models import Pupil, PupilStatus

NAME_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
)
# A name search with more words than this is not a name.
MAX_SEARCH_WORDS = 6


def _current_on(day: datetime.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def current_statuses(*, school: School) -> QuerySet[PupilStatus]:
    """Statuses that hold today, newest first."""
    return (
        PupilStatus.objects.for_school(school)
        .filter(_current_on(timezone.localdate()))
        .order_by("kind", "-started_on")
    )


def with_current_statuses(pupils: QuerySet[Pupil], *, school: School) -> QuerySet[Pupil]:
    """Fetch each pupil's current statuses in one extra query, as `pupil.current_statuses`."""
    return pupils.prefetch_related(
        Prefetch("statuses", queryset=current_statuses(school=school), to_attr="current_statuses")
    )


def pupil_list(
    *,
    school: School,
    year_group: str = "",
    registration_group: str = "",
    status_kind: str = "",
    include_archived: bool = False,
    reader: Any = None,
) -> QuerySet[Pupil]:
    """The pupil list: by last name, filtered by non-identifying facts only; with a
    `reader` (a membership), each pupil annotated with the marks they see (`markers.py`)."""
    pupils = Pupil.objects.for_school(school)
    if not include_archived:
        pupils = pupils.filter(is_archived=False)
    if year_group:
        pupils = pupils.filter(year_group=year_group)
    if registration_group:
        pupils = pupils.filter(registration_group=registration_group)
    if status_kind:
        holding = current_statuses(school=school).filter(pupil=OuterRef("pk"), kind=status_kind)
        pupils = pupils.filter(Exists(holding))
    pupils = pupils.order_by("legal_last_name", "legal_first_name", "pk")
    return with_current_statuses(with_markers(pupils, reader), school=school)


def search_pupils(
    *,
    school: School,
    term: str,
    include_archived: bool = False,
    limit: int = 20,
    reader: Any = None,
) -> QuerySet[Pupil]:
    """Pupils whose legal or preferred names match every word of `term`.

    Case-insensitive; each word may match any part of any of the four names,
    so "sam jon" finds Samuel Jones and also Sam whose legal name is Jonathan.
    Used by the pupil list's search box and the incident form's pupil picker. With a
    `reader` (a membership), each pupil is annotated with the marks they see.
    """
    words = term.split()[:MAX_SEARCH_WORDS]
    pupils = Pupil.objects.for_school(school)
    if not words:
        return pupils.none()
    for word in words:
        any_name = Q()
        for field in NAME_FIELDS:
            any_name |= Q(**{f"{field}__icontains": word})
        pupils = pupils.filter(any_name)
    if not include_archived:
        pupils = pupils.filter(is_archived=False)
    pupils = pupils.order_by("is_archived", "legal_last_name", "legal_first_name", "pk")
    return with_current_statuses(with_markers(pupils, reader), school=school)[:limit]


def registration_groups(*, school: School) -> list[str]:
    """The school's classes and registration groups, for the list's filter."""
    return list(
        Pupil.objects.for_school(school)
        .exclude(registration_group="")
        .order_by("registration_group")
        .values_list("registration_group", flat=True)
        .distinct()
    )


def statuses_of(*, pupil: Pupil) -> QuerySet[PupilStatus]:
    """Every status a pupil has held, latest start first."""
    return (
        PupilStatus.objects.for_school(pupil.school_id)
        .filter(pupil=pupil)
        .order_by("-started_on", "-pk")
    )

"""The marks the lists put beside pupils' names, asked of the apps above (`pupil_markers`).

Every list that names pupils (the pupil list, the pupil type-ahead, the incident list, the
review queue) annotates its rows with `with_markers` and shows them with the
`pupils/includes/markers.html` include; the marks cost no query per row.
"""

from typing import Any

from django.db.models import Model, QuerySet

from safeguard.pupils.signals import PupilMarker, pupil_markers


def markers_for(membership: Any) -> list[PupilMarker]:
    """The marks this reader sees (none for a reader with no school)."""
    if membership is None:
        return []
    found: list[PupilMarker] = []
    for _receiver, response in pupil_markers.send(sender=PupilMarker, membership=membership):
        if isinstance(response, PupilMarker):
            found.append(response)
    return sorted(found, key=lambda marker: marker.key)


def with_markers[M: Model](
    queryset: QuerySet[M], membership: Any, *, pupil: str = "pk"
) -> QuerySet[M]:
    """The rows, each annotated with whether its pupil (at `pupil`) bears each mark."""
    markers = markers_for(membership)
    if not markers:
        return queryset
    return queryset.annotate(**{m.attribute: m.condition(pupil) for m in markers})


def shown_on(row: Any, markers: list[PupilMarker]) -> list[PupilMarker]:
    """The marks a row was annotated with and bears."""
    return [marker for marker in markers if getattr(row, marker.attribute, False)]

"""`pupil_markers` for every template: the marks this reader sees beside pupils' names in
lists (`markers.py`). Asking costs no query; the lists annotate their rows themselves."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safeguard.pupils.markers import markers_for


def pupil_markers(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {"pupil_markers": SimpleLazyObject(lambda: markers_for(membership))}

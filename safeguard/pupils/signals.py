"""The signals pupils sends to the apps above it.

Pupils imports no app above it. Where the pupil page must show what an upper app keeps about
the pupil (casework: the profile for the leads), pupils sends `pupil_page_sections` and the
upper app connects a receiver in its `AppConfig.ready()`, as incidents does for its page
(`incidents/signals.py`). Where the lists that name pupils must mark some of them (casework:
"has child-protection records", for the leads), pupils sends `pupil_markers`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Expression
from django.dispatch import Signal

# Sent by `views.pupil_detail`; arguments: membership (the reader, in the pupil's school),
# pupil. A receiver returns a `PupilPageSection` to include, or None to show nothing to this
# reader. Each receiver reads what it shows in a fixed number of queries.
pupil_page_sections = Signal()


@dataclass(frozen=True)
class PupilPageSection:
    """A part of the pupil page another app renders: its template, given `section`."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Lower first; sections come after the pupil's details and statuses.
    order: int = 0


# Sent by `markers.markers_for`; arguments: membership. A receiver returns a `PupilMarker`
# this reader should see on every list that names a pupil, or None.
pupil_markers = Signal()


@dataclass(frozen=True)
class PupilMarker:
    """A short mark shown beside a pupil's name in lists: text, never colour alone.

    `condition(pupil_ref)` gives a boolean expression (an `Exists`, say) true for the pupil
    whose id the outer query holds at `pupil_ref` ("pk" on pupils, "review__pupil_id" on
    incidents): the lists annotate it, so marking costs no query per row.
    """

    key: str
    label: str
    description: str
    condition: Callable[[str], Expression]

    @property
    def attribute(self) -> str:
        return f"marker_{self.key}"

"""The signals incidents sends to the apps above it.

Incidents imports no app above it. Where the incident page must show what an upper app
keeps about an incident (casework: the leads' review of it, the reply its author was sent),
incidents sends this signal and the upper app connects a receiver in its
`AppConfig.ready()`, as accounts does for incidents (`accounts/signals.py`).
"""

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

# Sent by `views.incidents.incident_page_context` as it gathers the incident page; arguments:
# membership (the reader, in the incident's school), incident. A receiver returns a
# `PageSection` for the page to include, or None to show nothing to this reader. Each
# receiver reads what it shows in a fixed number of queries, whatever the incident's history.
incident_page_sections = Signal()


@dataclass(frozen=True)
class PageSection:
    """A part of the incident page another app renders: its template, given `section`."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Lower first; sections come after what was recorded, before the alerts and actions.
    order: int = 0
    # The printable copy's template, when the page's holds what paper can't (a form).
    print_template: str = ""

    @property
    def printed(self) -> str:
        """The template the incident's printable copy includes."""
        return self.print_template or self.template


# Sent by `services.retention.destroy_pupil_records` inside its transaction, before the
# incidents go; arguments: school_id, pupil_id, incident_ids (list[int]), delete (bool). An
# upper app that keeps rows about these incidents or about the pupil returns the sealed ones
# among them, {record type label: [ids]}, so the audit event of the destruction names them
# and `verify_audit` does not report them missing.
# With `delete` (SQLite) the receiver deletes those rows itself, inside `allow_purge()`; on
# PostgreSQL (`delete` False) the purge function deletes them, as the app's own migration
# extends it (the application's role may not delete a record).
incident_records_destroyed = Signal()


# Sent by `services.attachments.sweep_orphan_files` for each school's folder of stored files;
# arguments: school_id, paths (list[str]). An upper app that stores files there through
# `store_uploads` (casework: a meeting's report) returns the set of those paths its rows name,
# so the sweeper never deletes a file a record still names.
stored_files_in_use = Signal()

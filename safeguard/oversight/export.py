"""The audit trail as CSV, safe to open in a spreadsheet."""

import csv
import datetime
from collections.abc import Iterable, Iterator

from safeguard.audit.models import AuditEvent
from safeguard.lib.text import reveal_direction_controls

COLUMNS = (
    "time (UTC)",
    "actor email",
    "action",
    "target type",
    "target id",
    "pupil id",
    "ip address",
    "user agent",
    "event hash",
)
# A cell starting with one of these is run as a formula by spreadsheet programs
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    # A direction override (in a user agent, say) would make the row read differently.
    text = reveal_direction_controls("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def event_row(event: AuditEvent) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            event.created_at.astimezone(datetime.UTC).isoformat(),
            event.actor.email if event.actor is not None else "",
            event.action,
            event.target_type,
            event.target_id,
            event.pupil_id,
            event.ip_address,
            event.user_agent,
            event.hash,
        )
    ]


class _Echo:
    """csv.writer writes to this, which hands each line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events:
        yield writer.writerow(event_row(event))

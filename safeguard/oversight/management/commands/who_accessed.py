import csv
import datetime
from collections import Counter
from itertools import groupby
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeguard.accounts.models import School
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.oversight.export import COLUMNS, event_row
from safeguard.oversight.selectors import DATA_ACCESS_ACTIONS, school_trail


def _moment(value: str) -> datetime.datetime:
    """An ISO 8601 date or time; without an offset it is the school's local time."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not an ISO 8601 time, e.g. 2026-11-28T09:30") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Breach response: every access to pupil data (views, prints, downloads, exports, "
        "and reading the audit trail) in one school between two times, grouped by person "
        "with counts. Times are ISO 8601; without an offset they are the school's local time. "
        "Read-only apart from one audit event recording that the report was run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, required=True, help="The school's id.")
        parser.add_argument("--from", dest="start", required=True, help="Start (included).")
        parser.add_argument("--to", dest="end", required=True, help="End (not included).")
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(pk=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with id {options['school']}.")
        start, end = _moment(options["start"]), _moment(options["end"])
        if end <= start:
            raise CommandError("--to must be later than --from.")
        events = list(
            school_trail(school=school, start=start, end=end, actions=DATA_ACCESS_ACTIONS).order_by(
                "actor__email", "created_at", "id"
            )
        )
        record(
            actor=None,
            action=AuditAction.AUDIT_EXPORTED,
            school=school,
            detail={
                "via": "who_accessed",
                "from": start.isoformat(),
                "to": end.isoformat(),
                "rows": len(events),
            },
        )
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(event_row(event) for event in events)
        else:
            self._text(school, start, end, events)

    def _text(
        self,
        school: School,
        start: datetime.datetime,
        end: datetime.datetime,
        events: list[AuditEvent],
    ) -> None:
        utc = datetime.UTC
        self.stdout.write(
            f"Access to pupil data at school {school.pk} ({school.name})\n"
            f"from {start.astimezone(utc).isoformat()} to {end.astimezone(utc).isoformat()} (UTC)"
        )
        labels = dict(AuditAction.choices)
        people = 0
        for email, group in groupby(events, key=lambda e: e.actor.email if e.actor else ""):
            accesses = list(group)
            people += 1
            counts = Counter(labels.get(e.action, e.action) for e in accesses)
            summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.most_common())
            self.stdout.write(
                f"\n{email or '(no signed-in person)'}: {len(accesses)} "
                f"access{'es' if len(accesses) != 1 else ''} ({summary})"
            )
            for event in accesses:
                about = f"{event.target_type} {event.target_id}".strip() or "-"
                pupil = f"pupil {event.pupil_id}" if event.pupil_id is not None else "pupil -"
                self.stdout.write(
                    f"  {event.created_at.astimezone(utc).isoformat()}  {event.action:<22} "
                    f"{about:<18} {pupil:<12} from {event.ip_address or '-'}"
                )
        self.stdout.write(
            f"\nTotal: {len(events)} access{'es' if len(events) != 1 else ''} "
            f"by {people} {'person' if people == 1 else 'people'}."
        )

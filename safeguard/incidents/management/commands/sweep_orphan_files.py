"""Delete uploaded files that never became part of a record."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from safeguard.incidents.services.attachments import sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Delete stored files older than --hours (default 24) that no attachment names. "
        "Files are written before an incident is saved; if saving fails they belong to no "
        "record. Files that an attachment names are never touched. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="minimum age of a file to delete")

    def handle(self, *args: object, hours: int, **options: object) -> None:
        result = sweep_orphan_files(older_than=datetime.timedelta(hours=max(hours, 1)))
        self.stdout.write(
            f"Checked {result.checked} files: deleted {result.deleted} orphans, "
            f"kept {result.kept_recent} too recent to judge."
        )

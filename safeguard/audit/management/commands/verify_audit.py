from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.audit.sealing import check_records
from safeguard.audit.services import check_chain


class Command(BaseCommand):
    help = (
        "Check the whole audit trail's hash chain. Exits non-zero and names the first "
        "event whose hash or link to its predecessor does not match (docs/security.md R4). "
        "--print-head prints the newest intact event's hash to copy off the server "
        "(ASVS 16.4.3); --expect-head checks that a hash copied earlier is still in the chain, "
        "which catches a trail rewritten from some point on, hashes and all. "
        "Then recomputes every sealed record (incidents, actions, marks, attachments with "
        "their stored files, corrections...) from the database and the files, and names each "
        "one that differs from what the trail sealed, is missing, or was never sealed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-head",
            action="store_true",
            help="Also print the head: the newest event's id, time, hash and the event count.",
        )
        parser.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="HASH",
            help="A head hash anchored earlier; fail unless the chain still holds it. Repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = frozenset(h.strip().lower() for h in options["expect_head"])
        result = check_chain(expect=expected)
        if result.broken is not None:
            broken = result.broken
            raise CommandError(
                f"Audit chain broken at event #{broken.pk} ({broken.action}, "
                f"{broken.created_at.isoformat()}); {result.checked} events before it are intact."
            )
        missing = sorted(expected - result.seen)
        if missing:
            raise CommandError(
                "Audit chain verifies on its own but no longer holds the anchored head(s) "
                + ", ".join(missing)
                + ": it has been rewritten or restored from an older copy."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} events checked.")
        if options["print_head"]:
            head = result.head
            if head is None:
                self.stdout.write("Head: none (the audit trail is empty).")
            else:
                self.stdout.write(
                    f"Head: event #{head.pk} at {head.created_at.isoformat()}, "
                    f"{result.checked} events, hash {head.hash}"
                )
        records = check_records()
        if records.problem_count:
            for problem in records.problems:
                self.stderr.write(problem)
            if records.problem_count > len(records.problems):
                self.stderr.write(f"... and {records.problem_count - len(records.problems)} more.")
            plural = "s" if records.problem_count != 1 else ""
            raise CommandError(
                f"Sealed records: {records.problem_count} problem{plural} "
                f"({records.checked} records checked); the first: {records.problems[0]}"
            )
        self.stdout.write(f"Sealed records intact: {records.checked} records checked.")

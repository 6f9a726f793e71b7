from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.audit.models import AuditEvent
from safeguard.audit.seal_checks import check_records
from safeguard.audit.services import ChainState, check_chain, schools


def chain_name(key: int | None) -> str:
    """How the output names a chain: the deployment's, or a school's by id and name."""
    if key is None:
        return "the deployment's chain"
    school = schools().filter(pk=key).first()
    return f"the chain of school {key}" + (f" ({school})" if school is not None else "")


def breakage(chain: ChainState, broken: AuditEvent) -> str:
    return (
        f"{chain_name(chain.key)} is broken at event #{broken.pk} ({broken.action}, "
        f"{broken.created_at.isoformat()}); {chain.checked} events before it are intact"
    )


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains: one per school, and the deployment's, which "
        "holds events of no school and every event written before chains were per school. "
        "Exits non-zero and names, for each chain, the first event whose hash or link to its "
        "predecessor does not match (docs/security.md R4). "
        "--print-head prints each chain's newest intact event's hash to copy off the server "
        "(ASVS 16.4.3); --expect-head checks that a hash copied earlier is still in its chain, "
        "which catches a trail rewritten from some point on, hashes and all. "
        "Then recomputes every sealed record (incidents, actions, marks, attachments with "
        "their stored files, corrections...) from the database and the files, and names each "
        "one that differs from what the trail sealed, is missing, or was never sealed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-head",
            action="store_true",
            help="Also print each chain's head: its newest event's id, time, hash and count.",
        )
        parser.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="HASH",
            help="A head hash anchored earlier; fail unless its chain still holds it. Repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = frozenset(h.strip().lower() for h in options["expect_head"])
        result = check_chain(expect=expected)
        broken = [
            breakage(chain, chain.broken) for chain in result.chains if chain.broken is not None
        ]
        if broken:
            for line in broken:
                self.stderr.write(f"Audit chain broken: {line}.")
            raise CommandError(
                f"Audit chain broken in {len(broken)} of {len(result.chains)} chains; the "
                f"first: {broken[0]}."
            )
        missing = sorted(expected - result.seen)
        if missing:
            raise CommandError(
                "An audit chain verifies on its own but no longer holds the anchored head(s) "
                + ", ".join(missing)
                + ": the trail has been rewritten or restored from an older copy."
            )
        plural = "s" if len(result.chains) != 1 else ""
        self.stdout.write(
            f"Audit chain intact: {result.checked} events checked in "
            f"{len(result.chains)} chain{plural}."
        )
        if options["print_head"]:
            if not result.chains:
                self.stdout.write("Head: none (the audit trail is empty).")
            for chain in result.chains:
                head = chain.head
                if head is None:
                    continue
                self.stdout.write(
                    f"Head: event #{head.pk} at {head.created_at.isoformat()}, "
                    f"{chain.checked} events, hash {head.hash}, of {chain_name(chain.key)}"
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
        destroyed = (
            f"; {records.destroyed} destroyed at the end of their retention period, as the "
            "trail records"
            if records.destroyed
            else ""
        )
        self.stdout.write(f"Sealed records intact: {records.checked} records checked{destroyed}.")

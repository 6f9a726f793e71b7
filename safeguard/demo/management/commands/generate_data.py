"""`manage.py generate_data --size school|trust|authority|tiny`: see docs/performance.md."""

import os
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.demo.synthetic import database
from safeguard.demo.synthetic.build import build
from safeguard.demo.synthetic.sizes import SIZES


class Command(BaseCommand):
    help = (
        "Build a synthetic dataset (fictional schools, staff, pupils, incidents, actions, "
        "alerts and their audit trail) straight into the configured database, for measuring "
        "Safeguard at a school's, a trust's or a local authority's size. Refuses a database "
        "that holds any real school unless --force. Safe to re-run: a size already built is "
        "left as it is. --reset drops every table of the (dedicated) database and migrates "
        "it again first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", required=True, choices=list(SIZES))
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even though the database holds schools the generator did not make.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Drop every table and migrate again before building (a dedicated database only).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes making schools beside the one loading them (PostgreSQL; 0: none). "
            "The data is the same whatever the number.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["size"]
        database.check_reachable()
        real = database.real_schools()
        if real and not options["force"]:
            raise CommandError(
                f"This database holds {real} real school{'s' if real != 1 else ''} (not made by "
                "the generator). Synthetic data goes into a database of its own: point "
                "DATABASE_URL at an empty, migrated database, or pass --force if you really "
                "mean to add fictional schools beside real ones."
            )
        if options["reset"]:
            if real:
                raise CommandError(
                    "--reset drops every table: refused while real schools are here."
                )
            self.stdout.write("Dropping every table and migrating again...")
            database.drop_everything()
            call_command("migrate", verbosity=0)
        existing = database.existing_dataset()
        if existing is not None:
            if existing.size == size and existing.is_complete:
                self.stdout.write(f"The {size} dataset is already built here; nothing to do.")
                return
            state = "complete" if existing.is_complete else "unfinished (a build was interrupted)"
            raise CommandError(
                f"This database already holds the {existing.size} dataset, {state}. Build each "
                "size in a database of its own, or pass --reset to drop it and start again."
            )
        started = time.monotonic()
        dataset = build(
            size,
            seed=options["seed"],
            workers=max(0, options["workers"]),
            show_progress=not options["no_progress"],
            say=self.stdout.write,
        )
        seconds = time.monotonic() - started
        total = sum(dataset.rows.values())
        for table, rows in dataset.rows.items():
            self.stdout.write(f"  {table:<42} {rows:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the {size} dataset: {total:,} rows in {seconds:,.0f} s "
                f"({total / max(seconds, 0.001):,.0f} rows/s)."
            )
        )

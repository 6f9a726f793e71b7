"""`python -m bench.cost` (`make bench-cost`): what each page costs on its own, one request
at a time, in one process, against a benchmark dataset already built by `make bench`.

    python -m bench.cost --size school              # every page: queries, database ms, total ms
    python -m bench.cost --size school --profile incident_list   # and where its time goes

Under the benchmark's load every request also waits for the others; here nothing waits, so
the figures are each page's own work: the queries it runs and their time in the database,
and the whole request through every middleware (Django's test client, no HTTP). A page's
total minus its database time is Python: the framework, the ORM and the templates. The
docs (docs/performance.md, "What limits the pages") quote these figures.
"""

import argparse
import os
import subprocess
import sys

from bench import database
from bench.errors import BenchError
from bench.stack import PROJECT, environment, manage, refuse_debug
from safeguard.demo.synthetic import identities

PAGES = (
    "floor",
    "dashboard_dsl",
    "dashboard_teacher",
    "incident_list",
    "incident_page",
    "incident_form",
    "pupil_search",
    "alerts",
    "my_tasks",
    "pupil_page",
    "review_queue",
    "pupil_access_log",
    "audit_trail",
)


def arguments(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=("school", "trust", "authority"), default="school")
    p.add_argument("--database-url", help="as for python -m bench")
    p.add_argument("--repeat", type=int, default=30, help="requests per page (default 30)")
    p.add_argument("--profile", metavar="PAGE", choices=PAGES, help="also profile this page")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    try:
        refuse_debug(os.environ)
        target = database.target_for(args.size, args.database_url)
        database.ensure_database(target)  # says what to do when PostgreSQL is not there
        if not database.has_account(target, identities.role_email(1, "dsl")):
            raise BenchError(
                f"No {args.size} dataset in {target.name}: build it with make bench SIZE={args.size}."
            )
        env = environment(target.url, 0)
        env["SITE_URL"] = "http://127.0.0.1"
        manage(env, "createcachetable")  # sign-in's rate limits need it, as the server does
        command = [sys.executable, "-m", "bench.cost_inside", str(args.repeat)]
        if args.profile:
            command.append(args.profile)
        # In a process of its own, with the benchmark's production-like settings.
        done = subprocess.run(command, env=env, cwd=PROJECT, check=False)  # noqa: S603
    except BenchError as error:
        print(f"bench.cost: {error}", file=sys.stderr)
        return 2
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

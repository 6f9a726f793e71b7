"""`python -m bench` (`make bench`): build the dataset if missing, start the stack, run the
load generator, write var/bench/<size>.json and print it as a table; or compare two runs.

    python -m bench --size school            # or trust, authority; demo: the demo data
    python -m bench --compare a.json,b.json
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import database, stats
from bench.accounts import SYNTHETIC_ACCOUNTS_SQL, Account, demo_accounts, synthetic_accounts
from bench.errors import BenchError
from bench.stack import (
    PROJECT,
    VAR,
    ServerShape,
    Stack,
    collect_static,
    environment,
    free_port,
    has_command,
    manage,
    refuse_debug,
    running,
)
from safeguard.demo.synthetic import identities

SIZES = ("school", "trust", "authority", "demo")


def arguments(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    p.add_argument(
        "--size",
        choices=SIZES,
        default="school",
        help="the dataset (demo: the demo data, load_demo)",
    )
    p.add_argument(
        "--compare",
        metavar="A.json,B.json",
        help="print two results side by side instead of running",
    )
    p.add_argument("--duration", type=float, default=60, help="measured seconds (default 60)")
    p.add_argument("--warmup", type=float, default=10, help="unmeasured seconds first (default 10)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument(
        "--schools",
        type=int,
        default=1,
        help="sign in as every role of schools 1..N (synthetic data)",
    )
    p.add_argument(
        "--deep-pages",
        type=int,
        default=50,
        help="how many 'Older' links lead to the deep page (50)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--database-url",
        help="default: BENCH_DATABASE_URL, else " + database.DEFAULT_URL.replace("%", "%%"),
    )
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--worker-class", default=ServerShape.worker_class)
    p.add_argument("--workers", type=int, default=ServerShape.workers)
    p.add_argument("--threads", type=int, default=ServerShape.threads)
    p.add_argument("--output", type=Path, help="default: var/bench/<size>.json")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    try:
        if args.compare:
            print(compare(args.compare))
            return 0
        result = run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; the server and worker were stopped.", file=sys.stderr)
        return 130
    print(stats.result_table(result))
    return 0


def compare(spec: str) -> str:
    paths = [Path(p.strip()) for p in spec.split(",")]
    if len(paths) != 2:
        raise BenchError(
            "COMPARE takes two result files: COMPARE=var/bench/a.json,var/bench/b.json"
        )
    results = []
    for path in paths:
        try:
            results.append(json.loads(path.read_text()))
        except (OSError, ValueError) as error:
            raise BenchError(f"Cannot read the result {path}: {error}") from None
    return stats.compare_table(results[0], results[1], names=(paths[0].stem, paths[1].stem))


def run(args: argparse.Namespace) -> dict[str, Any]:
    refuse_debug(os.environ)
    target = database.target_for(args.size, args.database_url)
    port = args.port or free_port()
    env = environment(target.url, port)
    created = database.ensure_database(target)
    print(
        f"Database {target.name} on {target.where}{' (created)' if created else ''}; migrating...",
        flush=True,
    )
    if (
        manage(env, "migrate", "--noinput", "-v0").returncode != 0
        or manage(env, "createcachetable", "-v0").returncode != 0
    ):
        raise BenchError("manage.py migrate failed on the benchmark database: see above.")
    accounts = load_accounts(args, target, env)
    if database.never_analysed(target):
        # A dataset built by hand (manage.py generate_data) has no statistics yet: without
        # them the planner guesses, and the figures measure its guesses.
        print(f"Gathering statistics (ANALYZE) in {target.name}...", flush=True)
        database.analyse(target)
    collect_static(env)
    dataset = database.table_rows(target)
    settings = database.server_settings(target)
    shape = ServerShape(args.worker_class, args.workers, args.threads)
    stack = Stack(env, port, shape, VAR / f"{args.size}-server.log")
    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    if load_before[0] > (os.cpu_count() or 1) / 2:
        print(
            f"Warning: the machine is already busy (load average {load_before[0]:.1f} on {os.cpu_count()} cores): "
            "the figures will be slower than on a quiet machine.",
            file=sys.stderr,
        )
    with running(stack):
        print(
            f"Server ready at {stack.url}; {len(accounts)} people sign in, then {args.warmup:.0f} s warm-up and {args.duration:.0f} s measured with {args.concurrency} clients...",
            flush=True,
        )
        raw = generate_load(args, stack, accounts)
    result = stats.build_result(
        raw["samples"],
        raw["errors"],
        seconds=raw["seconds"],
        dataset=dataset,
        extra={
            "size": args.size,
            "started_at": started.isoformat(timespec="seconds"),
            "duration_s": round(raw["seconds"], 1),
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "server": {
                "gunicorn": vars(shape),
                "debug": False,
                "task_worker": "manage.py db_worker",
            },
            "postgresql": settings,
            "machine": machine(load_before),
            "people": raw["people"],
            "deep_page_depth": raw["deep_page_depth"],
            "journeys_left_out": raw["journeys_left_out"],
            "step_ups": raw["step_ups"],
            "error_examples": raw["error_examples"],
        },
    )
    output = args.output or VAR / f"{args.size}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    for name, examples in raw["error_examples"].items():
        print(f"errors in {name}: " + "; ".join(examples[:3]), file=sys.stderr)
    print(
        f"Written to {output.relative_to(PROJECT) if output.is_relative_to(PROJECT) else output}\n"
    )
    return result


def load_accounts(
    args: argparse.Namespace, target: database.Target, env: dict[str, str]
) -> list[Account]:
    """Build the dataset if it is missing, and say whom to sign in as."""
    if args.size == "demo":
        print("Loading the demo data (load_demo)...", flush=True)
        loaded = manage(env, "load_demo", capture=True)
        if loaded.returncode != 0:
            raise BenchError(
                f"manage.py load_demo failed (exit {loaded.returncode}):\n{loaded.stderr.strip()}"
            )
        return demo_accounts(loaded.stdout)
    if not database.has_account(target, identities.role_email(1, "dsl")):
        build_dataset(args.size, target, env)
    found = synthetic_accounts(
        database.rows(target, SYNTHETIC_ACCOUNTS_SQL, (f"%.{identities.DOMAIN}",)),
        schools=args.schools,
    )
    if not found:
        raise BenchError(
            f"The database {target.name} holds no synthetic accounts ({identities.role_email(1, 'dsl')}...): "
            f"drop it (`dropdb {target.name}`) and run the benchmark again to rebuild it."
        )
    return found


def build_dataset(size: str, target: database.Target, env: dict[str, str]) -> None:
    if not has_command(env, "generate_data"):
        raise BenchError(
            "The dataset is missing and this checkout has no `manage.py generate_data` command to "
            "build it. Use `make bench SIZE=demo` to measure the demo data instead."
        )
    print(
        f"Building the {size} dataset in {target.name} (manage.py generate_data --size {size})...",
        flush=True,
    )
    built = manage(env, "generate_data", "--size", size)
    if built.returncode != 0:
        raise BenchError(
            f"`manage.py generate_data --size {size}` failed (exit {built.returncode}): its output is above. "
            f"The database {target.name} may hold a part-built dataset: drop it before trying again."
        )
    database.analyse(target)


def generate_load(
    args: argparse.Namespace, stack: Stack, accounts: list[Account]
) -> dict[str, Any]:
    config = {
        "base_url": stack.url,
        "accounts": [a.as_dict() for a in accounts],
        "duration": args.duration,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "deep_pages": args.deep_pages,
        "seed": args.seed,
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        config_path, out_path = Path(tmp) / "config.json", Path(tmp) / "out.json"
        descriptor = os.open(config_path, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(config, file)
        done = subprocess.run(  # noqa: S603 (our interpreter and module, no shell)
            [sys.executable, "-m", "bench.load", str(config_path), str(out_path)],
            cwd=PROJECT,
            check=False,
        )
        if done.returncode != 0:
            hint = (
                " If var/bench/mfa-key changed since the dataset was built, drop the database to rebuild it."
                if done.returncode == 3
                else ""
            )
            raise BenchError(
                f"The load generator failed (exit {done.returncode}).{hint}\nServer log:\n{stack.log_tail()}"
            )
        raw: dict[str, Any] = json.loads(out_path.read_text())
        return raw


def machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    model = ""
    try:
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }

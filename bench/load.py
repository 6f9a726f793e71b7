"""The load generator, a process of its own: `python -m bench.load CONFIG.json OUT.json`.

It signs everyone in, finds what each person's pages offer, then runs `concurrency`
threads, each with its own keep-alive connection, making journeys back to back (no think
time) for `warmup` seconds unmeasured and `duration` seconds measured. It writes the raw
timings to OUT.json; the runner turns them into the result.
"""

import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.accounts import Account
from bench.client import Connection
from bench.people import Person, SignInFailed, discover, sign_in
from bench.workload import Journey, Recorder, Run, journeys


def prepare(config: dict[str, Any]) -> list[Person]:
    people = [Person(Account(**a)) for a in config["accounts"]]

    def ready(person: Person) -> Person:
        conn = Connection(config["base_url"])
        try:
            sign_in(conn, person)
            discover(conn, person, deep_pages=config["deep_pages"])
        finally:
            conn.close()
        return person

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(ready, people))


def choose(rng: random.Random, mix: list[Journey]) -> Journey:
    return rng.choices(mix, weights=[j.weight for j in mix])[0]


def worker(
    number: int,
    config: dict[str, Any],
    mix: list[Journey],
    recorder: Recorder,
    stop: threading.Event,
) -> None:
    rng = random.Random(config["seed"] * 1000 + number)  # noqa: S311 (a repeatable mix, not a secret)
    run = Run(Connection(config["base_url"]), recorder, rng)
    while not stop.is_set():
        journey = choose(rng, mix)
        person = rng.choice(journey.eligible)
        try:
            journey.run(run, person)
        except Exception as error:  # a dropped connection or a page we could not read
            recorder.add(journey.name, 0.0, f"{type(error).__name__}: {error}")
            run.conn.close()
    run.conn.close()


def measure(config: dict[str, Any], people: list[Person]) -> dict[str, Any]:
    mix = journeys()
    for journey in mix:
        journey.eligible = [p for p in people if journey.who(p)]
    left_out = [j.name for j in mix if not j.eligible]
    mix = [j for j in mix if j.eligible]
    recorder, stop = Recorder(), threading.Event()
    threads = [
        threading.Thread(target=worker, args=(n, config, mix, recorder, stop), daemon=True)
        for n in range(config["concurrency"])
    ]
    for thread in threads:
        thread.start()
    time.sleep(config["warmup"])
    recorder.measuring = True
    started = time.perf_counter()
    time.sleep(config["duration"])
    recorder.measuring = False
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    leads = [p for p in people if p.deep_page]
    return {
        "samples": dict(recorder.samples),
        "errors": dict(recorder.errors),
        "error_examples": dict(recorder.examples),
        "seconds": seconds,
        "people": [f"{p.account.email} ({p.role})" for p in people],
        "journeys_left_out": left_out,
        "deep_page_depth": max((p.deep_page_depth for p in leads), default=0),
        "step_ups": recorder.step_ups,
    }


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text())
    try:
        people = prepare(config)
    except SignInFailed as failure:
        print(f"bench: could not sign in: {failure}", file=sys.stderr)
        return 3
    Path(argv[1]).write_text(json.dumps(measure(config, people)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The inside of `python -m bench.cost`: run with the benchmark's environment, in a process
of its own. Signs in the synthetic school 1's DSL and teacher the way people do (password,
then the authenticator code), finds a page of each kind from the pages themselves, then
requests each page `repeat` times and prints its queries, database time and total time."""

import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.accounts import totp  # noqa: E402
from bench.cost import PAGES  # noqa: E402
from safeguard.demo.synthetic import identities  # noqa: E402

Request = Callable[[], Any]


def signed_in(role: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Mozilla/5.0 (bench.cost)")
    email = identities.role_email(1, role)
    response = client.post("/accounts/login/", {"login": email, "password": identities.PASSWORD})
    if "2fa" in response.get("Location", ""):
        code, _ = totp(identities.totp_secret(1, role))
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    if client.get("/ping/").status_code != 200:
        raise SystemExit(f"Could not sign in as {email}: is the synthetic dataset built?")
    return client


def first(pattern: str, page: str) -> str:
    found = re.search(pattern, page)
    if found is None:
        raise SystemExit(f"No link matching {pattern} on the page")
    return found.group(1)


def pages() -> dict[str, Request]:
    dsl, teacher = signed_in("dsl"), signed_in("teacher")
    listed = dsl.get("/incidents/").content.decode()
    incident = first(r'href="(/incidents/[a-z2-7]{13}/)"', listed)
    pupil = first(r'href="(/pupils/\d+/)"', dsl.get("/pupils/").content.decode())
    access = first(r'href="(/audit/pupil/\d+/)"', dsl.get(pupil).content.decode())
    return {
        "floor": lambda: teacher.get("/ping/"),
        "dashboard_dsl": lambda: dsl.get("/"),
        "dashboard_teacher": lambda: teacher.get("/"),
        "incident_list": lambda: dsl.get("/incidents/"),
        "incident_page": lambda: dsl.get(incident),
        "incident_form": lambda: teacher.get("/incidents/new/"),
        "pupil_search": lambda: teacher.post(
            "/incidents/pupil-search/", {"term": "Sam"}, HTTP_HX_REQUEST="true"
        ),
        "alerts": lambda: dsl.get("/alerts/"),
        "my_tasks": lambda: teacher.get("/incidents/tasks/"),
        "pupil_page": lambda: dsl.get(pupil),
        "review_queue": lambda: dsl.get("/casework/review/"),
        "chronology": lambda: dsl.get(f"{pupil}chronology/"),
        "pupil_access_log": lambda: dsl.get(access),
        "audit_trail": lambda: dsl.get("/audit/"),
    }


def measure(request: Request, repeat: int) -> tuple[int, int, float, float]:
    """(status, queries, database ms, total ms): medians over `repeat` requests."""
    request()  # warm: templates compiled, connection open
    totals, databases, counts = [], [], []
    status = 0
    spent: list[float] = []

    def timed(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    for _ in range(repeat):
        spent.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            status = request().status_code
        totals.append(time.perf_counter() - started)
        databases.append(sum(spent))
        counts.append(len(spent))
    return (
        status,
        round(statistics.median(counts)),
        statistics.median(databases) * 1000,
        statistics.median(totals) * 1000,
    )


def main(repeat: int, profile: str | None) -> None:
    requests = pages()
    print(
        f"{'page':<18} {'status':>6} {'queries':>7} {'db ms':>7} {'total ms':>8} {'python ms':>9}"
    )
    for name in PAGES:
        status, queries, db_ms, total_ms = measure(requests[name], repeat)
        print(
            f"{name:<18} {status:>6} {queries:>7} {db_ms:>7.1f} {total_ms:>8.1f} "
            f"{total_ms - db_ms:>9.1f}"
        )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            requests[profile]()
        profiler.disable()
        print(f"\n{profile}: where {repeat} requests spent their time (cumulative)")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)

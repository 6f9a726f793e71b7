"""How long the server takes to show the DSL's casework pages: p50/p95 over N requests.

A pupil's chronology at 300 and at 1,000 entries (its first page, the significant events
only, a later page, the printed copy and the PDF) and the review queue with 200 incidents
waiting. Runs the real stack in-process (middleware, views, templates, the audit events each
showing writes, WeasyPrint) against a fresh test database: SQLite by default, PostgreSQL when
DATABASE_URL is set. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_casework.py                 # 30 requests per page
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bench_casework.py -n 50
"""

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("MFA_ENCRYPTION_KEYS", "YmVuY2htYXJrLW9ubHktbm90LXNlY3JldC0xMjM0NTY=")
os.environ.setdefault("SITE_URL", "http://localhost:8000")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=30, help="per page and size")
    parser.add_argument("--pdf-requests", type=int, default=5, help="PDFs per size")
    parser.add_argument("--waiting", type=int, default=200, help="incidents in the queue")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[300, 1000], help="chronologies' entries"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        # Pages link to static files by name; no collectstatic manifest is needed here.
        with override_settings(
            STORAGES=plain_static,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            run(args, Client)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(label: str, times: int, request: Callable[[], Any]) -> None:
    """Run `request` `times` times after one warm-up; print p50, p95 and max in ms."""
    from django.db import connection, reset_queries

    request()
    timings, queries = [], []
    for _ in range(times):
        reset_queries()
        started = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(connection.queries))
        if response.status_code != 200:
            raise SystemExit(f"{label} answered {response.status_code}")
    timings.sort()
    p95 = timings[max(0, math.ceil(len(timings) * 0.95) - 1)]  # nearest rank
    print(
        f"{label:<42} p50 {statistics.median(timings):8.1f}  p95 {p95:8.1f}  "
        f"max {timings[-1]:8.1f}  queries {max(queries):3d}  (n={times})"
    )


def run(args: argparse.Namespace, client_class: type) -> None:
    from django.conf import settings
    from django.urls import reverse

    from safeguard.accounts.models import Membership
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.tests.factories import SchoolFactory, member, passed_second_factor
    from safeguard.casework.tests.factories import bulk_chronology
    from safeguard.incidents.tests.factories import record_test_incident
    from safeguard.pupils.tests.factories import PupilFactory

    school = SchoolFactory(name="Benchmark Primary")
    dsl = member(school, Role.DSL)
    lead = Membership.objects.for_school(school).get(user=dsl)
    author = Membership.objects.for_school(school).get(user=member(school, Role.TEACHER))
    client = client_class()
    client.force_login(dsl)
    passed_second_factor(client, dsl)
    client.get("/")  # warm up: session, membership, templates
    settings.DEBUG = True  # count queries
    print(f"database: {connection_vendor()}; times are server time in ms")

    start = 0
    for size in args.sizes:
        pupil = PupilFactory(school=school)
        # Each pupil's entries on their own days (the rows' references must differ too).
        bulk_chronology(lead, pupil, size, start=start)
        start += size
        chronology(client, pupil.pk, size, args)

    if not args.waiting:
        return
    for index in range(args.waiting):
        record_test_incident(author, pupil=PupilFactory(school=school), text=f"Waiting {index}.")
    queue = reverse("casework:review-queue")
    timed(f"review queue ({args.waiting} waiting)", args.requests, lambda: client.get(queue))


def chronology(client: Any, pupil_id: int, size: int, args: argparse.Namespace) -> None:
    from django.urls import reverse

    page = reverse("casework:chronology", kwargs={"pupil_id": pupil_id})
    printed = reverse("casework:chronology-print", kwargs={"pupil_id": pupil_id})
    pdf = reverse("casework:chronology-pdf", kwargs={"pupil_id": pupil_id})
    older = client.get(page).context["page"].older
    later = {"after": older.cursor.encode()}
    timed(f"chronology {size}: first page", args.requests, lambda: client.get(page))
    timed(
        f"chronology {size}: significant only",
        args.requests,
        lambda: client.post(page, {"view": "significant"}),
    )
    timed(f"chronology {size}: second page", args.requests, lambda: client.post(page, later))
    timed(f"chronology {size}: printed (all entries)", args.requests, lambda: client.post(printed))
    pdf_made_by_the_worker(client, pdf, size, args.pdf_requests)


def pdf_made_by_the_worker(client: Any, pdf: str, size: int, times: int) -> None:
    """Ask for the PDF (the request), make it as the worker does (timed apart), download it."""
    from safeguard.casework.chronology.exports import prepare

    asked, made, fetched = [], [], []
    for _ in range(times):
        started = time.perf_counter()
        response = client.post(pdf)
        asked.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            raise SystemExit(f"asking for the PDF answered {response.status_code}")
        export_url = response["Location"]
        export_id = int(export_url.rstrip("/").split("/")[-1])
        school_id = client.get(export_url).context["export"].school_id
        started = time.perf_counter()
        if prepare(export_id=export_id, school_id=school_id) != "ready":
            raise SystemExit("the worker could not make the PDF")
        made.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        download = client.post(f"{export_url}download/")
        fetched.append((time.perf_counter() - started) * 1000)
        if download["Content-Type"] != "application/pdf":
            raise SystemExit("the PDF was not downloaded")
    for label, timings in (("asked", asked), ("made by the worker", made), ("downloaded", fetched)):
        timings.sort()
        p95 = timings[max(0, math.ceil(len(timings) * 0.95) - 1)]  # nearest rank
        print(
            f"{f'chronology {size}: PDF {label}':<42} p50 {statistics.median(timings):8.1f}  "
            f"p95 {p95:8.1f}  max {timings[-1]:8.1f}  (n={times})"
        )


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


if __name__ == "__main__":
    main()

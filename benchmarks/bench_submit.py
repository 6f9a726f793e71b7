"""How long the server takes to record an incident: p50/p95 over N submits.

Runs the real stack in-process (middleware, form, service, audit, alert rows
and the enqueued email tasks) against a fresh test database: SQLite by
default, PostgreSQL when DATABASE_URL is set. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_submit.py            # 100 submits on SQLite
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bench_submit.py -n 200
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("MFA_ENCRYPTION_KEYS", "YmVuY2htYXJrLW9ubHktbm90LXNlY3JldC0xMjM0NTY=")
os.environ.setdefault("SITE_URL", "http://localhost:8000")

SALLY = (
    "During lunchtime play, Sally approached me and was crying. I asked her what the matter was "
    "and she replied - 'I don't like my life anymore' I asked her why and she replied - 'My mum "
    "and her boyfriend argue all the time, they always have cans of stuff which they drink, I "
    "really don't want to go home today because they are having a party tonight and that man "
    "will be there- you know that one....' I told Sally that I did not know what man she meant. "
) * 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--submits", type=int, default=100)
    parser.add_argument("--pupils", type=int, default=500)
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
        with override_settings(STORAGES=plain_static):
            run(args, Client)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args, client_class) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries

    from safeguard.accounts.models import Membership
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.services import slt_group_of
    from safeguard.accounts.tests.factories import SchoolFactory, member
    from safeguard.incidents.models import Category, Incident
    from safeguard.pupils.tests.factories import PupilFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = SchoolFactory(name="Benchmark Primary")
    for role in (Role.DSL, Role.DEPUTY_DSL):
        member(school, role)
    slt = slt_group_of(school)
    for _ in range(5):
        slt.members.add(Membership.objects.for_school(school).get(user=member(school, Role.SLT)))
    author = member(school, Role.MIDDAY)
    pupils = [PupilFactory(school=school) for _ in range(args.pupils)]
    category = Category.objects.for_school(school).get(name="Family / home circumstances")
    client = client_class()
    client.force_login(author)
    client.get("/")  # warm up: session, membership, templates

    timings, queries = [], []
    settings.DEBUG = True  # count queries
    for index in range(args.submits):
        pupil = pupils[index % len(pupils)]
        data = {
            "intent": "submit",
            "submit_key": str(uuid.uuid4()),
            "pupil": pupil.pk,
            "kind": "conversation",
            "text": SALLY,
            "occurred_on": time.strftime("%Y-%m-%d"),
            "occurred_time": "00:01",
            "location": "Playground",
            "spoke_to_dsl": "no",
            "categories": [category.pk],
            "groups": [slt.pk],
        }
        reset_queries()
        started = time.perf_counter()
        response = client.post("/incidents/new/", data)
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(connection.queries))
        if response.status_code != 302:
            raise SystemExit(f"submit {index} failed with {response.status_code}")
    recorded = Incident.objects.for_school(school).count()
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"database: {connection.vendor}; submits: {len(timings)}; incidents recorded: {recorded}")
    print(
        f"server time per submit (ms): p50 {statistics.median(timings):.1f}  p95 {p95:.1f}  max {timings[-1]:.1f}"
    )
    print(f"queries per submit: median {statistics.median(queries):.0f}, max {max(queries)}")
    print("each submit alerted 7 people (5 SLT + 2 DSLs): alert rows and email tasks included")


if __name__ == "__main__":
    main()

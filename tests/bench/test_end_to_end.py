"""One short real run: the demo data on PostgreSQL, gunicorn, the task worker and the load
generator, end to end. A fresh database is migrated and filled first, so it takes about a
minute, or more on a busy machine: it runs only when BENCH_TEST_DATABASE_URL names a
PostgreSQL database it may create, fill and drop (postgres://USER:PASSWORD@HOST/NAME)."""

import json
import os

import psycopg
import pytest
from psycopg import sql

from bench import database
from bench.runner import main
from bench.stats import SUMMARY_KEYS


@pytest.fixture
def scratch_database():
    url = os.environ.get("BENCH_TEST_DATABASE_URL")
    if not url:
        pytest.skip("set BENCH_TEST_DATABASE_URL=postgres://... to run the benchmark end to end")
    target = database.Target(url)
    try:
        created = database.ensure_database(target)
    except database.BenchError as error:
        pytest.skip(f"no scratch database for the benchmark: {error}")
    yield url
    if created:
        with psycopg.connect(target.with_database("postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target.name))
            )


def test_a_short_run_on_the_demo_data(scratch_database, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DEBUG", raising=False)
    output = tmp_path / "demo.json"
    arguments = ["--size", "demo", "--database-url", scratch_database, "--output", str(output)]
    assert main([*arguments, "--duration", "4", "--warmup", "1", "--concurrency", "2"]) == 0

    result = json.loads(output.read_text())
    assert set(SUMMARY_KEYS) == set(result["floor"])
    assert result["floor"]["count"] > 0
    assert result["rps"] > 0
    assert result["dataset"]["incidents_incident"] >= 17
    assert result["journeys_left_out"] == []
    assert {page: s["errors"] for page, s in result["pages"].items() if s["errors"]} == {}
    assert result["floor"]["errors"] == 0
    assert result["postgresql"]["shared_buffers"]
    assert "requests per second" in capsys.readouterr().out

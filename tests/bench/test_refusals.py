"""The benchmark refuses bad input with a message that says what to do."""

import socket

import pytest

from bench import database
from bench.errors import BenchError
from bench.runner import build_dataset, main
from bench.stack import refuse_debug


@pytest.mark.parametrize("value", ["1", "true", "True", "on", "yes"])
def test_it_refuses_to_run_with_debug_on(value):
    with pytest.raises(BenchError, match=f"DEBUG is on \\(DEBUG={value}\\).*Unset DEBUG"):
        refuse_debug({"DEBUG": value})


@pytest.mark.parametrize("environ", [{}, {"DEBUG": "0"}, {"DEBUG": "false"}, {"DEBUG": ""}])
def test_debug_off_or_unset_is_accepted(environ):
    refuse_debug(environ)


def test_make_bench_with_debug_on_stops_before_anything_starts(monkeypatch, capsys):
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setattr(database, "ensure_database", pytest.fail)  # never reached
    assert main(["--size", "school"]) == 2
    assert "DEBUG is on" in capsys.readouterr().err


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_missing_postgresql_is_named_with_what_to_start():
    port = unused_port()
    target = database.target_for(
        "school", f"postgres://u:p@127.0.0.1:{port}/safeguard_bench_{{size}}"
    )
    assert target.name == "safeguard_bench_school"
    with pytest.raises(BenchError) as refused:
        database.ensure_database(target)
    message = str(refused.value)
    assert f"No PostgreSQL answers at 127.0.0.1:{port}" in message
    assert "pg_ctlcluster" in message and "BENCH_DATABASE_URL" in message


def test_make_bench_without_postgresql_says_so(monkeypatch, capsys):
    monkeypatch.delenv("DEBUG", raising=False)
    url = f"postgres://u:p@127.0.0.1:{unused_port()}/x"
    assert main(["--size", "school", "--database-url", url]) == 2
    assert "No PostgreSQL answers" in capsys.readouterr().err


def test_only_postgresql_is_measured():
    with pytest.raises(BenchError, match="PostgreSQL only"):
        database.target_for("school", "sqlite:///var/x.sqlite3")


def test_a_missing_dataset_command_is_named(monkeypatch):
    monkeypatch.setattr("bench.runner.has_command", lambda env, name: False)
    target = database.Target("postgres://u:p@127.0.0.1:5432/safeguard_bench_school")
    with pytest.raises(BenchError, match=r"no `manage.py generate_data` command.*SIZE=demo"):
        build_dataset("school", target, {})


def test_a_failing_dataset_command_is_named(monkeypatch):
    class Failed:
        returncode = 1

    monkeypatch.setattr("bench.runner.has_command", lambda env, name: True)
    monkeypatch.setattr("bench.runner.manage", lambda env, *args, **kw: Failed())
    target = database.Target("postgres://u:p@127.0.0.1:5432/safeguard_bench_trust")
    with pytest.raises(
        BenchError, match=r"`manage.py generate_data --size trust` failed \(exit 1\).*drop it"
    ):
        build_dataset("trust", target, {})


def test_the_page_costs_refuse_debug_and_a_missing_dataset(monkeypatch, capsys):
    from bench import cost

    monkeypatch.setenv("DEBUG", "1")
    assert cost.main(["--size", "school"]) == 2
    assert "DEBUG is on" in capsys.readouterr().err

    monkeypatch.delenv("DEBUG")
    port = unused_port()
    url = f"postgres://u:p@127.0.0.1:{port}/safeguard_bench_{{size}}"
    assert cost.main(["--size", "school", "--database-url", url]) == 2
    assert f"No PostgreSQL answers at 127.0.0.1:{port}" in capsys.readouterr().err

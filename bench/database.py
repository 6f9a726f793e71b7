"""The benchmark's PostgreSQL database: reaching it, creating it, what it holds and which
settings it ran with. Each dataset lives in a database of its own (safeguard_bench_<size>)."""

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.errors import BenchError

DEFAULT_URL = "postgres://safeguard:safeguard@127.0.0.1:5432/safeguard_bench_{size}"
SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "max_connections",
)
# Tables counted for the result's "dataset": the apps' own, by the prefix Django gives them.
APP_TABLE_PREFIXES = ("accounts_", "pupils_", "incidents_", "audit_")
START_POSTGRES = (
    "start it (on Debian: `sudo pg_ctlcluster 15 main start`, or `sudo systemctl start postgresql`), "
    "or point BENCH_DATABASE_URL at a server that is running"
)


@dataclass(frozen=True)
class Target:
    url: str

    @property
    def parts(self) -> Any:
        return urlsplit(self.url)

    @property
    def name(self) -> str:
        return unquote(self.parts.path.lstrip("/"))

    @property
    def user(self) -> str:
        return (
            unquote(self.parts.username or "")
            or os.environ.get("PGUSER", "")
            or os.environ.get("USER", "")
        )

    @property
    def where(self) -> str:
        return f"{self.parts.hostname or 'localhost'}:{self.parts.port or 5432}"

    def with_database(self, name: str) -> str:
        p = self.parts
        return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, p.fragment))


def target_for(size: str, url: str | None) -> Target:
    """The database for `size`: BENCH_DATABASE_URL (or --database-url), where "{size}" is
    replaced, else a local database named safeguard_bench_<size>."""
    url = url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        raise BenchError(
            f"The benchmark runs on PostgreSQL only: {url!r} is not a postgres:// URL."
        )
    return Target(url.replace("{size}", size))


def connect(target: Target, *, database: str | None = None) -> psycopg.Connection[Any]:
    url = target.with_database(database) if database else target.url
    return psycopg.connect(url, connect_timeout=5, autocommit=True)


def ensure_database(target: Target) -> bool:
    """Reach the server and make sure the database exists; True if it was created now."""
    try:
        connect(target).close()
        return False
    except psycopg.OperationalError as error:
        message = str(error)
    if "does not exist" in message and f'database "{target.name}"' in message:
        create(target)
        return True
    if "password authentication failed" in message or (
        "role" in message and "does not exist" in message
    ):
        raise BenchError(
            f"PostgreSQL at {target.where} refused the user {target.user!r}: {first_line(message)}.\n"
            f'Create it (`sudo -u postgres psql -c "CREATE ROLE {target.user} LOGIN CREATEDB PASSWORD '
            f"'...'\"`) or set BENCH_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/safeguard_bench_{{size}}."
        )
    raise BenchError(
        f"No PostgreSQL answers at {target.where} ({first_line(message)}).\n"
        f"The benchmark needs PostgreSQL: {START_POSTGRES}."
    )


def create(target: Target) -> None:
    try:
        with connect(target, database="postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
    except psycopg.Error as error:
        raise BenchError(
            f"The database {target.name!r} does not exist and {target.user!r} may not create it "
            f"({first_line(str(error))}). Create it with:\n"
            f"    sudo -u postgres createdb -O {target.user} {target.name}"
        ) from None


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def server_settings(target: Target) -> dict[str, str]:
    def value(conn: psycopg.Connection[Any], query: sql.Composable | str) -> str:
        row = conn.execute(query).fetchone()  # type: ignore[arg-type]
        return str(row[0]) if row else ""

    with connect(target) as conn:
        found = {
            name: value(conn, sql.SQL("SHOW {}").format(sql.Identifier(name))) for name in SETTINGS
        }
        found["version"] = value(conn, "SELECT version()")
    return found


def table_rows(target: Target) -> dict[str, int]:
    """Exact row counts of the apps' tables (a few seconds at authority size)."""
    with connect(target) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
            if row[0].startswith(APP_TABLE_PREFIXES)
        ]
        counts = {}
        for table in tables:
            counted = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            counts[table] = int(counted[0]) if counted else 0
    return counts


def has_account(target: Target, email: str) -> bool:
    with connect(target) as conn:
        exists = conn.execute("SELECT to_regclass('accounts_user') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return False
        return (
            conn.execute("SELECT 1 FROM accounts_user WHERE email = %s", (email,)).fetchone()
            is not None
        )


def rows(target: Target, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connect(target) as conn:
        return list(conn.execute(query, params))


def never_analysed(target: Target) -> bool:
    """Whether a table of the records that holds rows has never had its statistics gathered."""
    with connect(target) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_stat_user_tables WHERE relname IN ('incidents_incident', "
            "'incidents_alert', 'audit_auditevent') AND n_live_tup > 0 "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL LIMIT 1"
        ).fetchone()
    return found is not None


def analyse(target: Target) -> None:
    with connect(target) as conn:
        conn.execute("ANALYZE")

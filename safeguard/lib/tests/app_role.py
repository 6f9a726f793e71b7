"""Tests on PostgreSQL as the application's own role (TEST_DATABASE_APP_ROLE; .ci/run sets it).

The test database is created and migrated as the owner, as in production; each
connection then does `SET ROLE` to the application's role, which owns nothing
(lib/db_roles.py). So the suite proves the app works with no more than the
rights docs/deploying.md gives it. What only the owner may do (clean-up between
tests, a test playing an attacker with the owner's rights) goes inside
`database_owner()`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections
from django.db.backends.signals import connection_created

from safeguard.lib.db_roles import grant_app_role

TEST_APP_ROLE = os.environ.get("TEST_DATABASE_APP_ROLE", "")
_owner = {"user": ""}


def set_app_role(sender, connection, **kwargs) -> None:
    """connection_created receiver: a connection logged in as the owner acts as the
    application's role from the start (one logged in as another role is left alone)."""
    if connection.vendor == "postgresql" and connection.settings_dict["USER"] == _owner["user"]:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(TEST_APP_ROLE)}")


def runs_as_app_role() -> bool:
    return bool(TEST_APP_ROLE) and connection.vendor == "postgresql"


def start() -> None:
    """After the test database is migrated, as its owner: set the role up, then use it."""
    role = connection.ops.quote_name(TEST_APP_ROLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [TEST_APP_ROLE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT {role} TO current_user")  # so SET ROLE may use it
    grant_app_role(connection, TEST_APP_ROLE)
    _owner["user"] = connection.settings_dict["USER"]
    connection_created.connect(set_app_role, dispatch_uid="test_app_role")
    for conn in connections.all(initialized_only=True):
        set_app_role(None, conn)


def stop() -> None:
    """Before the test database is dropped: new connections are the owner's again."""
    connection_created.disconnect(dispatch_uid="test_app_role")
    for conn in connections.all(initialized_only=True):
        conn.close()


@contextmanager
def database_owner() -> Iterator[None]:
    """Act with the database owner's rights for a moment; does nothing unless the
    tests run as the application's role."""
    if not runs_as_app_role():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        set_app_role(None, connection)

"""The grants that leave the application's PostgreSQL role owning nothing (lib/db_roles.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeguard.lib.db_roles import RoleSetupError, grant_app_role
from safeguard.lib.tests.app_role import database_owner

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
)


def privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = %s",
            [role, table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def new_role():
    """A role made inside the test's transaction, so it goes when the test ends."""
    with database_owner(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE sg_test_grants NOLOGIN")
    return "sg_test_grants"


def test_the_command_asks_for_a_role(settings):
    settings.DATABASE_APP_ROLE = ""
    with pytest.raises(CommandError, match="Name the application's role"):
        call_command("grant_app_role")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_the_command_explains_that_sqlite_has_no_roles():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("grant_app_role", "safeguard")


@on_postgresql
def test_the_app_role_may_only_read_and_append_records_and_rerunning_changes_nothing(new_role):
    with database_owner():
        grant_app_role(connection, new_role)
        first = {t: privileges(new_role, t) for t in ("incidents_incident", "pupils_pupil")}
        call_command("grant_app_role", new_role)
        again = {t: privileges(new_role, t) for t in ("incidents_incident", "pupils_pupil")}
    assert first["incidents_incident"] == {"SELECT", "INSERT"}
    assert first["pupils_pupil"] == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert again == first


@on_postgresql
def test_a_role_with_more_rights_than_rows_is_refused():
    with database_owner(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE sg_test_strong NOLOGIN CREATEROLE")
        with pytest.raises(RoleSetupError, match="superuser"):
            grant_app_role(connection, "sg_test_strong")


def test_a_role_name_that_is_not_plain_is_refused():
    with pytest.raises(RoleSetupError):
        grant_app_role(connection, 'app"; DROP TABLE incidents_incident; --')

"""Someone with database access tries to rewrite or destroy a submitted record (docs/security.md, R3).

SQLite has no users: the triggers must hold against any program that opens the
file, whatever conflict clause it uses. PostgreSQL has roles: the application's
own role (what gunicorn connects as) must not be able to change, delete,
truncate, unguard or purge a record, and must still do its normal work.
"""

import datetime
import secrets
import sqlite3

import pytest
from django.db import DatabaseError, connection, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Incident, IncidentReview
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.incidents.tests.test_migrations import (
    RECORD_TABLES,
    one_row_in_every_record_table,  # noqa: F401 (a fixture)
)
from safeguard.lib.tests.app_role import TEST_APP_ROLE, database_owner
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's REPLACE and per-connection functions"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
)

PROTECTED_TABLES = [*RECORD_TABLES, "audit_auditevent"]


def raw(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def columns_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def rewrite_statement(verb: str, table: str, row_id: int, **changed: str) -> str:
    """`<verb> INTO table (...) SELECT ... FROM table WHERE id = row_id`, with some
    columns replaced by SQL expressions: the row written again, changed."""
    names = columns_of(table)
    values = [changed.get(name, name) for name in names]
    return (
        f"{verb} INTO {table} ({', '.join(names)}) "  # noqa: S608 (test SQL, fixed names)
        f"SELECT {', '.join(values)} FROM {table} WHERE id = {row_id}"
    )


@pytest.fixture
def without_recursive_triggers():
    """As any other program's connection is: REPLACE then deletes without a DELETE trigger."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA recursive_triggers=OFF")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA recursive_triggers={int(before)}")


# SQLite -----------------------------------------------------------------------------


@on_sqlite
@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_replace_cannot_rewrite_an_incident(
    verb, teacher, membership_of, school, without_recursive_triggers
):
    incident = record_test_incident(membership_of(teacher))
    with pytest.raises(DatabaseError, match="cannot be replaced"):
        raw(rewrite_statement(verb, "incidents_incident", incident.pk, text="'REWRITTEN'"))
    assert Incident.objects.for_school(school).get(pk=incident.pk).text == incident.text


@on_sqlite
@pytest.mark.django_db
@pytest.mark.parametrize("table", PROTECTED_TABLES)
@pytest.mark.usefixtures("one_row_in_every_record_table", "without_recursive_triggers")
def test_sqlite_every_protected_table_refuses_insert_or_replace(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608
        row_id = cursor.fetchone()[0]
    with pytest.raises(DatabaseError, match="cannot be replaced"):
        raw(rewrite_statement("INSERT OR REPLACE", table, row_id))


@on_sqlite
@pytest.mark.django_db
def test_sqlite_replace_on_another_unique_column_cannot_delete_an_event(
    school, dsl, without_recursive_triggers
):
    """A new event claiming an existing event's predecessor would, with REPLACE,
    silently delete that event from the chain."""
    from safeguard.audit.services import record

    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    second = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    before = list(AuditEvent.objects.order_by("id").values_list("pk", "hash"))
    forged = rewrite_statement("INSERT OR REPLACE", "audit_auditevent", second.pk, id="NULL")
    with pytest.raises(DatabaseError, match="cannot be replaced"):
        raw(forged)
    assert list(AuditEvent.objects.order_by("id").values_list("pk", "hash")) == before


@on_sqlite
@pytest.mark.django_db
def test_sqlite_upsert_cannot_rewrite_an_incident(teacher, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    upsert = (
        rewrite_statement("INSERT", "incidents_incident", incident.pk)
        + " ON CONFLICT (id) DO UPDATE SET text = 'REWRITTEN'"
    )
    with pytest.raises(DatabaseError):
        raw(upsert)
    assert Incident.objects.for_school(school).get(pk=incident.pk).text == incident.text


@on_sqlite
@pytest.mark.django_db
def test_sqlite_safeguard_connections_fire_delete_triggers_on_replace(school):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_another_program_can_neither_replace_nor_delete_a_record(
    teacher, membership_of, school
):
    incident = record_test_incident(membership_of(teacher))
    rewrite = rewrite_statement("INSERT OR REPLACE", "incidents_incident", incident.pk, text="'X'")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=15)
    try:
        delete = f"DELETE FROM incidents_incident WHERE id = {incident.pk}"  # noqa: S608
        for statement in (rewrite, delete):
            with pytest.raises(sqlite3.DatabaseError):
                other.execute(statement)
            other.rollback()
    finally:
        other.close()
    assert Incident.objects.for_school(school).get(pk=incident.pk).text == incident.text


# PostgreSQL -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    """A login role set up exactly as docs/deploying.md says for gunicorn's role."""
    from safeguard.lib.db_roles import grant_app_role

    role = f"sg_app_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(18)
    with django_db_blocker.unblock(), database_owner():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        grant_app_role(connection, role)
    yield role, password
    with django_db_blocker.unblock(), database_owner(), connection.cursor() as cursor:
        cursor.execute(f"GRANT {role} TO current_user")  # DROP OWNED needs its rights
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def as_app_role(app_role, transactional_db):
    """A psycopg connection that logs in as the application's role (autocommit)."""
    import psycopg

    role, password = app_role
    settings = connection.settings_dict
    conn = psycopg.connect(
        dbname=settings["NAME"],
        user=role,
        password=password,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    yield conn
    conn.close()


def owner_name() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")  # the tests may run as the app role
        return cursor.fetchone()[0]


APP_ROLE_ATTACKS = {
    "update": "UPDATE incidents_incident SET text = 'REWRITTEN' WHERE id = {id}",
    "delete": "DELETE FROM incidents_incident WHERE id = {id}",
    "purge switch then delete": "SELECT set_config('safeguard.allow_purge', 'on', false); "
    "DELETE FROM incidents_incident WHERE id = {id}",
    "upsert": "{insert} ON CONFLICT (id) DO UPDATE SET text = 'REWRITTEN'",
    "disable trigger": "ALTER TABLE incidents_incident DISABLE TRIGGER incidents_incident_immutable",
    "disable all triggers": "ALTER TABLE incidents_incident DISABLE TRIGGER ALL",
    "drop trigger": "DROP TRIGGER incidents_incident_immutable ON incidents_incident",
    "truncate": "TRUNCATE incidents_incident CASCADE",
    "replication role": "SET session_replication_role = replica; "
    "DELETE FROM incidents_incident WHERE id = {id}",
    "become the owner": "SET ROLE {owner}; DELETE FROM incidents_incident WHERE id = {id}",
    "replace the trigger function": "CREATE OR REPLACE FUNCTION safeguard_refuse_change() "
    "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "create table": "CREATE TABLE evil (id integer)",
    "create function": "CREATE FUNCTION evil() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
    "create temporary table": "CREATE TEMPORARY TABLE evil (id integer)",
    "create trigger": "CREATE TRIGGER evil BEFORE INSERT ON incidents_incident "
    "FOR EACH ROW EXECUTE FUNCTION safeguard_refuse_change()",
    "update the audit trail": "UPDATE audit_auditevent SET detail = '{{}}'",
    "delete the audit trail": "DELETE FROM audit_auditevent",
    "purge records not due": "SELECT safeguard_purge_pupil_records({pupil})",
}


@on_postgresql
@pytest.mark.parametrize("attack", APP_ROLE_ATTACKS.values(), ids=APP_ROLE_ATTACKS.keys())
def test_postgresql_the_app_role_cannot_touch_a_submitted_record(
    attack, as_app_role, teacher, membership_of, school
):
    incident = record_test_incident(membership_of(teacher))
    events = AuditEvent.objects.count()
    insert = rewrite_statement("INSERT", "incidents_incident", incident.pk)
    sql = attack.format(id=incident.pk, insert=insert, owner=owner_name(), pupil=incident.pupil_id)
    import psycopg

    with pytest.raises(psycopg.Error):
        as_app_role.execute(sql)
    assert Incident.objects.for_school(school).get(pk=incident.pk).text == incident.text
    assert AuditEvent.objects.count() == events


@on_postgresql
def test_postgresql_the_app_role_still_records_and_reads_incidents(
    app_role, transactional_db, teacher, membership_of, school
):
    """The application's normal work, through its own services, as its own role."""
    role, password = app_role
    settings = connection.settings_dict
    saved = settings["USER"], settings["PASSWORD"]
    connection.close()
    settings["USER"], settings["PASSWORD"] = role, password
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
        incident = record_test_incident(membership_of(teacher), text="Seen as the app role.")
        assert Incident.objects.for_school(school).get(pk=incident.pk).text == (
            "Seen as the app role."
        )
        assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_RECORDED).exists()
    finally:
        connection.close()
        settings["USER"], settings["PASSWORD"] = saved


@on_postgresql
def test_postgresql_the_app_role_purges_only_records_past_retention(
    as_app_role, teacher, membership_of, school
):
    kept = record_test_incident(membership_of(teacher))
    due_pupil = PupilFactory(school=school)
    due = record_test_incident(membership_of(teacher), pupil=due_pupil)
    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 26)
    Pupil.objects.for_school(school).filter(pk=due_pupil.pk).update(date_of_birth=long_ago)

    import psycopg

    with pytest.raises(psycopg.Error, match="kept until"):
        as_app_role.execute("SELECT safeguard_purge_pupil_records(%s)", [kept.pupil_id])
    destroyed = as_app_role.execute(
        "SELECT safeguard_purge_pupil_records(%s)", [due_pupil.pk]
    ).fetchone()[0]

    assert destroyed == 1
    assert not Incident.objects.for_school(school).filter(pk=due.pk).exists()
    assert not IncidentReview.objects.for_school(school).filter(incident_id=due.pk).exists()
    assert Incident.objects.for_school(school).filter(pk=kept.pk).exists()
    # The switch the function opened closed with it: the app role still cannot delete.
    with pytest.raises(psycopg.Error):
        as_app_role.execute("DELETE FROM incidents_incident WHERE id = %s", [kept.pk])


@on_postgresql
@pytest.mark.django_db
def test_postgresql_the_purge_function_refuses_records_not_due_even_to_the_owner(
    teacher, membership_of, school
):
    incident = record_test_incident(membership_of(teacher))
    with database_owner(), pytest.raises(DatabaseError, match="kept until"):
        raw("SELECT safeguard_purge_pupil_records(%s)", [incident.pupil_id])
    assert Incident.objects.for_school(school).filter(pk=incident.pk).exists()


@on_postgresql
def test_postgresql_the_purge_switch_counts_only_for_the_tables_owner(
    app_role, as_app_role, teacher, membership_of, school
):
    """Even if an operator wrongly granted DELETE to the app's role, the switch stays shut."""
    import psycopg

    incident = record_test_incident(membership_of(teacher))
    role, _ = app_role
    with database_owner():
        raw(f"GRANT DELETE ON incidents_incident TO {role}")
    try:
        as_app_role.execute("SELECT set_config('safeguard.allow_purge', 'on', false)")
        with pytest.raises(psycopg.Error, match="cannot be changed or deleted"):
            as_app_role.execute("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
    finally:
        with database_owner():
            raw(f"REVOKE DELETE ON incidents_incident FROM {role}")
    assert Incident.objects.for_school(school).filter(pk=incident.pk).exists()


@on_postgresql
@pytest.mark.django_db
def test_postgresql_grants_refuse_an_app_role_that_owns_the_tables(school):
    from safeguard.lib.db_roles import RoleSetupError, grant_app_role

    with database_owner(), pytest.raises(RoleSetupError, match="owner"):
        grant_app_role(connection, owner_name())


@on_postgresql
@pytest.mark.skipif(not TEST_APP_ROLE, reason="TEST_DATABASE_APP_ROLE is not set")
@pytest.mark.django_db
def test_postgresql_the_suite_runs_as_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        assert cursor.fetchone() == (TEST_APP_ROLE, owner_name())

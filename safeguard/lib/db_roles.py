"""PostgreSQL: the application's database role owns nothing and may only read and write rows.

Two roles share the database (docs/deploying.md, section 3):

- the *owner* role owns the database, its tables, sequences, functions and
  triggers. Only migrations (and the operator) connect as it.
- the *application* role is what gunicorn and the worker connect as. It may
  SELECT, INSERT, UPDATE and DELETE rows, and use sequences; on the record
  tables and the audit trail (those guarded by `lib/immutable.py`) only SELECT
  and INSERT. It owns nothing, so it cannot alter, disable or drop a trigger;
  it may not create anything in the schema or temporary objects, TRUNCATE, or
  open the purge switch (which counts only for the tables' owner). It may call
  `safeguard_purge_pupil_records()`, which destroys only records past their
  retention period.

`grant_app_role()` sets this up, run as the owner. It is idempotent and runs
after every `migrate` when `DATABASE_APP_ROLE` names the application role, so
tables added by later migrations are covered without a separate step.
"""

import re
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Tables the application locks with SELECT ... FOR UPDATE, which PostgreSQL allows
# only with some UPDATE privilege: UPDATE of the id column alone, which the
# triggers refuse like any other UPDATE. (The audit trail is locked so two
# writers never fork the chain.)
LOCKED_FOR_UPDATE = {"audit_auditevent": "id"}

_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class RoleSetupError(Exception):
    pass


def protected_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables guarded by the immutability triggers, as the database itself says."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgfoid = 'safeguard_refuse_change'::regproc ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Give `role` what the application needs and nothing more; returns the protected tables.

    Run as the owner role. Refuses a role that could undo the guards: the owner
    itself, a member of the owner role, a superuser, or one that bypasses RLS or
    can create roles or databases."""
    if connection.vendor != "postgresql":
        raise RoleSetupError("separate database roles exist on PostgreSQL only")
    if not _ROLE_NAME.fullmatch(role):
        raise RoleSetupError(f"{role!r} is not a plain lower-case role name")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb, "
            "pg_has_role(rolname, current_user, 'MEMBER'), current_database(), "
            "current_schema() FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
    if found is None:
        raise RoleSetupError(f"there is no role {role}: create it first (docs/deploying.md)")
    too_strong, is_owner, database, schema = found
    if is_owner:
        raise RoleSetupError(f"{role} is, or is a member of, the owner role running migrations")
    if too_strong:
        raise RoleSetupError(f"{role} is a superuser or may bypass RLS or create roles/databases")
    q = connection.ops.quote_name
    app, db, sch = q(role), q(database), q(schema)
    tables = protected_tables(connection)
    statements = [
        # Nobody but the owner creates anything, temporary objects included.
        f"REVOKE CREATE, TEMPORARY ON DATABASE {db} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {sch} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {app}",
        f"GRANT USAGE ON SCHEMA {sch} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app}",
        # Tables made outside migrations later (createcachetable) are usable too;
        # the next migrate narrows any new protected table.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    for table in tables:
        statements.append(
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {q(table)} FROM {app}"
        )
        if table in LOCKED_FOR_UPDATE:
            statements.append(
                f"GRANT UPDATE ({q(LOCKED_FOR_UPDATE[table])}) ON {q(table)} TO {app}"
            )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('safeguard_purge_pupil_records(bigint)')")
        if cursor.fetchone()[0] is not None:
            statements.append(
                f"GRANT EXECUTE ON FUNCTION {sch}.safeguard_purge_pupil_records(bigint) TO {app}"
            )
        for sql in statements:
            cursor.execute(sql)
    return tables


def grant_after_migrate(sender: object, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """post_migrate receiver: re-apply the grants when DATABASE_APP_ROLE names the app's role."""
    from django.conf import settings
    from django.db import connections

    role = getattr(settings, "DATABASE_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    tables = grant_app_role(connection, role)
    if verbosity >= 2:
        print(f"Granted {role} its rows; {len(tables)} tables are read and append only.")

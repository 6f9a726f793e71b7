"""The checks before a dataset is built: a reachable database, migrated, holding no real
school, and not already holding this size (or another)."""

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from safeguard.accounts.models import School
from safeguard.demo.models import SyntheticDataset


def check_reachable() -> None:
    """A clear paragraph, not a traceback, when the database cannot be reached."""
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        settings = connection.settings_dict
        if connection.vendor != "postgresql":
            raise CommandError(f"Cannot open the database {settings['NAME']}: {error}") from error
        host = settings.get("HOST") or "localhost (socket)"
        port = settings.get("PORT") or "5432"
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        raise CommandError(
            f"Cannot reach PostgreSQL at {host}, port {port}, database "
            f'"{settings["NAME"]}" as "{settings.get("USER")}" ({first_line}). '
            "Start PostgreSQL (for example `pg_ctlcluster 15 main start`, or "
            "`systemctl start postgresql`), create the database if it does not exist "
            f"(`createdb -O {settings.get('USER')} {settings['NAME']}` as the postgres user), "
            "run `manage.py migrate` against it, then run this command again. "
            "DATABASE_URL says which database to use."
        ) from error
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            f"The database {connection.settings_dict['NAME']} is not fully migrated: "
            "run `manage.py migrate` first."
        )


def real_schools() -> int:
    """Schools the generator did not make."""
    return School.objects.filter(synthetic__isnull=True).count()


def existing_dataset() -> SyntheticDataset | None:
    return SyntheticDataset.objects.order_by("pk").first()


def drop_everything() -> None:
    """Empty the dedicated database: every table goes (records and trail refuse DELETE, so a
    synthetic dataset cannot be removed row by row), and `migrate` builds them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            tables = connection.introspection.table_names(cursor)
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")

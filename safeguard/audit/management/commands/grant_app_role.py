"""Give the application's PostgreSQL role its rows and nothing more."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from safeguard.lib.db_roles import RoleSetupError, grant_app_role


class Command(BaseCommand):
    help = (
        "Run as the database's owner role. Lets ROLE (default: DATABASE_APP_ROLE) read and "
        "write rows, but only read and append to submitted records and the audit trail; it "
        "may not create, alter, truncate or drop anything. `migrate` does this itself when "
        "DATABASE_APP_ROLE is set. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", default=None, help="the application's role")

    def handle(self, *args: object, role: str | None, **options: object) -> None:
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("Name the application's role, or set DATABASE_APP_ROLE.")
        try:
            tables = grant_app_role(connection, role)
        except RoleSetupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Granted {role} its rows; {len(tables)} tables are read and append only."
        )

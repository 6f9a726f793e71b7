from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "safeguard.audit"
    label = "audit"

    def ready(self) -> None:
        from safeguard.lib.db_roles import grant_after_migrate
        from safeguard.lib.immutable import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="safeguard_purge_switch")
        # Sent once per app after all migrations ran: one sender is enough.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="safeguard_app_role")

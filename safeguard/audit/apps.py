from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "safeguard.audit"
    label = "audit"

    def ready(self) -> None:
        from safeguard.lib.immutable import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="safeguard_purge_switch")

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Importing these connects their receivers: the session clocks and the audit trail.
        from safeguard.accounts import sessions, signals  # noqa: F401

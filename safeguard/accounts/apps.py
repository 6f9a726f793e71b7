from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Importing these connects their receivers: the session clocks, the audit trail and
        # the emails about changes to how people sign in.
        from safeguard.accounts import notices, sessions, signals  # noqa: F401

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from safeguard.accounts import signals  # noqa: F401  (connects the audit receivers)
        from safeguard.accounts import sessions  # noqa: F401  (starts the session clocks)

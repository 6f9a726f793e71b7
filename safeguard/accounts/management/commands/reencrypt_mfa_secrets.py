from typing import Any

from django.core.management.base import BaseCommand

from safeguard.accounts.mfa_secrets import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every authenticator-app secret and recovery-code seed under the first key "
        "in MFA_ENCRYPTION_KEYS (and encrypt any still stored in clear). Run after putting a "
        "new key first; once it has run, the old keys can be removed. Safe to re-run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reencrypt_all()
        self.stdout.write(f"Re-encrypted the secrets of {count} authenticator(s).")

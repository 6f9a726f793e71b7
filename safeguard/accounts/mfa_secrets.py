"""Second-factor secrets encrypted at rest (docs/security.md A9 and Secrets; ASVS 6.5.2, 11.5).

allauth stores each authenticator app's TOTP secret and the seed of each person's recovery
codes in `mfa_authenticator.data`, through its MFA adapter's `encrypt()` and `decrypt()`,
which do nothing by default. Here they encrypt with Fernet (AES-128-CBC with HMAC-SHA256,
from `cryptography`) under the keys in `settings.MFA_ENCRYPTION_KEYS`: the first encrypts,
every one decrypts, so a new key can be put first while the old ones still read what they
wrote, until `reencrypt_mfa_secrets` has moved everything onto the new key.

A copy of the database (a backup, a leaked dump) then holds no usable secret without the
key, which lives in the server's environment, not in the database.

Stored values start with `PREFIX`; anything else is a secret stored before encryption was
turned on, and still works until it is re-encrypted.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    keys = settings.MFA_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEYS is empty: no key to encrypt with.")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # stored before encryption was turned on
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A second-factor secret could not be decrypted with any key in "
            "MFA_ENCRYPTION_KEYS: put back the key it was encrypted with (docs/deploying.md)."
        ) from None


def reencrypted(stored: str) -> str:
    """`stored` under the newest key (also encrypts a secret stored in clear)."""
    return encrypt(decrypt(stored))


class MFAAdapter(DefaultMFAAdapter):
    """settings.MFA_ADAPTER: allauth's, with the secrets encrypted."""

    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


# The encrypted fields of each kind of authenticator (security keys hold only public keys).
ENCRYPTED_FIELDS = {
    Authenticator.Type.TOTP: ("secret",),
    Authenticator.Type.RECOVERY_CODES: ("seed",),
}


def reencrypt_all() -> int:
    """Re-encrypt every second-factor secret under the newest key; returns how many rows.

    After a new key is put first in MFA_ENCRYPTION_KEYS (docs/deploying.md, Rotating the
    second-factor key). Each row is locked while it is rewritten, so a sign-in recording
    its code's time step at the same moment is not lost. Safe to re-run.
    """
    count = 0
    ids = Authenticator.objects.filter(type__in=list(ENCRYPTED_FIELDS)).values_list("pk", flat=True)
    for pk in ids:
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if authenticator is None:
                continue
            data = dict(authenticator.data)
            for field in ENCRYPTED_FIELDS[Authenticator.Type(authenticator.type)]:
                if field in data:
                    data[field] = reencrypted(data[field])
            if "migrated_codes" in data:
                data["migrated_codes"] = [reencrypted(code) for code in data["migrated_codes"]]
            Authenticator.objects.filter(pk=pk).update(data=data)
            count += 1
    return count

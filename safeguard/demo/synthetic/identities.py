"""Who the benchmark signs in as, in a synthetic dataset.

The generator creates, in every synthetic school numbered n (1, 2, ...), one account per
role with the address `role_email(n, role)`, the password `PASSWORD` and, for roles that
need a second factor, an authenticator app whose key is `totp_secret(n, role)`. The
benchmark derives the same values, so neither has to read the other's files.
"""

import base64
import hashlib

PASSWORD = "Synthetic-Pass-2026!"  # noqa: S105 - synthetic data only, never a real school
DOMAIN = "synthetic.example"


def school_domain(number: int) -> str:
    return f"s{number:04d}.{DOMAIN}"


def role_email(number: int, role: str) -> str:
    return f"{role}@{school_domain(number)}"


def totp_secret(number: int, role: str) -> str:
    """A base32 authenticator key, the same on every run for the same school and role."""
    digest = hashlib.sha256(f"synthetic:{number}:{role}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()

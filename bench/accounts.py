"""Whom the benchmark signs in as: an account source per kind of dataset.

- `synthetic`: the generator's accounts, one per role in every synthetic school
  (safeguard/demo/synthetic/identities.py), found in the database and given the password
  and authenticator keys the generator derived from the same rules.
- `demo`: the demo's accounts, read from what `manage.py load_demo` prints (password and
  authenticator setup keys).

Each source gives plain `Account` values; the load generator needs nothing else.
"""

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from safeguard.accounts.permissions import ROLES_REQUIRING_MFA, Role
from safeguard.demo.synthetic import identities

LEADS = frozenset({Role.DSL.value, Role.DEPUTY_DSL.value})
RECORDERS = frozenset(
    {
        Role.SLT.value,
        Role.TEACHER.value,
        Role.TEACHING_ASSISTANT.value,
        Role.OFFICE.value,
        Role.MIDDAY.value,
        Role.OTHER.value,
    }
)


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    role: str  # a Role value: "dsl", "teacher"...
    school: str  # the school it is signed in to, for grouping what its person may see
    totp_secret: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def totp(secret: str, at: float | None = None, *, step: int = 30) -> tuple[str, int]:
    """The 6-digit authenticator code for `secret` at `at` (RFC 6238), and its time step."""
    counter = int((time.time() if at is None else at) // step)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}", counter


# Synthetic datasets -------------------------------------------------------------------------

SYNTHETIC_ACCOUNTS_SQL = """
    SELECT u.email, m.role, EXISTS (
        SELECT 1 FROM mfa_authenticator a WHERE a.user_id = u.id AND a.type = 'totp'
    )
    FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id
    WHERE u.email LIKE %s AND u.is_active AND m.is_active
    ORDER BY u.email
"""
_SCHOOL_NUMBER = re.compile(r"@s(\d+)\." + re.escape(identities.DOMAIN) + "$")


def synthetic_accounts(rows: Sequence[tuple[str, str, bool]], *, schools: int) -> list[Account]:
    """The generator's accounts in synthetic schools 1..`schools`, from (email, role, has an
    authenticator app) rows as SYNTHETIC_ACCOUNTS_SQL returns them."""
    accounts = []
    for email, role, has_app in rows:
        match = _SCHOOL_NUMBER.search(email)
        if match is None or int(match.group(1)) > schools:
            continue
        number = int(match.group(1))
        if email != identities.role_email(number, role):
            continue  # not one of the benchmark's named accounts
        secret = identities.totp_secret(number, role) if has_app else None
        if role in ROLES_REQUIRING_MFA and secret is None:
            continue
        accounts.append(
            Account(email, identities.PASSWORD, role, identities.school_domain(number), secret)
        )
    return accounts


# The demo -----------------------------------------------------------------------------------

_ROLE_BY_LABEL = {str(role.label): role.value for role in Role}
_SETUP_KEY = re.compile(r"^\s+(\S+@\S+)\s+setup key ([A-Z2-7]+)\s*$")


def demo_accounts(printed: str) -> list[Account]:
    """The demo's accounts from `load_demo`'s output: its table of email, role, school and
    password, and the setup keys of those with an authenticator app. People whose role needs
    a second factor but who have none yet are left out (they would be asked to set one up)."""
    keys = {m.group(1): m.group(2) for m in map(_SETUP_KEY.match, printed.splitlines()) if m}
    accounts: list[Account] = []
    seen: set[str] = set()
    in_table = False
    for line in printed.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells[:1] == ["Email"] and "Password" in cells:
            in_table = True
            continue
        if not in_table or set(line.strip()) <= {"-", " "}:
            if in_table and not line.strip():
                in_table = False
            continue
        if len(cells) != 4:
            continue
        email, label, school, password = cells
        role = _ROLE_BY_LABEL.get(label)
        if role is None or email in seen:
            continue
        seen.add(email)
        secret = keys.get(email)
        if role in ROLES_REQUIRING_MFA and secret is None:
            continue
        accounts.append(Account(email, password, role, school, secret))
    return accounts


AccountSource = Callable[[], list[Account]]

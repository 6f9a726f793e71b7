"""Django's database sessions, refusing a session id Django could never have made.

A session cookie comes from the browser, so its value is untrusted. Django looks any value up
in the database as it is; PostgreSQL refuses a NUL byte in text with an error, so a cookie
like `sessionid="abcdefgh\\000ijkl"` turned every page into a 500. Django's own ids are 32
characters of lowercase letters and digits: anything else is treated as no session (the
visitor is signed out), before any query, on every database.

Session data is also encrypted at rest, with the key that encrypts authenticator secrets
(`MFA_ENCRYPTION_KEYS`): while someone sets up an authenticator app, the secret waits in their
session, and a copy of the database must not hold it in clear. Sessions written before this
change are still read; anything that does not decrypt is no session.
"""

import re
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

ENCRYPTED = "fernet:"

# Django makes ids of 32 characters from VALID_KEY_CHARS; a little slack either way costs
# nothing and keeps sessions made by other versions.
SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{8,64}")


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return isinstance(key, str) and SESSION_KEY_PATTERN.fullmatch(key) is not None

    def encode(self, session_dict: dict[str, Any]) -> str:
        signed = super().encode(session_dict)
        return ENCRYPTED + _fernet().encrypt(signed.encode()).decode()

    def decode(self, session_data: str | bytes) -> dict[str, Any]:
        if isinstance(session_data, str) and session_data.startswith(ENCRYPTED):
            try:
                session_data = _fernet().decrypt(session_data[len(ENCRYPTED) :].encode()).decode()
            except InvalidToken:
                return {}
        return super().decode(session_data)

"""Django's database sessions, refusing a session id Django could never have made.

A session cookie comes from the browser, so its value is untrusted. Django looks any value up
in the database as it is; PostgreSQL refuses a NUL byte in text with an error, so a cookie
like `sessionid="abcdefgh\\000ijkl"` turned every page into a 500. Django's own ids are 32
characters of lowercase letters and digits: anything else is treated as no session (the
visitor is signed out), before any query, on every database.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# Django makes ids of 32 characters from VALID_KEY_CHARS; a little slack either way costs
# nothing and keeps sessions made by other versions.
SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{8,64}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return isinstance(key, str) and SESSION_KEY_PATTERN.fullmatch(key) is not None

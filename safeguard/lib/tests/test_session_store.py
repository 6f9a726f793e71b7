"""Session data is encrypted at rest: a pending authenticator secret never sits in clear."""

import base64
import contextlib
import zlib

import pytest
from django.contrib.sessions.backends.db import SessionStore as PlainStore
from django.contrib.sessions.models import Session

from safeguard.lib.session_store import SessionStore

pytestmark = pytest.mark.django_db

SECRET = "L4KJWD6MQHAF6CBQFLZT6KV7JRHGJEAQ"


def stored(key: str) -> str:
    return Session.objects.get(session_key=key).session_data


def readable(raw: str) -> bytes:
    """Everything a reader of the database could decode from the stored text: each
    ":"-separated part, base64-decoded and, if it was compressed, decompressed."""
    found = raw.encode()
    for part in raw.split(":"):
        part = part.lstrip(".")
        try:
            data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found += data
        with contextlib.suppress(zlib.error):
            found += zlib.decompress(data)
    return found


def test_a_pending_authenticator_secret_is_not_stored_in_clear():
    session = SessionStore()
    session["mfa.totp.secret"] = SECRET
    session.save()
    assert SECRET.encode() not in readable(stored(session.session_key))
    assert SessionStore(session.session_key)["mfa.totp.secret"] == SECRET


def test_a_session_written_before_encryption_is_still_read():
    session = PlainStore()
    session["mfa.totp.secret"] = SECRET
    session.save()
    assert SECRET.encode() in readable(stored(session.session_key))  # the old way: in clear
    assert SessionStore(session.session_key)["mfa.totp.secret"] == SECRET


def test_session_data_that_does_not_decrypt_is_no_session():
    session = SessionStore()
    session["user"] = "someone"
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        session_data="fernet:not-a-token"
    )
    assert dict(SessionStore(session.session_key).items()) == {}

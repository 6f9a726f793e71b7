"""Opaque record addresses: /incidents/k3x7q2mzd4abc/ instead of /incidents/41/.

Incident ids are shared by every school, so a sequential id in an address told
a teacher how many incidents the whole installation (other schools included)
had recorded between two of theirs. The address now carries the id encrypted
with a keyed 64-bit permutation (a four-round Feistel network whose round
function is HMAC-SHA256 under a key derived from SECRET_KEY): it looks random,
reveals no order, and needs no stored column, so every `reverse(..., args=[pk])`
keeps working. Ids are below 2**40, so a decoded key whose top 24 bits are not
zero was made up or mistyped; it answers 404 like any other unknown address.

Keys made before SECRET_KEY was rotated still open while the old key is listed
in SECRET_KEY_FALLBACKS. An address by number (`/incidents/41/`) keeps working
for anyone allowed to see the incident: it is checked and then redirected
(views.incident_old_link).

Files and actions are numbered by the same shared sequences, so they get keys the
same way, each kind under its own key derived from SECRET_KEY (a file's key and an
action's key for the same number differ, and neither is the incident's): a file's
download address (`<file:attachment_id>`, views.attachments.attachment_old_link
redirects the old numeric one) and an action's anchor and follow-up parameter
(`action_key`, templatetags.action_tags). The incident key is exactly what it was
before the other kinds existed, so every address already sent keeps working.
"""

import base64
import functools
import hashlib
import hmac
from typing import Literal

from django.conf import settings
from django.utils.crypto import salted_hmac

ID_BITS = 40
ROUNDS = 4
KEY_LENGTH = 13  # 64 bits in base32, without padding
_HALF = 0xFFFFFFFF

# What a key names. Each kind has its own derived key ("incident address", "file address",
# "action address", "draft address", "key event file address": casework's files): the
# incident's is the one used before the others existed.
Kind = Literal["incident", "file", "action", "draft", "key event file"]


@functools.lru_cache(maxsize=32)
def _key(secret: str, kind: Kind = "incident") -> bytes:
    return salted_hmac(
        "safeguard.incidents.links", f"{kind} address", secret=secret, algorithm="sha256"
    ).digest()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, bytes([number]) + half.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def _encrypt(value: int, key: bytes) -> int:
    left, right = value >> 32, value & _HALF
    for number in range(ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    return (left << 32) | right


def _decrypt(value: int, key: bytes) -> int:
    left, right = value >> 32, value & _HALF
    for number in reversed(range(ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    return (left << 32) | right


@functools.lru_cache(maxsize=16_384)  # a list page asks for the same keys on every view
def _encode(record_id: int, secret: str, kind: Kind = "incident") -> str:
    block = _encrypt(record_id, _key(secret, kind)).to_bytes(8, "big")
    return base64.b32encode(block).decode().rstrip("=").lower()


def _text(secret: object) -> str:
    """A key from settings, which holds them as text (settings.py refuses to start without one)."""
    if not isinstance(secret, str):
        raise TypeError("SECRET_KEY and SECRET_KEY_FALLBACKS must be text")
    return secret


def key_for(kind: Kind, record_id: int) -> str:
    """The opaque key for a record id of this kind.

    An id no record can have (0, negative, 2**40 or more) still gets a key, one that
    `id_from_key` refuses, so its address is a 404 as it was before.
    """
    return _encode(min(max(record_id, 0), 2**64 - 1), _text(settings.SECRET_KEY), kind)


def id_from_key(kind: Kind, key: str) -> int | None:
    """The record id a key of this kind names, or None if no key of ours made it."""
    if len(key) != KEY_LENGTH:
        return None
    try:
        block = int.from_bytes(base64.b32decode(key.upper() + "==="), "big")
    except ValueError:
        return None
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        record_id = _decrypt(block, _key(_text(secret), kind))
        # Re-encoding refuses a key that differs only in base32's unused last bit.
        if 0 < record_id < 2**ID_BITS and _encode(record_id, _text(secret), kind) == key:
            return record_id
    return None


def incident_key(incident_id: int) -> str:
    """The opaque address part for an incident id."""
    return key_for("incident", incident_id)


def incident_id_from_key(key: str) -> int | None:
    """The incident id an address part names, or None if no key of ours made it."""
    return id_from_key("incident", key)


class _KeyConverter:
    """URL converter: views get the id, and reverse() (given a record or an id) the key."""

    kind: Kind
    regex = f"[a-z2-7]{{{KEY_LENGTH}}}"

    def to_python(self, value: str) -> int:
        record_id = id_from_key(self.kind, value)
        if record_id is None:
            raise ValueError(f"not a {self.kind} address")  # Django tries the next pattern
        return record_id

    def to_url(self, value: object) -> str:
        record_id = getattr(value, "pk", value)
        return key_for(self.kind, int(record_id))  # type: ignore[call-overload]


class IncidentKeyConverter(_KeyConverter):
    """`<incident:incident_id>`."""

    kind = "incident"


class FileKeyConverter(_KeyConverter):
    """`<file:attachment_id>`: a file's download address."""

    kind = "file"


class DraftKeyConverter(_KeyConverter):
    """`<draft:draft_id>`: a draft's address, which only its author may open."""

    kind = "draft"


class KeyEventFileKeyConverter(_KeyConverter):
    """`<keyeventfile:key_event_file_id>`: the download address of a file on a key event in a
    pupil's chronology (casework registers it)."""

    kind = "key event file"

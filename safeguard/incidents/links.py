"""Opaque incident addresses: /incidents/k3x7q2mzd4abc/ instead of /incidents/41/.

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
"""

import base64
import functools
import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

ID_BITS = 40
ROUNDS = 4
KEY_LENGTH = 13  # 64 bits in base32, without padding
_HALF = 0xFFFFFFFF


@functools.lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    return salted_hmac(
        "safeguard.incidents.links", "incident address", secret=secret, algorithm="sha256"
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


def _encode(incident_id: int, secret: str) -> str:
    block = _encrypt(incident_id, _key(secret)).to_bytes(8, "big")
    return base64.b32encode(block).decode().rstrip("=").lower()


def _text(secret: object) -> str:
    """A key from settings, which holds them as text (settings.py refuses to start without one)."""
    if not isinstance(secret, str):
        raise TypeError("SECRET_KEY and SECRET_KEY_FALLBACKS must be text")
    return secret


def incident_key(incident_id: int) -> str:
    """The opaque address part for an incident id.

    An id no incident can have (0, negative, 2**40 or more) still gets a key, one
    that `incident_id_from_key` refuses, so its address is a 404 as it was before.
    """
    return _encode(min(max(incident_id, 0), 2**64 - 1), _text(settings.SECRET_KEY))


def incident_id_from_key(key: str) -> int | None:
    """The incident id an address part names, or None if no key of ours made it."""
    if len(key) != KEY_LENGTH:
        return None
    try:
        block = int.from_bytes(base64.b32decode(key.upper() + "==="), "big")
    except ValueError:
        return None
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        incident_id = _decrypt(block, _key(secret))
        # Re-encoding refuses a key that differs only in base32's unused last bit.
        if 0 < incident_id < 2**ID_BITS and _encode(incident_id, _text(secret)) == key:
            return incident_id
    return None


class IncidentKeyConverter:
    """URL converter: `<incident:incident_id>` gives views the id, and reverse() the key."""

    regex = f"[a-z2-7]{{{KEY_LENGTH}}}"

    def to_python(self, value: str) -> int:
        incident_id = incident_id_from_key(value)
        if incident_id is None:
            raise ValueError("not an incident address")  # Django answers 404
        return incident_id

    def to_url(self, value: object) -> str:
        incident_id = getattr(value, "pk", value)
        return incident_key(int(incident_id))  # type: ignore[call-overload]

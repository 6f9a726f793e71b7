"""The DfE unique pupil number (UPN): 13 characters with a check letter.

Format (UK Government Data Standards Catalogue, "Unique Pupil Number" v2.0,
and the DfE's "Unique pupil numbers" guidance): a check letter, then 11 digits
(LA number, establishment number, year of issue, serial), then a digit, or a
letter for a temporary UPN.

The check letter is the sum of characters 2-13, each multiplied by its
position (weights 2..13), modulo 23, mapped through the 23-letter alphabet
that leaves out I, O and S (0 -> A, 1 -> B, ... 22 -> Z). A temporary UPN's
final letter counts as its index in that same 23-letter alphabet ("A" is 0,
"B" is 1, ..., "Z" is 22), not its place in the full alphabet; I, O and S are
never used there either.

The LA number is not checked against a list: the DfE adds codes when
authorities reorganise, and a stale list would refuse real pupils.
"""

import re

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_SHAPE = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_WHITESPACE = re.compile(r"\s+")


def normalise_upn(raw: str) -> str:
    """Upper case with every space removed, as typed UPNs often arrive in groups."""
    return _WHITESPACE.sub("", raw).upper()


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char in "0123456789" else ALPHABET.index(char)
        total += weight * value
    return ALPHABET[total % 23]


def upn_problem(upn: str) -> str | None:
    """None for a valid (normalised) UPN, otherwise a sentence saying what is wrong."""
    if len(upn) != 13:
        return f"A UPN has 13 characters; this one has {len(upn)}."
    if not UPN_SHAPE.fullmatch(upn):
        return "A UPN is a letter, 11 digits, then a digit or a letter (for example A123456789012)."
    if upn[12] not in ALPHABET and not upn[12].isdigit():
        return "The last character of a temporary UPN cannot be I, O or S."
    if upn[0] != check_letter(upn[1:]):
        return (
            "This UPN's check letter does not match its digits: please check it was copied exactly."
        )
    return None


def make_upn(digits: str) -> str:
    """A valid UPN for 12 characters (used by the demo data and tests)."""
    return check_letter(digits) + digits

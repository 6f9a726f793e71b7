"""The DfE unique pupil number (UPN): 13 characters with a check letter.

Format: a check letter, then 11 digits (LA code, establishment, year,
serial), then a digit, or a letter for a temporary UPN. The check letter is
the weighted sum of characters 2-13 (weights 2..13) modulo 23, mapped through
the 23-letter alphabet that leaves out I, O and S. A letter in position 13
counts as its index in the same alphabet.
"""

import re

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else ALPHABET.index(char)
        total += weight * value
    return ALPHABET[total % 23]


def upn_problem(upn: str) -> str | None:
    """None for a valid UPN, otherwise a sentence saying what is wrong."""
    if len(upn) != 13:
        return f"A UPN has 13 characters; this one has {len(upn)}."
    if not UPN_SHAPE.match(upn):
        return "A UPN is a letter, 11 digits, then a digit or a letter (for example A123456789012)."
    if upn[12].isalpha() and upn[12] not in ALPHABET:
        return "The last character of a temporary UPN cannot be I, O or S."
    if upn[0] != check_letter(upn[1:]):
        return "This UPN's check letter does not match its digits: please check it was copied exactly."
    return None


def make_upn(digits: str) -> str:
    """A valid UPN for 12 characters (used by the demo data and tests)."""
    return check_letter(digits) + digits

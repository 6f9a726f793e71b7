"""Checks for free text typed by staff: what a court may one day read must be clean text."""

import unicodedata

ALLOWED_CONTROLS = {"\n", "\r", "\t"}
# Characters that make text display in a different order from how it is stored
# ("Trojan Source", CVE-2021-42574): the embeddings and overrides (U+202A-U+202E) and
# isolates (U+2066-U+2069), and the three invisible marks (LRM U+200E, RLM U+200F,
# ALM U+061C), which move neutral characters such as digits and punctuation from one
# side of a word to the other. Names need none of them: a name is one run of one script.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
NAME_DIRECTION_MESSAGE = "Names cannot contain invisible direction-control characters."
# Invisible characters some scripts need inside a word (Persian, the Indic scripts) and
# emoji use to join: allowed in names, unlike every other format character.
JOINERS = frozenset("\u200c\u200d")
# Letters that show as nothing (the Hangul fillers, the blank Braille pattern): a name made
# only of them would look empty, or like nobody, in every list it appears in.
BLANKS = dict.fromkeys(map(ord, "\u3164\u115f\u1160\uffa0\u2800"), None)


def text_problem(text: str, *, max_length: int, required: bool = True) -> str | None:
    """None if the text is acceptable, else a sentence for the person who typed it."""
    if required and not text.strip():
        return "Write what happened: this can't be empty."
    if len(text) > max_length:
        return (
            f"This is {len(text):,} characters long; the limit is {max_length:,}. "
            "Attach a longer document as a file instead."
        )
    if "\x00" in text:
        return "The text contains a null character, which usually means it was pasted from a damaged file. Please retype that part."
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return "The text contains invalid characters. Please retype the part you pasted."
    if any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS for c in text):
        return "The text contains invisible control characters. Please retype the part you pasted."
    return None


def single_line_problem(value: str, *, max_length: int, noun: str = "Names") -> str | None:
    """For names, places and file names: one line, no control or direction-override characters."""
    if len(value) > max_length:
        return f"Keep this to {max_length} characters."
    if BIDI_CONTROLS.intersection(value):
        return NAME_DIRECTION_MESSAGE.replace("Names", noun, 1)
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "This contains control characters that aren't allowed."
    if any(unicodedata.category(c) in {"Zl", "Zp"} for c in value):
        return "Keep this to one line: it contains a line or paragraph separator."
    if any(unicodedata.category(c) == "Cf" and c not in JOINERS for c in value):
        return (
            "This contains invisible characters (such as a zero-width space or soft hyphen) "
            "that aren't allowed. Please retype it."
        )
    if value.strip() and not value.translate(BLANKS).strip():
        return "This shows as blank: type at least one visible letter or number."
    return None


def direction_control_problem(value: str, *, noun: str) -> str | None:
    """For descriptions and other short text shown beside names: no direction controls.

    Unlike `single_line_problem` this allows line breaks (a description may be typed
    in a text box), but a reader must see the words in the order they were typed.
    """
    if BIDI_CONTROLS.intersection(value):
        return NAME_DIRECTION_MESSAGE.replace("Names", noun, 1)
    return None


def reveal_direction_controls(text: str) -> str:
    """The text with each direction control shown as a visible marker such as "[U+202E]".

    Record text is kept exactly as typed (it is evidence), but a right-to-left
    override would make it read differently on screen from what it says. Shown
    this way, the words appear in the order they were typed and the character
    that was there is plain to see. Used wherever typed text is shown or exported.
    """
    if not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(f"[U+{ord(c):04X}]" if c in BIDI_CONTROLS else c for c in text)

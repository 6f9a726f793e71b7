"""Checks for free text typed by staff: what a court may one day read must be clean text."""

import unicodedata

ALLOWED_CONTROLS = {"\n", "\r", "\t"}
# Characters that can make text display differently from how it is stored.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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


def single_line_problem(value: str, *, max_length: int) -> str | None:
    """For names, places and file names: one line, no control or direction-override characters."""
    if len(value) > max_length:
        return f"Keep this to {max_length} characters."
    if any(unicodedata.category(c) == "Cc" for c in value) or BIDI_CONTROLS & set(value):
        return "This contains control characters that aren't allowed."
    return None

"""One line of a pupil's chronology, and the cursor a page of them is read from.

Every entry has the same five things a DSL scans for (date, type, category, author, a
one-line summary) and the record it stands for, shown in full when the line is opened.
An entry about an incident the pupil is only linked to names no other child: it gives the
pupil's role, only the categories a lead allocated to this pupil there (an incident's own
categories are its main pupil's), and its summary is written here, never taken from the
record's text.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from safeguard.incidents.models import Category

SUMMARY_LENGTH = 140


class EntryType(models.TextChoices):
    """The kinds of entry, in the order they sort when two happen at the same moment."""

    INCIDENT = "incident", "Incident"
    ACTION = "action", "Action"
    REVIEW = "review", "Review by a lead"
    CORRECTION = "correction", "Correction"
    KEY_EVENT = "key_event", "Key event"
    ENCOMPASS = "encompass", "Operation Encompass"
    # Added after the others, so a cursor written before keeps its meaning.
    REFERRAL = "referral", "Referral"
    MEETING = "meeting", "Meeting"


RANKS = {entry_type: rank for rank, entry_type in enumerate(EntryType)}

# A decision lives in a lead's review, yet a DSL looks for decisions as a kind of their own
# (KCSIE Annex C: decisions and their rationale): filtering by it shows the reviews that
# recorded one, still as review entries.
DECISION = "decision"


def _type_choices() -> list[tuple[str, str]]:
    """The type filter's choices: each kind of entry, and decisions after reviews."""
    found = []
    for value, label in EntryType.choices:
        found.append((value, str(label)))
        if value == EntryType.REVIEW:
            found.append((DECISION, "Decision"))
    return found


TYPE_CHOICES = _type_choices()
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the (moment, type, id) of the entry at its edge.

    Written into the page as `rank.id.microseconds` (no names, no text): a made-up cursor
    only moves where the page starts, since every read is confined to the pupil."""

    at: datetime.datetime
    rank: int
    pk: int

    @property
    def key(self) -> tuple[datetime.datetime, int, int]:
        return (self.at, self.rank, self.pk)

    def encode(self) -> str:
        micros = (self.at - EPOCH) // MICROSECOND
        return f"{self.rank}.{self.pk}.{micros}"

    @classmethod
    def decode(cls, token: str) -> "Cursor | None":
        """The cursor `encode` wrote, or None for anything else."""
        parts = token.split(".")
        digits = [part.removeprefix("-") for part in parts]
        # At most 18 digits: an id then fits a 64-bit column, and a moment Python's dates.
        if len(parts) != 3 or not all(d.isascii() and d.isdigit() and len(d) <= 18 for d in digits):
            return None
        rank, pk, micros = (int(part) for part in parts)
        if rank not in RANKS.values() or pk < 1:
            return None
        try:
            at = EPOCH + micros * MICROSECOND
        except OverflowError:
            return None
        return cls(at=at, rank=rank, pk=pk)


@dataclass
class Entry:
    """One line of the chronology and the record behind it (`record`: an Incident, Action,
    TriageEntry, IncidentCorrection, KeyEvent, Referral or Meeting, with what the full view
    shows)."""

    type: EntryType
    at: datetime.datetime
    pk: int
    author: Any
    summary: str
    record: Any
    categories: list[Category] = field(default_factory=list)
    # For an incident the pupil is linked to (and its actions): the pupil's role there.
    role: str = ""
    is_significant: bool = False
    # Shown in the full view of a main pupil's entry (risk, decision, what changed...).
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_linked(self) -> bool:
        return bool(self.role)

    @property
    def incident_id(self) -> int | None:
        """The incident the entry is, or is about (None: a key event)."""
        if self.type == EntryType.INCIDENT:
            return self.pk
        found = getattr(self.record, "incident_id", None)
        return found if isinstance(found, int) else None

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, RANKS[self.type], self.pk)

    @property
    def year(self) -> int:
        """The year it happened in, in the school's time zone (the printed copy's contents)."""
        return timezone.localtime(self.at).year

    @property
    def type_label(self) -> str:
        return str(self.type.label)

    @property
    def author_name(self) -> str:
        if self.author is None:
            return ""
        return str(self.author.full_name or self.author.email)


def incidents_shown(entries: Iterable[Entry]) -> list[int]:
    """The ids of the incidents these entries show or are about, own and linked: what the
    audit event of showing them names, so each child they concern finds it in their access
    log (an incident about one child may name another)."""
    return sorted({entry.incident_id for entry in entries if entry.incident_id is not None})


def one_line(text: str, length: int = SUMMARY_LENGTH) -> str:
    """The first line of `text`, cut at a word to `length` characters with an ellipsis."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= length:
        return first
    cut = first[: length - 1].rsplit(" ", 1)[0] or first[: length - 1]
    return cut.rstrip(" ,;:.") + "…"

"""What a demo story is made of: an incident (`Story`), the actions that follow it (`Act`),
the corrections made to it (`Correct`) and the files attached (`File`), with the demo
people's addresses the stories name."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

EVERYONE = ("*",)  # read_by: every person the alert went to

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

DSL = "dsl@larkspur.example"
DEPUTY = "deputy@larkspur.example"
SLT = "slt@larkspur.example"
TEACHER = "teacher@larkspur.example"
TEACHER2 = "teacher2@larkspur.example"  # Year 5: taught the Year 6 children last year
TA = "ta@larkspur.example"
OFFICE = "office@larkspur.example"
MIDDAY = "midday@larkspur.example"
SITE = "other@larkspur.example"
F_DSL = "dsl@fernhill.example"
F_TEACHER = "teacher@fernhill.example"


@dataclass(frozen=True)
class File:
    name: str
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Act:
    """An action below the incident, `after` the incident was recorded."""

    name: str
    author: str
    after: datetime.timedelta
    text: str
    assign: str = ""
    due_in_days: int = 0
    follows: str = ""  # the name of the task (an earlier action) this follows up
    shared: bool = False  # a lead's choice; anyone else's action is always shared
    tell_leads: bool = False
    people: tuple[str, ...] = ()
    files: tuple[File, ...] = ()
    read_by: tuple[str, ...] = ()
    read_after: datetime.timedelta = 2 * HOUR


@dataclass(frozen=True)
class Correct:
    """A DSL's correction (`kind`: recategorise, status, move_pupil) or a mistake report."""

    kind: str
    author: str
    after: datetime.timedelta
    reason: str
    categories: tuple[str, ...] = ()
    status: str = ""
    pupil: int = 0


@dataclass(frozen=True)
class Review:
    """A lead's review of the story's incident, `after` it was recorded: the risk level, the
    decision (a name from the school's list) and its rationale, and what else the form holds."""

    author: str
    after: datetime.timedelta
    risk: str
    decision: str
    rationale: str
    risk_reason: str = ""
    discussed_with: str = ""
    significant: str = ""  # the one-line summary, if it is a significant event
    status: str = ""
    status_reason: str = ""
    reply: str = ""  # a ReplyKind
    reply_message: str = ""
    mark_reviewed: bool = True


@dataclass(frozen=True)
class KeyEventStep:
    """A key event a lead adds to the chronology of the story's pupil, `after` the story's
    incident was recorded; it happened `happened_before` that moment's day."""

    story: str
    author: str
    after: datetime.timedelta
    kind: str
    summary: str
    details: str = ""
    happened_before: datetime.timedelta = datetime.timedelta(0)


@dataclass(frozen=True)
class Notification:
    """An Operation Encompass notification a lead records. With a `story`, it was received
    `before` that story's incident was recorded; without, it came in this morning."""

    reference: str
    author: str
    children: tuple[tuple[int, str], ...]  # (the demo pupil's number, their presence)
    summary: str
    story: str = ""
    before: datetime.timedelta = datetime.timedelta(minutes=30)
    incident_before: datetime.timedelta = datetime.timedelta(hours=34)
    force: str = "Kent"
    check_in: bool = False
    silent_support: bool = False
    notes: str = ""
    acknowledge: bool = True


@dataclass(frozen=True)
class Story:
    """One incident and what followed it."""

    name: str
    school: str  # "larkspur" or "fernhill"
    author: str
    pupil: int  # the demo pupil's number in its school (its admission number's tail)
    days_ago: int
    at: tuple[int, int]  # when it happened, hour and minute
    kind: str
    categories: tuple[str, ...]
    text: str
    location: str = ""
    written_after: datetime.timedelta = datetime.timedelta(minutes=40)
    links: tuple[tuple[int, str], ...] = ()
    marks: tuple[dict[str, str], ...] = ()
    files: tuple[File, ...] = ()
    groups: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    spoke_to_dsl: str = ""
    read_by: tuple[str, ...] = EVERYONE
    acknowledged_by: tuple[str, ...] = ()
    read_after: datetime.timedelta = 2 * HOUR
    then: tuple[Act | Correct, ...] = field(default_factory=tuple)

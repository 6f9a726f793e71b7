"""The demo's term of records: incidents, actions, alerts and corrections, told as stories.

Every record is made by the same services as a real one (`recording`, `actions`,
`corrections`, `alerting`), so the immutability triggers, the seals, the audit
chain and the alerts are all real. Each step runs with the clock set back to its
moment in the term (`lib.clock.frozen_at`), oldest first, so records, alerts and
audit events carry the times they would have had. Dates count back from today over
a term (thirteen weeks), on school days, so the demo stays fresh.

Safe to re-run: each incident and action has a fixed submit key (a UUID made
from its story's name), so the services find what is already recorded; a
correction, a mistake report or a read alert already made is skipped. Files are
made and stored only for records not yet recorded.

Names are the demo pupils' own, filled in when the story is loaded; the text uses
{child}, {he}/{his}/{him} (and capitalised), {link1}, {link2}... and {moved}.
"""

import datetime
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup
from safeguard.demo import files
from safeguard.incidents.models import (
    Action,
    Alert,
    Category,
    CorrectionKind,
    Incident,
    IncidentCorrection,
    LinkRole,
    RecordKind,
    ReviewStatus,
)
from safeguard.incidents.services import (
    actions,
    alerting,
    bodymap,
    corrections,
    recording,
)
from safeguard.lib import clock
from safeguard.pupils.models import Pupil, Sex

# Submit keys are uuid5(NAMESPACE, story name): the same on every machine and every run.
NAMESPACE = uuid.UUID("5a4e9c3e-3c1b-4d53-9b8e-6c0d2f1e7a10")
EVERYONE = ("*",)  # read_by: every person the alert went to

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

DSL = "dsl@larkspur.example"
DEPUTY = "deputy@larkspur.example"
SLT = "slt@larkspur.example"
TEACHER = "teacher@larkspur.example"
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


def _attendance_letter() -> bytes:
    return files.pdf(
        "Larkspur Primary School (demo): attendance letter",
        [
            "Dear parent or carer,",
            "",
            "Your child's attendance this half term is 86%. Each late arrival after the",
            "register closes at 8:55 counts as a missed session.",
            "",
            "Please come and see Mrs Chambers in the office so that we can help.",
            "",
            "This is a fictional letter made for the Safeguard demo.",
        ],
    )


def _encompass_note() -> bytes:
    return files.pdf(
        "Operation Encompass notification (demo)",
        [
            "Notification received by phone from the police, 07:40.",
            "Incident: domestic abuse, at the child's home, Saturday evening.",
            "Children present: two (both attend Larkspur).",
            "Police action: officers attended; one adult left the address.",
            "Key adult informed: Mrs Whitfield (DSL).",
            "",
            "Fictional: made for the Safeguard demo.",
        ],
    )


def _safety_plan() -> bytes:
    return files.pdf(
        "Keeping-safe plan (demo)",
        [
            "Who I can talk to in school: Mrs Okafor, Mr Lowe, Mrs Rahman.",
            "Where I can go when it feels too much: the quiet room by the library.",
            "What helps: my worry book, drawing, a drink of water.",
            "Check-ins: every morning with Mrs Okafor, Fridays with the school nurse.",
            "",
            "Fictional: made for the Safeguard demo.",
        ],
    )


LARKSPUR_STORIES = (
    Story(
        "larkspur-playground-names",
        "larkspur",
        MIDDAY,
        40,
        days_ago=86,
        at=(12, 35),
        kind=RecordKind.OBSERVATION,
        categories=("Bullying",),
        location="KS2 playground",
        text=(
            "At lunchtime I saw {link1} and two other children standing round {child} by the "
            "climbing frame. {link1} was calling {him} 'smelly' and 'no-mates' and the others "
            "were laughing. {child} had {his} head down and was crying. I moved the group "
            "away and sat with {child} on the bench. {He} said: 'They do it every day, they "
            "say nobody wants to play with me.' {link2} was nearby and said it happened "
            "yesterday too. I told {child} I would pass this on so that it can be sorted out."
        ),
        links=((41, LinkRole.ALLEGED), (42, LinkRole.WITNESS)),
        groups=("Pastoral team",),
        then=(
            Act(
                "spoke-to-children",
                DEPUTY,
                DAY,
                "Spoke to {child} and to {link1} separately. {link1} admitted the name-calling "
                "and apologised. Both sets of parents phoned. {child} to have a lunchtime "
                "buddy and to check in with me on Fridays for three weeks.",
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DEPUTY,
                22 * DAY,
                "No further name-calling seen or reported in three weeks of check-ins; "
                "{child} says 'it's better now'.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "larkspur-late-arrivals",
        "larkspur",
        OFFICE,
        26,
        days_ago=80,
        at=(9, 20),
        kind=RecordKind.PHONE_CALL,
        categories=("Attendance",),
        location="School office",
        text=(
            "{child} arrived at 9:15, the fourth late arrival in two weeks. Mum phoned at "
            "9:20: she said she has started a new early shift and {child} now walks with "
            "an older cousin, who 'doesn't get up in time'. I explained the register closes at "
            "8:55 and offered a breakfast club place from 8:00. Mum said she would think "
            "about it."
        ),
        groups=("SLT",),
        then=(
            Act(
                "letter-sent",
                OFFICE,
                3 * DAY,
                "Attendance letter sent home (copy attached). Breakfast club place offered "
                "again in the letter.",
                files=(File("attendance-letter.pdf", _attendance_letter),),
                people=(SLT,),
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DEPUTY,
                24 * DAY,
                "Breakfast club since the letter; on time every day for three weeks.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "larkspur-online-game",
        "larkspur",
        TEACHER,
        55,
        days_ago=75,
        at=(10, 50),
        kind=RecordKind.DISCLOSURE,
        categories=("Online safety",),
        location="Eagles classroom",
        text=(
            "During our computing lesson on staying safe online, {child} stayed behind at "
            "break and told me: 'Someone on the game I play keeps asking me for a picture of "
            "me in my PE kit. He says he's 14 but his voice on the chat sounds like a grown "
            "up.' {He} said it has happened 'about five times' since the summer, in the game's "
            "private chat, and that {he} has not sent anything. I told {child} {he} had done the "
            "right thing telling me and that I would let Mrs Whitfield know today. I spoke to "
            "Mrs Whitfield in person at 11:05."
        ),
        groups=("SLT",),
        spoke_to_dsl=DSL,
        then=(
            Act(
                "called-parent",
                DSL,
                5 * HOUR,
                "Phoned Dad. He has seen the messages, blocked and reported the account in the "
                "game, and kept screenshots. Advised him how to report it to the police's "
                "online child-protection reporting line; he did so while we spoke. Parental "
                "controls set up tonight.",
                shared=True,
                read_by=EVERYONE,
            ),
            Act(
                "class-session",
                DSL,
                5 * HOUR + 10 * datetime.timedelta(minutes=1),
                "Mr Lowe: please repeat the 'who is really on the other end' online-safety "
                "session with all of Eagles and add an action when it is done.",
                assign=TEACHER,
                due_in_days=14,
                shared=True,
                read_by=EVERYONE,
            ),
            Act(
                "class-session-done",
                TEACHER,
                9 * DAY,
                "Session delivered to Eagles this afternoon. Three other children said they "
                "had been asked for pictures on games; all three were already known to the "
                "DSL and parents had been told. {child} joined in and seemed confident.",
                follows="class-session",
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DSL,
                12 * DAY,
                "Parents acted, police report made, class session delivered. Closing: "
                "nothing further reported by {child}.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "larkspur-hungry",
        "larkspur",
        TA,
        17,
        days_ago=69,
        at=(8, 50),
        kind=RecordKind.CONVERSATION,
        categories=("Neglect",),
        location="Wrens classroom",
        text=(
            "{child} came in wearing the same clothes as Friday, with a strong smell of "
            "urine. {He} asked me for toast before the register and ate two slices quickly. "
            "I asked what {he} had for tea last night and {he} said: 'Nothing, mummy was "
            "asleep.' I asked about breakfast and {he} said 'there wasn't any milk'. I gave "
            "{him} spare uniform from the office and told Mrs Whitfield at 9:05."
        ),
        groups=("SLT",),
        spoke_to_dsl=DSL,
        then=(
            Act(
                "told-social-worker",
                DSL,
                3 * HOUR,
                "{child} is on a child protection plan. Phoned the allocated social worker "
                "and shared today's account; she will visit the home this afternoon and bring "
                "it to the core group meeting. Breakfast club place arranged from tomorrow.",
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DSL,
                3 * HOUR + datetime.timedelta(minutes=5),
                "Child on a CP plan: monitoring daily presentation until the core group meets.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "larkspur-forearm",
        "larkspur",
        SITE,
        48,
        days_ago=63,
        at=(13, 10),
        kind=RecordKind.OBSERVATION,
        categories=("Emotional wellbeing / mental health",),
        location="KS2 toilets",
        text=(
            "While fixing a tap I heard crying and found {child} by the sinks. {His} left sleeve was "
            "pushed up and I saw several thin red lines across the inside of {his} left "
            "forearm. I asked if {he} was hurt and {he} said: 'It's nothing, I did it with a "
            "pencil sharpener blade, it makes the noise in my head go quiet.' I stayed at the "
            "door and asked Mrs Okafor to come; she arrived at 13:15 and took {child} to the "
            "medical room."
        ),
        marks=(
            {
                "region": "front-left-forearm",
                "type": "scratch",
                "colour": "red",
                "shape": "four thin straight lines",
                "size": "about 3 cm each",
                "note": "Fresh, not bleeding.",
            },
        ),
        groups=("SLT",),
        then=(
            Act(
                "nurse-and-parents",
                DEPUTY,
                2 * HOUR,
                "Cuts cleaned in the medical room; not deep. {child} said {he} has done this "
                "'a few times since the summer' when {he} worries about mum being poorly. "
                "Mum came in at 15:15; she was shocked and tearful. GP appointment made for "
                "tomorrow; referral to the children's mental health service agreed with mum. "
                "Keeping-safe plan made with {child} (attached).",
                shared=True,
                files=(File("keeping-safe-plan.pdf", _safety_plan),),
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DSL,
                DAY,
                "Referral made to the children's mental health service; weekly check-ins "
                "with Mrs Okafor.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "larkspur-encompass",
        "larkspur",
        DSL,
        38,
        days_ago=57,
        at=(7, 40),
        kind=RecordKind.PHONE_CALL,
        categories=("Domestic abuse",),
        location="By phone, before school",
        written_after=datetime.timedelta(minutes=20),
        text=(
            "Operation Encompass notification by phone from the police at 07:40. Police were "
            "called to {child}'s home on Saturday evening after a domestic abuse incident "
            "between mum and her partner. {child} and {his} sibling {link1} were in the house "
            "and awake. The partner was arrested and has bail conditions not to go to the "
            "address. As key adult I will check in with both children this morning. No "
            "details shared with other staff beyond 'please be gentle today'."
        ),
        links=((1, LinkRole.AFFECTED),),
        files=(File("encompass-notification.pdf", _encompass_note),),
        read_by=EVERYONE,
        then=(
            Act(
                "check-in",
                DSL,
                2 * HOUR,
                "Checked in with {child} at 9:30. {He} said: 'There was shouting and the "
                "police came, but I stayed in my room with {link1}.' {He} said {he} feels "
                "safe at home now 'because he's not allowed back'. Mum phoned at 10:00 and "
                "accepted a referral to the local domestic abuse support service.",
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DSL,
                2 * HOUR + datetime.timedelta(minutes=10),
                "Early help assessment offered to mum; monitoring both children.",
                status=ReviewStatus.OPEN,
            ),
        ),
    ),
    Story(
        "larkspur-chair",
        "larkspur",
        TEACHER,
        60,
        days_ago=50,
        at=(14, 5),
        kind=RecordKind.OBSERVATION,
        categories=("Behaviour",),
        location="Eagles classroom",
        text=(
            "During maths {child} was asked to move seats. {He} shouted 'I'm not moving, you "
            "always pick on me', pushed {his} chair over and walked out. No one was hurt. "
            "Mrs Rahman followed {him} to the library corner; {he} calmed down after ten "
            "minutes and came back. Later {he} said {he} had 'hardly slept' because of noise "
            "at home."
        ),
        groups=("SLT",),
        then=(
            Act(
                "met-parents",
                SLT,
                DAY,
                "Met both parents after school. They said the family is living with "
                "grandparents while their flat is repaired and {child} shares a room with two "
                "cousins. Agreed a home-school book for a fortnight.",
                read_by=EVERYONE,
            ),
            Act(
                "home-school-book",
                SLT,
                DAY + datetime.timedelta(minutes=5),
                "Mr Lowe: please start the home-school book tomorrow and add an action "
                "saying how the first fortnight went.",
                assign=TEACHER,
                due_in_days=14,
                read_by=(),
            ),
            Correct(
                "status",
                DSL,
                DAY + HOUR,
                "Family in temporary housing: monitoring through the home-school book.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "larkspur-cheek-and-arm",
        "larkspur",
        TEACHER,
        58,
        days_ago=44,
        at=(8, 55),
        kind=RecordKind.DISCLOSURE,
        categories=("Physical injury",),
        location="Eagles classroom, morning register",
        written_after=datetime.timedelta(minutes=25),
        text=(
            "At the register I noticed a bruise on {child}'s left cheek and {he} flinched when "
            "{link1} bumped {his} arm. I asked {him} quietly what had happened and {he} said: "
            "'Dad grabbed me because I didn't put my shoes away. He squeezed really hard and "
            "then he hit my face. Don't tell him I told you.' I said I could not keep it "
            "secret but would only tell people who can help. I did not ask anything more. "
            "Marks as on the body map. I went straight to Mrs Whitfield at 9:15; Mrs Rahman "
            "stayed with the class."
        ),
        links=((59, LinkRole.WITNESS),),
        marks=(
            {
                "region": "front-face",
                "type": "bruise",
                "colour": "purple-blue, yellow at the edge",
                "shape": "oval",
                "size": "about 3 cm by 2 cm",
                "note": "Left cheek.",
            },
            {
                "region": "back-back-of-the-left-upper-arm",
                "type": "bruise",
                "colour": "blue-grey",
                "shape": "four small round marks in a row",
                "size": "each about 1 cm",
                "note": "Look like fingertip marks.",
            },
        ),
        groups=("Year 6 team", "SLT"),
        spoke_to_dsl=DSL,
        read_after=datetime.timedelta(minutes=35),
        acknowledged_by=(TA,),
        then=(
            Correct(
                "recategorise",
                DSL,
                HOUR,
                "Disclosure of a physical assault by a parent with visible marks: this is a "
                "child protection matter, referred to the local authority today.",
                categories=("Physical injury", "Child protection"),
            ),
            Act(
                "referral",
                DSL,
                HOUR + datetime.timedelta(minutes=5),
                "Referral made to the local authority's front door (MASH) at 10:05 by phone, "
                "followed by the online form. Strategy discussion at 14:00 with police and "
                "children's social care: section 47 enquiry agreed; social worker and police "
                "to see {child} in school at 15:00 before {he} goes home. Do not discuss with "
                "either parent at collection: the office is to call me if Dad arrives.",
                people=(DEPUTY,),
            ),
            Act(
                "thanks-to-staff",
                DSL,
                HOUR + datetime.timedelta(minutes=10),
                "Thank you both: I have taken this forward. Please carry on as normal with "
                "{child} and tell me straight away if {he} says anything more.",
                shared=True,
                read_by=EVERYONE,
                read_after=HOUR,
            ),
            Correct(
                "status",
                DSL,
                HOUR + datetime.timedelta(minutes=15),
                "Open: section 47 enquiry under way.",
                status=ReviewStatus.OPEN,
            ),
        ),
    ),
    Story(
        "larkspur-sats-worry",
        "larkspur",
        TA,
        59,
        days_ago=37,
        at=(11, 30),
        kind=RecordKind.CONVERSATION,
        categories=("Emotional wellbeing / mental health",),
        location="Eagles group room",
        text=(
            "In our reading group {child} started crying and said: 'I'm going to fail my "
            "SATs and then I'll be in the bottom set forever.' {He} said {he} has been "
            "waking up at night worrying. I reassured {him} and said I would let Mr Lowe "
            "know so that we can help."
        ),
        people=(TEACHER,),
        acknowledged_by=(TEACHER,),
        then=(
            Act(
                "worry-group",
                TEACHER,
                DAY,
                "Talked with {child} and phoned mum, who has noticed the same at home. "
                "{child} will join the Tuesday worry-management group run by Mrs Okafor.",
                people=(DEPUTY,),
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DEPUTY,
                20 * DAY,
                "Settled in the worry-management group; {child} says {he} is 'less scared "
                "of the tests now'.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "larkspur-wrong-child",
        "larkspur",
        TEACHER,
        53,
        days_ago=30,
        at=(15, 20),
        kind=RecordKind.PARENT,
        categories=("Family / home circumstances",),
        location="Playground at home time",
        text=(
            "At home time Mum (of the twins) told me that Dad has moved out and the children "
            "will see him at weekends. She said {moved} has been 'clingy and quiet' at home "
            "and asked us to keep an eye on her in class. I thanked her and said I would let "
            "the DSL know."
        ),
        groups=("SLT",),
        then=(
            Correct(
                "mistake",
                TEACHER,
                20 * datetime.timedelta(minutes=1),
                "I chose the wrong twin from the list: this conversation was about {moved}, "
                "not {child}. Please move it.",
            ),
            Correct(
                "move_pupil",
                DSL,
                DAY,
                "Recorded on the wrong child by mistake (the author's report): moved to {moved}.",
                pupil=57,
            ),
            Correct(
                "status",
                DSL,
                DAY + datetime.timedelta(minutes=5),
                "Family change; class teacher to keep an eye. No further action.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "larkspur-pushed-over",
        "larkspur",
        MIDDAY,
        32,
        days_ago=23,
        at=(12, 50),
        kind=RecordKind.OBSERVATION,
        categories=("Child-on-child abuse", "Physical injury"),
        location="Top playground",
        text=(
            "I saw {link1} push {child} hard from behind, so that {he} fell onto the tarmac. "
            "{child} grazed {his} right knee. {He} told me: 'It's the third time this week. "
            "It's always when the teachers aren't looking, and I get it worse if I tell.' First "
            "aid given by the office. {link1} was taken inside to Mrs Okafor."
        ),
        links=((31, LinkRole.ALLEGED),),
        marks=(
            {
                "region": "front-right-knee",
                "type": "scratch",
                "colour": "red",
                "shape": "graze",
                "size": "about 4 cm",
                "note": "Cleaned by the office; parent told at home time.",
            },
        ),
        groups=("Pastoral team",),
        then=(
            Act(
                "watch-playground",
                DEPUTY,
                DAY,
                "Spoke to both children and both families. Mrs Doyle: please keep "
                "{link1} and {child} apart on the top playground for the next week and "
                "record anything you see as an action here.",
                assign=MIDDAY,
                due_in_days=7,
                shared=True,
                read_by=EVERYONE,
            ),
            Act(
                "watch-playground-done",
                MIDDAY,
                8 * DAY,
                "Kept them apart every lunchtime this week; no pushing or threats seen. "
                "{child} has been playing football with the Year 4 group.",
                follows="watch-playground",
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DEPUTY,
                8 * DAY + HOUR,
                "Both families spoken to; a week without incident. Closed; {child} knows to "
                "come to me if it starts again.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "larkspur-group-chat",
        "larkspur",
        TEACHER,
        54,
        days_ago=15,
        at=(9, 10),
        kind=RecordKind.DISCLOSURE,
        categories=("Online safety", "Bullying"),
        location="Eagles classroom",
        text=(
            "{child} showed me a screenshot on {his} mum's phone (mum brought it in; copy "
            "attached). In a class group chat last night {link1} and others wrote that "
            "{child} should 'leave the school' and 'nobody would miss you'. {child} said: "
            "'I didn't want to come in today.' I thanked mum, kept the screenshot and told "
            "{child} we would deal with it today."
        ),
        links=((56, LinkRole.ALLEGED),),
        files=(
            File(
                "group-chat-screenshot.png",
                lambda: files.chat_screenshot(
                    [
                        (False, "leave the school"),
                        (False, "nobody would miss you"),
                        (True, "stop it"),
                        (False, "lol"),
                    ]
                ),
            ),
        ),
        groups=("SLT",),
        people=(TA,),
        then=(
            Act(
                "chat-parents",
                DEPUTY,
                DAY,
                "Met {link1} and parents; the chat has been deleted and {link1} has written "
                "an apology. Whole-class session on kind messaging booked.",
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                DEPUTY,
                DAY + HOUR,
                "Monitoring until the class session has taken place.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "larkspur-drawing",
        "larkspur",
        TA,
        8,
        days_ago=6,
        at=(10, 15),
        kind=RecordKind.DISCLOSURE,
        categories=("Safeguarding concern",),
        location="Robins classroom, drawing table",
        text=(
            "{child} drew a picture of {his} house (scan attached) and pointed to the small "
            "figure: 'That's me, mummy was sleeping on the floor and wouldn't wake up, so I "
            "had crisps for dinner.' I asked 'what happened next?' and {he} said 'Nanny came'. "
            "I did not ask anything more and told Mrs Whitfield at break."
        ),
        files=(File("robins-drawing.jpg", files.drawing),),
        groups=("SLT",),
        spoke_to_dsl=DSL,
        read_by=(SLT,),
    ),
    Story(
        "larkspur-no-coat",
        "larkspur",
        MIDDAY,
        43,
        days_ago=1,
        at=(12, 40),
        kind=RecordKind.OBSERVATION,
        categories=("Neglect",),
        location="KS2 playground",
        text=(
            "It was very cold and {child} came out without a coat for the third day this "
            "week. {He} said: 'It's too small, mum says there's no money for a new one till "
            "Christmas.' {He} had no packed lunch today either; I took {him} to the kitchen and "
            "the cook gave {him} a school dinner."
        ),
        groups=("Pastoral team",),
        read_by=(),
    ),
)

FERNHILL_STORIES = (
    Story(
        "fernhill-edited-photo",
        "fernhill",
        F_TEACHER,
        13,
        days_ago=60,
        at=(8, 40),
        kind=RecordKind.DISCLOSURE,
        categories=("Online safety", "Child-on-child abuse"),
        location="Tutor room 8B",
        text=(
            "At registration {child} told me that an edited photo of {him} with a rude caption "
            "is being passed round on phones in Year 8. {He} said: 'Everyone's seen it, I "
            "can't go to science because they'll all laugh.' {He} thinks it started with "
            "{link1}. I did not ask to see the photo and told {child} I would pass it to "
            "Mr Nasser straight away."
        ),
        links=((10, LinkRole.ALLEGED),),
        spoke_to_dsl=F_DSL,
        then=(
            Act(
                "edited-photo-dealt",
                F_DSL,
                4 * HOUR,
                "Met {link1} with a parent; the image was deleted in front of me and the "
                "group chat closed. Sanction applied under the behaviour policy. {child} and "
                "family told; {child} to go to science with a friend this week.",
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                F_DSL,
                10 * DAY,
                "Resolved; no further sharing reported.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "fernhill-mondays",
        "fernhill",
        F_TEACHER,
        15,
        days_ago=33,
        at=(9, 0),
        kind=RecordKind.CONVERSATION,
        categories=("Attendance", "Emotional wellbeing / mental health"),
        location="Tutor room 8B",
        text=(
            "{child} has missed four of the last six Mondays. Today {he} said: 'I can't face "
            "Mondays, Sunday nights I feel sick thinking about it.' {He} would not say more. "
            "I told {him} I would ask Mr Nasser to meet {him}."
        ),
        then=(
            Act(
                "pastoral-meeting",
                F_DSL,
                2 * DAY,
                "Met {child} and dad. Worries about a friendship group falling out; no wider "
                "safeguarding concern found. Weekly mentor meeting on Monday mornings, "
                "attendance to be reviewed at half term.",
                assign=F_TEACHER,
                due_in_days=45,
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                F_DSL,
                2 * DAY + HOUR,
                "Monitoring attendance until half term.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "fernhill-bus-stop",
        "fernhill",
        F_TEACHER,
        29,
        days_ago=3,
        at=(15, 45),
        kind=RecordKind.THIRD_PARTY,
        categories=("Outside-school incident",),
        location="Bus stop outside school",
        text=(
            "A member of the public phoned reception to say an older teenager, not in "
            "uniform, has been waiting at the bus stop after school and giving {child} "
            "vapes. Reception passed the call to me. I have not spoken to {child} yet and am "
            "recording it for Mr Nasser."
        ),
        read_by=(),
    ),
)

STORIES = LARKSPUR_STORIES + FERNHILL_STORIES


# Loading ---------------------------------------------------------------------------------


@dataclass
class _Context:
    schools: Mapping[str, tuple[School, str]]
    now: datetime.datetime
    created: int = 0
    memberships: dict[tuple[int, str], Membership] = field(default_factory=dict)
    pupils: dict[tuple[int, int], Pupil] = field(default_factory=dict)
    categories: dict[tuple[int, str], Category] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)

    def school(self, story: Story) -> School:
        return self.schools[story.school][0]

    def member(self, school: School, email: str) -> Membership:
        key = (school.pk, email)
        if key not in self.memberships:
            self.memberships[key] = (
                Membership.objects.for_school(school)
                .select_related("user", "school")
                .get(user__email=email)
            )
        return self.memberships[key]

    def pupil(self, story: Story, number: int) -> Pupil:
        school, estab = self.schools[story.school]
        key = (school.pk, number)
        if key not in self.pupils:
            self.pupils[key] = Pupil.objects.for_school(school).get(
                admission_number=f"{estab}{number:04d}"
            )
        return self.pupils[key]

    def category(self, school: School, name: str) -> Category:
        key = (school.pk, name)
        if key not in self.categories:
            self.categories[key] = Category.objects.for_school(school).get(name=name)
        return self.categories[key]


def load_records(schools: Mapping[str, tuple[School, str]]) -> int:
    """Record every story not yet recorded; return how many records this run made.

    `schools` maps "larkspur" and "fernhill" to the school and the start of its
    pupils' admission numbers. Call inside a transaction.
    """
    context = _Context(schools=schools, now=timezone.now())
    steps: list[tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]] = []
    for story in STORIES:
        steps.extend(_steps(context, story, len(steps)))
    steps.sort(key=lambda step: (step[0], step[1]))
    for moment, _, run in steps:
        with clock.frozen_at(moment):
            run(moment)
    return context.created


def _story_moment(now: datetime.datetime, days_ago: int, at: tuple[int, int]) -> datetime.datetime:
    """The school day `days_ago` before today (a weekend moves back to Friday), at `at`."""
    day = timezone.localdate(now) - datetime.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= DAY
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*at)))


def _later(now: datetime.datetime, moment: datetime.datetime) -> datetime.datetime:
    """A follow-up's moment: a weekend moves on to Monday; never later than a minute ago."""
    local = timezone.localtime(moment)
    while local.weekday() >= 5:
        local += DAY
    return min(local, now - datetime.timedelta(minutes=1))


def _steps(
    context: _Context, story: Story, order: int
) -> list[tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]]:
    now = context.now
    occurred = min(_story_moment(now, story.days_ago, story.at), now - 2 * HOUR)
    recorded = min(occurred + story.written_after, now - HOUR)
    steps: list[tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]] = [
        (recorded, order, lambda _: _record(context, story, occurred))
    ]
    read_at = _later(now, recorded + story.read_after)
    steps.append((read_at, order + 1, lambda _: _read(context, story, None, story.read_by, story)))
    for index, step in enumerate(story.then, start=2):
        moment = _later(now, recorded + step.after)
        if isinstance(step, Act):
            steps.append((moment, order + index, _action_runner(context, story, step)))
            read = _later(now, moment + step.read_after)
            steps.append((read, order + index, _action_reader(context, story, step)))
        else:
            steps.append((moment, order + index, _correction_runner(context, story, step)))
    return steps


def _action_runner(
    context: _Context, story: Story, act: Act
) -> Callable[[datetime.datetime], None]:
    return lambda moment: _act(context, story, act, moment)


def _action_reader(
    context: _Context, story: Story, act: Act
) -> Callable[[datetime.datetime], None]:
    return lambda _: _read(context, story, act, act.read_by, None)


def _correction_runner(
    context: _Context, story: Story, step: Correct
) -> Callable[[datetime.datetime], None]:
    return lambda _: _correct(context, story, step)


def _names(context: _Context, story: Story) -> dict[str, str]:
    """The words the story's text is filled in with, from the demo's own pupils."""
    child = context.pupil(story, story.pupil)
    he, his, him = ("she", "her", "her") if child.sex == Sex.FEMALE else ("he", "his", "him")
    names = {"child": child.first_name, "he": he, "his": his, "him": him}
    names |= {"He": he.capitalize(), "His": his.capitalize(), "Him": him.capitalize()}
    for number, (pupil, _) in enumerate(story.links, start=1):
        linked = context.pupil(story, pupil)
        names[f"link{number}"] = f"{linked.first_name} {linked.last_name[:1]}"
    moved = [step.pupil for step in story.then if isinstance(step, Correct) and step.pupil]
    if moved:
        names["moved"] = context.pupil(story, moved[0]).first_name
    return names


def _key(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def _uploads(wanted: tuple[File, ...]) -> list[SimpleUploadedFile]:
    """The story's files as uploads: the submit services check and store them."""
    return [SimpleUploadedFile(f.name, f.make()) for f in wanted]


def _record(context: _Context, story: Story, occurred: datetime.datetime) -> None:
    school = context.school(story)
    author = context.member(school, story.author)
    key = _key(story.name)
    existing = Incident.objects.for_school(school).filter(submit_key=key).first()
    if existing is not None:  # recorded by an earlier run: make no files for it
        context.incidents[story.name] = existing
        return
    names = _names(context, story)
    marks, problems = bodymap.parse_marks(
        {
            f"mark-{number}-{name}": value
            for number, mark in enumerate(story.marks, start=1)
            for name, value in mark.items()
        }
    )
    if problems:
        raise ValidationError(problems)
    submitted = recording.submit_incident(
        membership=author,
        submit_key=key,
        pupil=context.pupil(story, story.pupil),
        kind=story.kind,
        text=story.text.format(**names),
        occurred_at=occurred,
        categories=[context.category(school, name) for name in story.categories],
        location=story.location,
        spoke_to_dsl=bool(story.spoke_to_dsl),
        dsl_spoken_to=context.member(school, story.spoke_to_dsl).user
        if story.spoke_to_dsl
        else None,
        links=[recording.Link(context.pupil(story, p), role) for p, role in story.links],
        marks=marks,
        files=_uploads(story.files),
        groups=[
            StaffGroup.objects.for_school(school).get(is_slt=True)
            if name == "SLT"
            else StaffGroup.objects.for_school(school).get(name=name)
            for name in story.groups
        ],
        people=[context.member(school, email) for email in story.people],
    )
    incident, created = submitted.record, submitted.is_new
    context.incidents[story.name] = incident
    context.created += created


def _act(context: _Context, story: Story, act: Act, moment: datetime.datetime) -> None:
    school = context.school(story)
    incident = context.incidents[story.name]
    author = context.member(school, act.author)
    key = _key(story.name, act.name)
    existing = Action.objects.for_school(school).filter(submit_key=key, author=author.user).first()
    if existing is not None:
        context.actions[f"{story.name}/{act.name}"] = existing
        return
    names = _names(context, story)
    submitted = actions.submit_action(
        membership=author,
        incident=incident,
        submit_key=key,
        text=act.text.format(**names),
        occurred_at=moment,
        assigned_to=context.member(school, act.assign) if act.assign else None,
        due_on=timezone.localdate(moment) + datetime.timedelta(days=act.due_in_days)
        if act.assign
        else None,
        follows_up=context.actions[f"{story.name}/{act.follows}"] if act.follows else None,
        tell_leads=act.tell_leads,
        people=[context.member(school, email) for email in act.people],
        files=_uploads(act.files),
        is_shared_with_alerted=act.shared,
    )
    action, created = submitted.record, submitted.is_new
    context.actions[f"{story.name}/{act.name}"] = action
    context.created += created


def _correct(context: _Context, story: Story, step: Correct) -> None:
    school = context.school(story)
    incident = context.incidents[story.name]
    author = context.member(school, step.author)
    reason = step.reason.format(**_names(context, story))
    kind = CorrectionKind.MISTAKE_REPORTED if step.kind == "mistake" else step.kind
    done = IncidentCorrection.objects.for_school(school).filter(
        incident=incident, kind=kind, made_by=author.user, reason=reason
    )
    if done.exists():
        return
    if step.kind == "mistake":
        corrections.report_mistake(membership=author, incident=incident, note=reason)
    elif step.kind == "recategorise":
        categories = [context.category(school, name) for name in step.categories]
        corrections.recategorise(
            membership=author, incident=incident, categories=categories, reason=reason
        )
    elif step.kind == "move_pupil":
        pupil = context.pupil(story, step.pupil)
        corrections.move_to_pupil(membership=author, incident=incident, pupil=pupil, reason=reason)
    else:
        corrections.set_status(
            membership=author, incident=incident, status=step.status, reason=reason
        )
    context.created += 1


def _read(
    context: _Context, story: Story, act: Act | None, who: tuple[str, ...], ack: Story | None
) -> None:
    """Those in `who` (or everyone alerted) mark their alert read; some acknowledge it."""
    school = context.school(story)
    incident = context.incidents[story.name]
    action = context.actions[f"{story.name}/{act.name}"] if act is not None else None
    alerts = Alert.objects.for_school(school).filter(incident=incident, action=action)
    acknowledging = set(ack.acknowledged_by) if ack is not None else set()
    for alert in alerts.select_related("recipient"):
        email = alert.recipient.email
        if who != EVERYONE and email not in who and email not in acknowledging:
            continue
        member = context.member(school, email)
        if email in acknowledging:
            context.created += alerting.acknowledge_alerts(membership=member, alert=alert)
        else:
            context.created += alerting.mark_alerts_read(membership=member, alert=alert)

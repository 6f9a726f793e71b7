"""Larkspur's stories from the first half of the term: name-calling in the playground,
late arrivals, someone in an online game asking for a picture, a hungry child, cuts on a
forearm, a police notification of domestic abuse, and a chair pushed over in a lesson."""

import datetime

from safeguard.demo import files
from safeguard.demo.records.story import (
    DAY,
    DEPUTY,
    DSL,
    EVERYONE,
    HOUR,
    MIDDAY,
    OFFICE,
    SITE,
    SLT,
    TA,
    TEACHER,
    Act,
    Correct,
    File,
    Story,
)
from safeguard.incidents.models import LinkRole, RecordKind, ReviewStatus

LARKSPUR_FIRST_HALF = (
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
                files=(File("attendance-letter.pdf", files.attendance_letter),),
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
                files=(File("keeping-safe-plan.pdf", files.safety_plan),),
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
        files=(File("encompass-notification.pdf", files.encompass_note),),
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
)

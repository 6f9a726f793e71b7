"""Larkspur's stories from the second half of the term, up to yesterday: a bruised cheek,
a worry about SATs, an incident recorded against the wrong child, a push in the playground,
a group chat, a drawing of home, and a child with no coat."""

import datetime

from safeguard.demo import files
from safeguard.demo.records.story import (
    DAY,
    DEPUTY,
    DSL,
    EVERYONE,
    HOUR,
    MIDDAY,
    SLT,
    TA,
    TEACHER,
    TEACHER2,
    Act,
    Correct,
    File,
    Story,
)
from safeguard.incidents.models import LinkRole, RecordKind, ReviewStatus

LARKSPUR_SECOND_HALF = (
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
        # His teacher last year, named by the author: another teacher alerted to the
        # incident before the DSL added Child protection.
        people=(TEACHER2,),
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
                "Thank you all: I have taken this forward. Please carry on as normal with "
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

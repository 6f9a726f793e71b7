"""What the leads did with the term's incidents: their reviews (risk, decision and rationale,
a decision not to refer among them, significant events, replies to the authors) and the key
events they added to the children's chronologies.

The newest incidents of each school are left awaiting review, so the review queue has work
in it. Text uses the stories' names ({child}, {he}, {link1}...).
"""

import datetime

from safeguard.casework.models import KeyEventKind, Presence, ReplyKind, RiskLevel
from safeguard.demo.records.story import (
    DAY,
    DEPUTY,
    DSL,
    F_DSL,
    HOUR,
    KeyEventStep,
    Notification,
    Review,
)

MINUTE = datetime.timedelta(minutes=1)

REVIEWS: dict[str, tuple[Review, ...]] = {
    "larkspur-playground-names": (
        Review(
            DEPUTY,
            3 * HOUR,
            RiskLevel.LOW,
            "Monitor",
            "Name-calling by one child, seen and stopped by an adult; {child} was upset but "
            "not hurt. Spoken to both children, parents told; lunchtime buddy and weekly "
            "check-ins for three weeks.",
            reply=ReplyKind.THANKS,
        ),
    ),
    "larkspur-late-arrivals": (
        Review(
            DEPUTY,
            5 * HOUR,
            RiskLevel.LOW,
            "Monitor",
            "Fourth late arrival in two weeks, with a reason given by Mum. Attendance officer "
            "to write home and to track arrivals to half term.",
        ),
    ),
    "larkspur-online-game": (
        Review(
            DSL,
            4 * HOUR,
            RiskLevel.MEDIUM,
            "Referral to another agency",
            "An adult stranger asked {child} for a picture through an online game. Reported "
            "to CEOP; parents to be phoned today; online-safety session for the class.",
            discussed_with="Headteacher",
            significant="Asked for a picture by a stranger in an online game; reported to CEOP.",
            reply=ReplyKind.THANKS,
        ),
    ),
    "larkspur-hungry": (
        Review(
            DSL,
            2 * HOUR + 50 * MINUTE,
            RiskLevel.MEDIUM,
            "Monitor",
            "Third day this week {child} has come in hungry. {He} has an allocated social "
            "worker, who is told today; breakfast club offered. Not a new referral: the "
            "social worker holds the case.",
            discussed_with="Social worker (children's social care)",
            significant="Came to school hungry for the third day this week; social worker told.",
            reply=ReplyKind.THANKS,
        ),
    ),
    "larkspur-forearm": (
        Review(
            DSL,
            90 * MINUTE,
            RiskLevel.HIGH,
            "Referral to another agency",
            "Healing cuts to the forearm that {child} says {he} made. Parents told today and "
            "asked to see the GP, who can refer to CAMHS; school nurse to see {child} "
            "weekly. Risk is high until CAMHS have seen {him}.",
            discussed_with="School nurse; Mum",
            significant="Self-harm: cuts to the forearm; parents told, GP to refer to CAMHS.",
            reply=ReplyKind.THANKS,
        ),
        Review(
            DSL,
            15 * DAY,
            RiskLevel.MEDIUM,
            "Monitor",
            "CAMHS have seen {child} and offered weekly sessions; no new marks seen at the "
            "nurse's check-ins.",
            risk_reason="Seen by CAMHS, with weekly sessions in place and no new injuries.",
        ),
    ),
    "larkspur-encompass": (
        Review(
            DSL,
            2 * HOUR + 30 * MINUTE,
            RiskLevel.MEDIUM,
            "Monitor",
            "Police notification of a domestic incident at home last night, with {child} in "
            "the house. Silent support from the class teacher today and a check-in with the "
            "key adult; the family are already known to early help.",
            significant="Operation Encompass: police called to a domestic incident at home.",
        ),
    ),
    "larkspur-chair": (
        Review(
            DSL,
            20 * HOUR,
            RiskLevel.LOW,
            "No further action",
            "Decided not to refer to children's social care: one outburst of frustration in "
            "a lesson, nobody hurt, no concerns at home, parents came in the next day and "
            "agreed a home-school book. Behaviour plan through the class teacher.",
            discussed_with="Deputy DSL",
        ),
    ),
    "larkspur-cheek-and-arm": (
        Review(
            DSL,
            HOUR + 20 * MINUTE,
            RiskLevel.HIGH,
            "Referral to children's social care",
            "Bruising to the cheek and the upper arm, and an account that changed when "
            "{child} was asked again. This meets the threshold for a referral: referred to "
            "the MASH by phone, followed up in writing. Parents not told, on the duty "
            "social worker's advice.",
            discussed_with="Duty social worker, MASH",
            significant="Bruising to cheek and arm; referred to children's social care.",
            reply=ReplyKind.THANKS,
        ),
    ),
    "larkspur-sats-worry": (
        Review(
            DEPUTY,
            DAY + 2 * HOUR,
            RiskLevel.LOW,
            "Monitor",
            "Worry about the tests, with poor sleep. Worry group for six weeks; Mum told.",
            reply=ReplyKind.MORE_DETAIL,
            reply_message=(
                "Thank you. Could you add what {child} said about sleeping badly, in "
                "{his} words, and whether {he} has said this before?"
            ),
        ),
    ),
    "larkspur-wrong-child": (
        Review(
            DSL,
            DAY + 10 * MINUTE,
            RiskLevel.LOW,
            "Monitor",
            "Recorded against the wrong child at first and moved. A family change at home "
            "that the class teacher will keep an eye on; nothing suggests harm.",
        ),
    ),
    "larkspur-pushed-over": (
        Review(
            DEPUTY,
            3 * HOUR,
            RiskLevel.MEDIUM,
            "Monitor",
            "{child} was pushed over on purpose by {link1} and grazed a knee. Both spoken to; "
            "parents of both told; midday staff to watch that part of the playground for "
            "two weeks.",
            discussed_with="Midday supervisor; class teacher",
            reply=ReplyKind.THANKS,
        ),
    ),
    "larkspur-group-chat": (
        Review(
            DEPUTY,
            22 * HOUR,
            RiskLevel.MEDIUM,
            "Early help",
            "Unkind messages about {child} in a class group chat, started by {link1}. "
            "Parents of both to meet the deputy; family offered early help for the online "
            "side of it.",
            significant="Bullied in a class group chat; family offered early help.",
        ),
    ),
    "fernhill-edited-photo": (
        Review(
            F_DSL,
            3 * HOUR,
            RiskLevel.MEDIUM,
            "Monitor",
            "An edited photo of {child} shared among pupils. The image was deleted in front "
            "of staff and parents told; handled in school under the UKCIS guidance, with "
            "the police schools officer's advice. No referral: no adult involved and no "
            "sign of coercion.",
            discussed_with="Police schools liaison officer (advice only)",
            significant="Edited photo of {child} shared by pupils; dealt with in school.",
            reply=ReplyKind.THANKS,
        ),
    ),
    "fernhill-mondays": (
        Review(
            F_DSL,
            DAY + 3 * HOUR,
            RiskLevel.LOW,
            "Early help",
            "Missing Mondays and low in mood after weekends at Dad's. Pastoral meeting with "
            "Mum; early help assessment offered and agreed.",
        ),
    ),
}

KEY_EVENTS: tuple[KeyEventStep, ...] = (
    KeyEventStep(
        "larkspur-cheek-and-arm",
        DSL,
        DAY + 4 * HOUR,
        KeyEventKind.STRATEGY_MEETING,
        "Strategy discussion held with social care and police.",
        "The DSL joined by phone. Agreed: a section 47 enquiry, and a joint visit today.",
    ),
    KeyEventStep(
        "larkspur-cheek-and-arm",
        DSL,
        DAY + 5 * HOUR,
        KeyEventKind.SECTION_47,
        "Section 47 enquiry started.",
    ),
    KeyEventStep(
        "larkspur-cheek-and-arm",
        DSL,
        17 * DAY,
        KeyEventKind.CP_PLAN_STARTED,
        "Child protection plan started (physical abuse) at the initial conference.",
        "Core group to meet within ten working days; school's actions: daily check-in "
        "with a key adult, attendance watched.",
    ),
    KeyEventStep(
        "larkspur-hungry",
        DSL,
        30 * DAY,
        KeyEventKind.OTHER,
        "Child in need plan reviewed: breakfast club and uniform help in place.",
        happened_before=DAY,
    ),
)

NOTIFICATIONS: tuple[Notification, ...] = (
    Notification(
        "KNT/OE/4471",
        DSL,
        ((38, Presence.PRESENT), (1, Presence.PRESENT)),
        "Police called to the home on Saturday evening after a domestic incident between "
        "Mum and her partner. Both children were in the house and awake. The partner was "
        "arrested and has bail conditions not to go to the address.",
        story="larkspur-encompass",
        check_in=True,
        silent_support=True,
        notes="Check-in with both children this morning; class teachers asked to be gentle.",
    ),
    Notification(
        "KNT/OE/5092",
        DEPUTY,
        ((22, Presence.NOT_PRESENT),),
        "Police attended a verbal argument between the parents late last night. The child "
        "was staying at Grandma's and was not in the house. No arrests.",
        incident_before=datetime.timedelta(hours=10),
        notes="Left for the DSL to see before registration.",
        acknowledge=False,
    ),
)

"""The demo's referrals, meetings and profiles, through casework's own services.

Yusuf's bruises (the story "larkspur-cheek-and-arm") lead to a referral to children's
social care, acknowledged that day; a strategy discussion the next day; an initial child
protection conference fifteen working days on, whose review is due in three months; and
a core group. His profile names his mother and his social worker. The late-arriving child's
referral to early help went two working days ago and nobody has answered: it is overdue,
and the dashboard says so. The two children of the Operation Encompass story are siblings.
Each step runs at its moment, as the stories do; a step already recorded is skipped.
"""

import datetime
from collections.abc import Callable
from typing import Protocol

from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.casework.models import Meeting, Referral, ReferralAgency
from safeguard.casework.profile.contacts import ContactDetails, add_contact
from safeguard.casework.profile.household import link_between, link_pupils
from safeguard.casework.profile.models import Contact, Professional
from safeguard.casework.profile.professionals import ProfessionalDetails, add_professional
from safeguard.casework.referrals.meetings import record_meeting
from safeguard.casework.referrals.services import add_outcome, log_referral
from safeguard.demo.records.story import DAY, DSL, HOUR, Story
from safeguard.incidents.models import Incident
from safeguard.pupils.models import Pupil

Step = tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]
YUSUF_STORY = "larkspur-cheek-and-arm"
SIBLINGS_STORY = "larkspur-encompass"


class Context(Protocol):
    created: int
    incidents: dict[str, Incident]

    def school(self, story: Story) -> School: ...

    def member(self, school: School, email: str) -> Membership: ...

    def pupil(self, story: Story, number: int) -> Pupil: ...


def agency_steps(
    context: Context,
    story: Story,
    recorded: datetime.datetime,
    order: int,
    later: Callable[[datetime.datetime], datetime.datetime],
) -> list[Step]:
    """The story's referral, meetings and profile steps, each at its moment."""
    if story.name == YUSUF_STORY:
        plan: list[tuple[datetime.timedelta, Callable[[datetime.datetime], None]]] = [
            (HOUR + 5 * MINUTE, lambda at: _refer_yusuf(context, story, at)),
            (DAY + 2 * HOUR, lambda at: _strategy(context, story, at)),
            (17 * DAY, lambda at: _conference(context, story, at)),
            (17 * DAY + HOUR, lambda at: _profile(context, story, at)),
            (27 * DAY, lambda at: _core_group(context, story, at)),
        ]
    elif story.name == SIBLINGS_STORY:
        plan = [(3 * HOUR, lambda at: _siblings(context, story, at))]
    else:
        return []
    return [
        (later(recorded + after), order + index, run) for index, (after, run) in enumerate(plan)
    ]


MINUTE = datetime.timedelta(minutes=1)


def _lead(context: Context, story: Story) -> Membership:
    return context.member(context.school(story), DSL)


def _agency(school: School, name: str) -> ReferralAgency:
    return ReferralAgency.objects.for_school(school).get(name=name)


def _refer_yusuf(context: Context, story: Story, at: datetime.datetime) -> None:
    school, lead = context.school(story), _lead(context, story)
    yusuf = context.pupil(story, story.pupil)
    if Referral.objects.for_school(school).filter(pupil=yusuf).exists():
        return
    referral = log_referral(
        membership=lead,
        pupil=yusuf,
        agency=_agency(school, "Children's social care / MASH"),
        sent_at=at - 5 * MINUTE,
        sent_by=lead.user,
        method="phone",
        agency_reference="MASH-26-0417",
        is_consent_sought=False,
        no_consent_reason=(
            "Not sought, on the duty social worker's advice: telling the parents first could "
            "put Yusuf at greater risk."
        ),
        incident=context.incidents[story.name],
    )
    add_outcome(
        membership=lead,
        referral=referral,
        kind="acknowledged",
        happened_on=timezone.localdate(at),
        note="Duty social worker rang back: a strategy discussion tomorrow.",
    )
    context.created += 2


def _meeting(
    context: Context, story: Story, at: datetime.datetime, kind: str, **fields: object
) -> None:
    school, yusuf = context.school(story), context.pupil(story, story.pupil)
    if Meeting.objects.for_school(school).filter(pupil=yusuf, kind=kind).exists():
        return
    record_meeting(
        membership=_lead(context, story),
        pupil=yusuf,
        kind=kind,
        held_on=timezone.localdate(at),
        **fields,  # type: ignore[arg-type]
    )
    context.created += 1


def _strategy(context: Context, story: Story, at: datetime.datetime) -> None:
    referral = Referral.objects.for_school(context.school(story)).get(
        pupil=context.pupil(story, story.pupil)
    )
    if not referral.outcomes.filter(kind="strategy").exists():
        add_outcome(
            membership=_lead(context, story),
            referral=referral,
            kind="strategy",
            happened_on=timezone.localdate(at),
        )
    _meeting(
        context,
        story,
        at,
        "strategy",
        attendees="Duty social worker; police child abuse investigation team; DSL",
        decisions="Section 47 enquiry; joint visit today; medical examination arranged.",
    )


def _conference(context: Context, story: Story, at: datetime.datetime) -> None:
    _meeting(
        context,
        story,
        at,
        "icpc",
        attendees="Conference chair; social worker; Mum; DSL; school nurse; police",
        report_text=(
            "Yusuf attends every day and is settled in class. Since the referral he has a "
            "daily check-in with his key adult. No new marks have been seen."
        ),
        decisions="Child protection plan under the category of physical abuse.",
        next_on=timezone.localdate(at) + datetime.timedelta(days=91),
    )


def _core_group(context: Context, story: Story, at: datetime.datetime) -> None:
    _meeting(
        context,
        story,
        at,
        "core_group",
        attendees="Social worker; Mum; DSL; class teacher",
        decisions="Plan on track; parenting course booked for Mum.",
        next_on=timezone.localdate(at) + datetime.timedelta(days=42),
    )


def _profile(context: Context, story: Story, at: datetime.datetime) -> None:
    school, lead = context.school(story), _lead(context, story)
    yusuf = context.pupil(story, story.pupil)
    if not Contact.objects.for_school(school).filter(pupil=yusuf).exists():
        add_contact(
            membership=lead,
            pupil=yusuf,
            details=ContactDetails(
                name="Amira Khan",
                relationship="Mother",
                has_parental_responsibility=True,
                phone="07700 900417",
            ),
        )
        context.created += 1
    if not Professional.objects.for_school(school).filter(pupil=yusuf).exists():
        add_professional(
            membership=lead,
            pupil=yusuf,
            details=ProfessionalDetails(
                role="social_worker",
                name="Priya Shah",
                organisation="Children's social care, Larkspur district team",
                phone="01632 960417",
                started_on=timezone.localdate(at) - datetime.timedelta(days=16),
            ),
        )
        context.created += 1


def _siblings(context: Context, story: Story, at: datetime.datetime) -> None:
    child = context.pupil(story, story.pupil)
    sibling = context.pupil(story, story.links[0][0])
    if link_between(child, sibling) is None:
        link_pupils(
            membership=_lead(context, story), pupil=child, other=sibling, relationship="sibling"
        )
        context.created += 1


def overdue_referral_steps(
    context: Context, school: School, estab: str, now: datetime.datetime
) -> list[Step]:
    """The late-arriving child's referral to early help, sent two school days ago, unanswered."""
    sent = timezone.localtime(now) - 2 * DAY
    while sent.weekday() >= 5:
        sent -= DAY
    sent = sent.replace(hour=10, minute=15, second=0, microsecond=0)
    return [(sent + MINUTE, 10**6, lambda at: _refer_late_child(context, school, estab, sent))]


def _refer_late_child(
    context: Context, school: School, estab: str, sent: datetime.datetime
) -> None:
    lead = context.member(school, DSL)
    child = Pupil.objects.for_school(school).get(admission_number=f"{estab}0026")
    early_help = _agency(school, "Early help")
    if Referral.objects.for_school(school).filter(pupil=child, agency=early_help).exists():
        return
    log_referral(
        membership=lead,
        pupil=child,
        agency=early_help,
        sent_at=sent,
        sent_by=lead.user,
        method="portal",
        is_consent_sought=True,
        notes="Mum agreed to an early help assessment: mornings are hard with a new baby.",
    )
    context.created += 1

"""Recording the leads' reviews and key events (records/casework.py) through casework's own
services, at their moments in the term, as loading.py does the stories."""

import datetime
from collections.abc import Callable, Mapping
from typing import Protocol

from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.casework.encompass.services import NamedChild, record_notification
from safeguard.casework.models import DecisionOption, EncompassNotification, KeyEvent, TriageEntry
from safeguard.casework.services.key_events import add_key_event
from safeguard.casework.services.triage import review_incident
from safeguard.demo.records.casework import KEY_EVENTS, NOTIFICATIONS, REVIEWS
from safeguard.demo.records.story import KeyEventStep, Notification, Review, Story
from safeguard.incidents.models import Incident
from safeguard.pupils.models import Pupil

Step = tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]

# A notification is written up this long after the police's call; this morning's came then.
TAKING_IT_DOWN = datetime.timedelta(minutes=10)
MORNING = datetime.time(7, 35)


class Context(Protocol):
    """What loading.py's context gives these steps."""

    created: int
    incidents: dict[str, Incident]
    schools: Mapping[str, tuple[School, str]]

    def school(self, story: Story) -> School: ...

    def member(self, school: School, email: str) -> Membership: ...

    def pupil(self, story: Story, number: int) -> Pupil: ...


def casework_steps(
    context: Context,
    story: Story,
    recorded: datetime.datetime,
    order: int,
    names: Callable[[], dict[str, str]],
    later: Callable[[datetime.datetime], datetime.datetime],
) -> list[Step]:
    """The story's reviews and key events, each at its moment (`later` moves a weekend on)."""
    steps: list[Step] = []
    for index, review in enumerate(REVIEWS.get(story.name, ())):
        steps.append(
            (
                later(recorded + review.after),
                order + index,
                _reviewer(context, story, review, names),
            )
        )
    for index, event in enumerate(e for e in KEY_EVENTS if e.story == story.name):
        steps.append(
            (later(recorded + event.after), order + index, _adder(context, story, event, names))
        )
    for index, told in enumerate(n for n in NOTIFICATIONS if n.story == story.name):
        received = recorded - told.before
        steps.append((received + TAKING_IT_DOWN, order + index, _notifier(context, told, received)))
    return steps


def fresh_steps(context: Context, now: datetime.datetime, order: int) -> list[Step]:
    """The notifications that came in this morning (before now, whatever the time)."""
    morning = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), MORNING))
    received = min(morning, now - datetime.timedelta(hours=1))
    return [
        (received + TAKING_IT_DOWN, order + index, _notifier(context, told, received))
        for index, told in enumerate(n for n in NOTIFICATIONS if not n.story)
    ]


def _notifier(
    context: Context, told: Notification, received: datetime.datetime
) -> Callable[[datetime.datetime], None]:
    return lambda _: _notify(context, told, received)


def _notify(context: Context, told: Notification, received: datetime.datetime) -> None:
    school, estab = context.schools["larkspur"]
    done = EncompassNotification.objects.for_school(school).filter(police_reference=told.reference)
    if done.exists():
        return
    author = context.member(school, told.author)
    record_notification(
        membership=author,
        received_at=received,
        incident_at=received - told.incident_before,
        force=told.force,
        police_reference=told.reference,
        summary=told.summary,
        key_adult=author,
        children=[
            NamedChild(
                Pupil.objects.for_school(school).get(admission_number=f"{estab}{number:04d}"),
                presence,
            )
            for number, presence in told.children
        ],
        silent_support=told.silent_support,
        check_in=told.check_in,
        response_notes=told.notes,
        acknowledge=told.acknowledge,
    )
    context.created += 1


def _reviewer(
    context: Context, story: Story, review: Review, names: Callable[[], dict[str, str]]
) -> Callable[[datetime.datetime], None]:
    return lambda _: _review(context, story, review, names())


def _adder(
    context: Context, story: Story, event: KeyEventStep, names: Callable[[], dict[str, str]]
) -> Callable[[datetime.datetime], None]:
    return lambda moment: _add_key_event(context, story, event, names(), moment)


def _review(context: Context, story: Story, review: Review, names: dict[str, str]) -> None:
    school = context.school(story)
    incident = context.incidents[story.name]
    author = context.member(school, review.author)
    rationale = review.rationale.format(**names)
    done = TriageEntry.objects.for_school(school).filter(
        incident=incident, made_by=author.user, rationale=rationale
    )
    if done.exists():
        return
    review_incident(
        membership=author,
        incident=incident,
        risk_level=review.risk,
        risk_reason=review.risk_reason.format(**names),
        decision=DecisionOption.objects.for_school(school).get(name=review.decision),
        rationale=rationale,
        discussed_with=review.discussed_with,
        is_significant=bool(review.significant),
        significance_summary=review.significant.format(**names),
        status=review.status,
        status_reason=review.status_reason.format(**names),
        reply_kind=review.reply,
        reply_message=review.reply_message.format(**names),
        mark_reviewed=review.mark_reviewed,
    )
    context.created += 1


def _add_key_event(
    context: Context,
    story: Story,
    event: KeyEventStep,
    names: dict[str, str],
    moment: datetime.datetime,
) -> None:
    school = context.school(story)
    pupil = context.pupil(story, story.pupil)
    summary = event.summary.format(**names)
    if KeyEvent.objects.for_school(school).filter(pupil=pupil, summary=summary).exists():
        return
    add_key_event(
        membership=context.member(school, event.author),
        pupil=pupil,
        kind=event.kind,
        happened_on=timezone.localdate(moment) - event.happened_before,
        summary=summary,
        details=event.details.format(**names),
    )
    context.created += 1

"""Recording the leads' reviews and key events (records/casework.py) through casework's own
services, at their moments in the term, as loading.py does the stories."""

import datetime
from collections.abc import Callable
from typing import Protocol

from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.casework.models import DecisionOption, KeyEvent, TriageEntry
from safeguard.casework.services.key_events import add_key_event
from safeguard.casework.services.triage import review_incident
from safeguard.demo.records.casework import KEY_EVENTS, REVIEWS
from safeguard.demo.records.story import KeyEventStep, Review, Story
from safeguard.incidents.models import Incident
from safeguard.pupils.models import Pupil

Step = tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]


class Context(Protocol):
    """What loading.py's context gives these steps."""

    created: int
    incidents: dict[str, Incident]

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
    return steps


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

"""Recording the demo's stories through the real services, oldest step first, each with the
clock set back to its moment in the term."""

import datetime
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup
from safeguard.demo.records.agencies import agency_steps, overdue_referral_steps
from safeguard.demo.records.fernhill import FERNHILL_STORIES
from safeguard.demo.records.larkspur_first_half import LARKSPUR_FIRST_HALF
from safeguard.demo.records.larkspur_second_half import LARKSPUR_SECOND_HALF
from safeguard.demo.records.reviewing import casework_steps, fresh_steps
from safeguard.demo.records.story import DAY, EVERYONE, HOUR, Act, Correct, File, Story
from safeguard.incidents.models import (
    Action,
    Alert,
    AlertReason,
    Category,
    CorrectionKind,
    Incident,
    IncidentCorrection,
)
from safeguard.incidents.services import actions, alerting, bodymap, corrections, recording
from safeguard.lib import clock
from safeguard.pupils.models import Pupil, Sex

# Submit keys are uuid5(NAMESPACE, story name): the same on every machine and every run.
NAMESPACE = uuid.UUID("5a4e9c3e-3c1b-4d53-9b8e-6c0d2f1e7a10")

STORIES = LARKSPUR_FIRST_HALF + LARKSPUR_SECOND_HALF + FERNHILL_STORIES


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
    steps.extend(fresh_steps(context, context.now, len(steps)))
    steps.extend(overdue_referral_steps(context, *context.schools["larkspur"], context.now))
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
    steps.extend(
        casework_steps(
            context,
            story,
            recorded,
            order + len(story.then) + 2,
            lambda: _names(context, story),
            lambda moment: _later(now, moment),
        )
    )
    steps.extend(
        agency_steps(
            context, story, recorded, order + len(steps), lambda moment: _later(now, moment)
        )
    )
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
    # A lead's reply to the author is left for the author to read in the demo.
    alerts = (
        Alert.objects.for_school(school)
        .filter(incident=incident, action=action)
        .exclude(reason=AlertReason.REPLY)
    )
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

"""Recording an incident (school policy section 5, steps 2-8).

`submit_incident` is the only way an incident comes to exist. It re-checks
every rule the form checks, because a crafted request can skip the form:
the pupil and everything chosen belong to the author's current school;
ordinary staff can't choose an archived pupil or a restricted category; the
event can't be in the future; with a restricted category only leads can be
alerted (in a chosen group, only its leads are). The files are checked and stored
first; then the incident and all recorded with it are written in one transaction with
its audit row, and alert emails leave only after the commit. The same submit key twice
returns the first incident (a double click or a retried request: `submitting.py`).

Each incident is given its school's next reference (LAR-2026-0042) in the same
transaction, from a per-school, per-year counter row locked while it is taken.
"""

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup, User
from safeguard.accounts.permissions import Capability, is_lead
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import (
    MAX_TEXT_LENGTH,
    BodyMapMark,
    Category,
    Draft,
    Incident,
    IncidentCategory,
    IncidentCounter,
    IncidentReference,
    IncidentReview,
    LinkedPupil,
    LinkRole,
    RecordKind,
)
from safeguard.incidents.selectors import alerted_about
from safeguard.incidents.services import alerting, attachments
from safeguard.incidents.services.bodymap import Mark
from safeguard.incidents.services.submitting import (
    CLOCK_SKEW,
    OncePerForm,
    Problems,
    Submitted,
    check_alert_choices,
)
from safeguard.lib import clock
from safeguard.lib.text import text_problem
from safeguard.pupils.models import Pupil


@dataclass(frozen=True)
class Link:
    pupil: Pupil
    role: str = LinkRole.INVOLVED


class IncidentChoices(TypedDict):
    """What the author chose on the Add Incident form, as `submit_incident` takes it."""

    submit_key: uuid.UUID
    pupil: Pupil
    kind: str
    text: str
    occurred_at: datetime.datetime
    categories: Sequence[Category]
    location: NotRequired[str]
    spoke_to_dsl: NotRequired[bool]
    dsl_spoken_to: NotRequired[User | None]
    links: NotRequired[Sequence[Link]]
    marks: NotRequired[Sequence[Mark]]
    groups: NotRequired[Sequence[StaffGroup]]
    people: NotRequired[Sequence[Membership]]


ONCE_PER_FORM = OncePerForm(
    Incident,
    refusal="This form was already used by someone else. Start a new incident.",
    used_elsewhere="This form was already used for another school. Start a new incident.",
)


def restricted_recipient_problem(person: Membership) -> str:
    name = person.user.full_name or person.user.email
    return (
        f"{name} isn't a DSL or deputy. With a restricted category, only the school's DSLs "
        "and deputies can be alerted: remove them, or tell them in person what they need to know."
    )


def submit_incident(
    *,
    membership: Membership,
    files: Sequence[UploadedFile[Any]] = (),
    **choices: Unpack[IncidentChoices],
) -> Submitted[Incident]:
    """Record the incident the Add Incident form describes, with its marks, files and alerts.

    Raises ValidationError (messages by field) if a rule refuses it, `attachments.FilesRefused`
    if a file can't be attached, `attachments.StoreFailed` if the file store can't take them;
    nothing is recorded then.
    """
    dsl_spoken_to = choices.get("dsl_spoken_to")
    sent: IncidentChoices = {
        "links": (),
        "marks": (),
        "groups": (),
        "people": (),
        **choices,
        "categories": list(dict.fromkeys(choices["categories"])),
        "location": choices.get("location", "").strip(),
        "spoke_to_dsl": choices.get("spoke_to_dsl", False) or dsl_spoken_to is not None,
        "dsl_spoken_to": dsl_spoken_to,
    }
    incident, is_new = ONCE_PER_FORM.submit(
        membership,
        sent["submit_key"],
        is_same_form=_by_the_author(membership),
        check=lambda: _check(membership, sent),
        create=lambda: _create(
            membership, sent, attachments.store_or_refuse(files, school=membership.school)
        ),
    )
    return Submitted(incident, is_new, told=alerted_about(incident))


def submitted_earlier(
    *, membership: Membership, submit_key: uuid.UUID
) -> Submitted[Incident] | None:
    """The incident this author already recorded with this form, if any: a retried or
    double-clicked submit lands on it before the form is checked again (what was posted may
    no longer validate, for example a category retired since)."""
    try:
        found = ONCE_PER_FORM.earlier(membership, submit_key, _by_the_author(membership))
    except ValidationError:
        return None  # a key this form could not have used: the submit itself refuses it
    return None if found is None else Submitted(found, False, told=alerted_about(found))


def _by_the_author(membership: Membership) -> Callable[[Incident], bool]:
    """Whether an incident under this form's key is this author's (the form's own)."""
    return lambda earlier: earlier.author_id == membership.user_id


def _is_restricted(sent: IncidentChoices) -> bool:
    return any(category.is_restricted for category in sent["categories"])


def _check(membership: Membership, sent: IncidentChoices) -> None:
    problems = Problems()
    school_id = membership.school_id
    lead = is_lead(membership)
    pupil, spoken_to = sent["pupil"], sent["dsl_spoken_to"]
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        problems.add("__all__", "Your role doesn't record incidents.")
    if pupil.school_id != school_id:
        problems.add("pupil", "Choose a pupil from your school.")
    elif pupil.is_archived and not lead:
        problems.add(
            "pupil", "This pupil is archived. Speak to your DSL if the incident is about them."
        )
    if sent["kind"] not in RecordKind.values:
        problems.add("kind", "Say what you are recording.")
    problem = text_problem(sent["text"], max_length=MAX_TEXT_LENGTH)
    if problem:
        problems.add("text", problem)
    if sent["occurred_at"] > clock.now() + CLOCK_SKEW:
        problems.add("occurred_at", "The time it happened can't be in the future.")
    elif sent["occurred_at"].date() < pupil.date_of_birth:
        problems.add("occurred_at", "The time it happened is before the pupil was born.")
    if not sent["categories"]:
        problems.add(
            "categories", "Choose at least one category. If unsure, choose the nearest one."
        )
    for category in sent["categories"]:
        if category.school_id != school_id or category.is_retired:
            problems.add("categories", "Choose categories from the list.")
        elif category.is_restricted and Capability.ALLOCATE_RESTRICTED_CATEGORIES not in (
            membership.capabilities
        ):
            problems.add("categories", f"Only a DSL can allocate “{category.name}”.")
    seen = {pupil.pk}
    for link in sent["links"]:
        if link.pupil.school_id != school_id or (link.pupil.is_archived and not lead):
            problems.add("links", "Linked pupils must be current pupils of your school.")
        elif link.pupil.pk in seen:
            problems.add("links", "Each child can be linked once, and not as the main pupil.")
        if link.role not in LinkRole.values:
            problems.add("links", "Choose how each linked pupil is involved.")
        seen.add(link.pupil.pk)
    if (
        spoken_to is not None
        and not spoken_to.memberships.filter(school_id=school_id, is_active=True).exists()
    ):
        problems.add("dsl_spoken_to", "Choose someone from your school.")
    check_alert_choices(
        problems,
        membership=membership,
        groups=sent["groups"],
        people=sent["people"],
        leads_only=_is_restricted(sent),
        not_a_lead=restricted_recipient_problem,
    )
    problems.raise_any()


@transaction.atomic
def _create(
    membership: Membership, sent: IncidentChoices, files: Sequence[attachments.StoredFile]
) -> Incident:
    school = membership.school
    author = membership.user
    now = clock.now()
    incident = Incident.objects.create(
        school=school,
        pupil=sent["pupil"],
        author=author,
        kind=sent["kind"],
        text=sent["text"],
        occurred_at=min(sent["occurred_at"], now),
        recorded_at=now,
        location=sent["location"],
        spoke_to_dsl=sent["spoke_to_dsl"],
        dsl_spoken_to=sent["dsl_spoken_to"],
        submit_key=sent["submit_key"],
    )
    reference = _assign_reference(incident)
    recorded = IncidentCategory.objects.bulk_create(
        IncidentCategory(school=school, incident=incident, category=category)
        for category in sent["categories"]
    )
    review = IncidentReview.objects.create(
        school=school, incident=incident, pupil=sent["pupil"], recorded_at=now, updated_at=now
    )
    review.categories.set(sent["categories"])
    linked = LinkedPupil.objects.bulk_create(
        LinkedPupil(school=school, incident=incident, pupil=link.pupil, role=link.role)
        for link in sent["links"]
    )
    placed = BodyMapMark.objects.bulk_create(
        BodyMapMark(school=school, incident=incident, number=number, **vars(mark))
        for number, mark in enumerate(sent["marks"], start=1)
    )
    attached = attachments.attach(files, incident=incident, uploaded_by=author, at=now)
    recipients = alerting.alert_about_incident(
        incident, sent["categories"], groups=sent["groups"], people=sent["people"]
    )
    # The draft becomes the incident: its removal is part of INCIDENT_RECORDED below.
    Draft.objects.for_school(school).filter(author=author, submit_key=sent["submit_key"]).delete()
    record(
        actor=author,
        action=AuditAction.INCIDENT_RECORDED,
        school=school,
        target=incident,
        detail={
            "pupil": sent["pupil"].pk,
            "categories": [c.pk for c in sent["categories"]],
            "linked": [link.pupil.pk for link in sent["links"]],
            "marks": len(sent["marks"]),
            "files": len(files),
            "alerted": [r.user.pk for r in recipients],
        },
        seal=[incident, reference, *recorded, *linked, *placed, *attached],
    )
    return incident


def _assign_reference(incident: Incident) -> IncidentReference:
    """The school's next number for the year the incident was recorded in.

    The counter row is locked (SELECT ... FOR UPDATE on PostgreSQL) until the
    transaction ends, so two incidents recorded at once in a school wait for each
    other and never share a number. SQLite has no row locks, but the incident's
    INSERT has already taken its single write lock. The unique constraints on
    IncidentReference stop a duplicate whatever happens. A double submit never
    gets here twice: the second INSERT fails on the submit key and rolls back.
    """
    school = incident.school
    year = timezone.localtime(incident.recorded_at).year
    counter, _ = (
        IncidentCounter.objects.for_school(school)
        .select_for_update()
        .get_or_create(school=school, year=year)
    )
    counter.last_number += 1
    # Not audited on its own: the reference it gives is sealed with INCIDENT_RECORDED.
    counter.save(update_fields=["last_number"])
    return IncidentReference.objects.create(
        school=school,
        incident=incident,
        year=year,
        number=counter.last_number,
        reference=f"{school.incident_reference_prefix}-{year}-{counter.last_number:04d}",
    )

"""Recording an incident (school policy section 5, steps 2-8) and keeping drafts.

`record_incident` is the only way an incident comes to exist. It re-checks
every rule the form checks, because a crafted request can skip the form:
the pupil and everything chosen belong to the author's current school;
ordinary staff can't choose an archived pupil or a restricted category; the
event can't be in the future; with a restricted category only leads can be
alerted (issue 7 finding 7: in a chosen group, only its leads are). It runs in one transaction with its audit
row; alert emails leave only after the commit. The same submit key twice
returns the first incident (a double click or a retried request).

Each incident is given its school's next reference (LAR-2026-0042) in the same
transaction, from a per-school, per-year counter row locked while it is taken.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup, User
from safeguard.accounts.permissions import Capability, is_lead, may_be_alerted
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
from safeguard.incidents.services import alerting
from safeguard.incidents.services.attachments import StoredFile
from safeguard.incidents.services.bodymap import Mark
from safeguard.lib import clock
from safeguard.lib.text import text_problem
from safeguard.pupils.models import Pupil

# How far ahead of the server's clock a device's "now" may be (phones drift).
CLOCK_SKEW = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class Link:
    pupil: Pupil
    role: str = LinkRole.INVOLVED


def restricted_recipient_problem(person: Membership) -> str:
    name = person.user.full_name or person.user.email
    return (
        f"{name} isn't a DSL or deputy. With a restricted category, only the school's DSLs "
        "and deputies can be alerted: remove them, or tell them in person what they need to know."
    )


def _check(
    *,
    membership: Membership,
    pupil: Pupil,
    kind: str,
    text: str,
    occurred_at: datetime.datetime,
    categories: Sequence[Category],
    links: Sequence[Link],
    dsl_spoken_to: User | None,
    groups: Sequence[StaffGroup],
    people: Sequence[Membership],
) -> None:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    school_id = membership.school_id
    lead = is_lead(membership)
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        fail("__all__", "Your role doesn't record incidents.")
    if pupil.school_id != school_id:
        fail("pupil", "Choose a pupil from your school.")
    elif pupil.is_archived and not lead:
        fail("pupil", "This pupil is archived. Speak to your DSL if the incident is about them.")
    if kind not in RecordKind.values:
        fail("kind", "Say what you are recording.")
    problem = text_problem(text, max_length=MAX_TEXT_LENGTH)
    if problem:
        fail("text", problem)
    if occurred_at > clock.now() + CLOCK_SKEW:
        fail("occurred_at", "The time it happened can't be in the future.")
    elif occurred_at.date() < pupil.date_of_birth:
        fail("occurred_at", "The time it happened is before the pupil was born.")
    if not categories:
        fail("categories", "Choose at least one category. If unsure, choose the nearest one.")
    for category in categories:
        if category.school_id != school_id or category.is_retired:
            fail("categories", "Choose categories from the list.")
        elif category.is_restricted and Capability.ALLOCATE_RESTRICTED_CATEGORIES not in (
            membership.capabilities
        ):
            fail("categories", f"Only a DSL can allocate “{category.name}”.")
    seen = {pupil.pk}
    for link in links:
        if link.pupil.school_id != school_id or (link.pupil.is_archived and not lead):
            fail("links", "Linked pupils must be current pupils of your school.")
        elif link.pupil.pk in seen:
            fail("links", "Each child can be linked once, and not as the main pupil.")
        if link.role not in LinkRole.values:
            fail("links", "Choose how each linked pupil is involved.")
        seen.add(link.pupil.pk)
    if (
        dsl_spoken_to is not None
        and not dsl_spoken_to.memberships.filter(school_id=school_id, is_active=True).exists()
    ):
        fail("dsl_spoken_to", "Choose someone from your school.")
    for group in groups:
        if group.school_id != school_id:
            fail("groups", "Choose groups from your school.")
    is_restricted = any(category.is_restricted for category in categories)
    for person in people:
        if person.school_id != school_id or not person.is_active:
            fail("people", "Choose people from your school.")
        elif is_restricted and not may_be_alerted(person, leads_only=True):
            fail("people", restricted_recipient_problem(person))
    if errors:
        raise ValidationError(errors)


def record_incident(
    *,
    membership: Membership,
    submit_key: uuid.UUID,
    pupil: Pupil,
    kind: str,
    text: str,
    occurred_at: datetime.datetime,
    categories: Sequence[Category],
    location: str = "",
    spoke_to_dsl: bool = False,
    dsl_spoken_to: User | None = None,
    links: Sequence[Link] = (),
    marks: Sequence[Mark] = (),
    files: Sequence[StoredFile] = (),
    groups: Sequence[StaffGroup] = (),
    people: Sequence[Membership] = (),
) -> tuple[Incident, bool]:
    """Record the incident; return it and whether this call created it."""
    existing = _already_recorded(membership, submit_key)
    if existing is not None:
        return existing, False
    _check(
        membership=membership,
        pupil=pupil,
        kind=kind,
        text=text,
        occurred_at=occurred_at,
        categories=categories,
        links=links,
        dsl_spoken_to=dsl_spoken_to,
        groups=groups,
        people=people,
    )
    try:
        incident = _create(
            membership=membership,
            submit_key=submit_key,
            pupil=pupil,
            kind=kind,
            text=text,
            occurred_at=occurred_at,
            categories=categories,
            location=location,
            spoke_to_dsl=spoke_to_dsl or dsl_spoken_to is not None,
            dsl_spoken_to=dsl_spoken_to,
            links=links,
            marks=marks,
            files=files,
            groups=groups,
            people=people,
        )
    except IntegrityError:
        # A concurrent submit with the same key won the race: return its incident.
        existing = _already_recorded(membership, submit_key)
        if existing is None:
            # The key was used in another school (the author switched school mid-form).
            raise ValidationError(
                "This form was already used for another school. Start a new incident."
            ) from None
        return existing, False
    return incident, True


def _already_recorded(membership: Membership, submit_key: uuid.UUID) -> Incident | None:
    incident = Incident.objects.for_school(membership.school).filter(submit_key=submit_key).first()
    if incident is not None and incident.author_id != membership.user_id:
        raise ValidationError("This form was already used by someone else. Start a new incident.")
    return incident


@transaction.atomic
def _create(
    *,
    membership: Membership,
    submit_key: uuid.UUID,
    pupil: Pupil,
    kind: str,
    text: str,
    occurred_at: datetime.datetime,
    categories: Sequence[Category],
    location: str,
    spoke_to_dsl: bool,
    dsl_spoken_to: User | None,
    links: Sequence[Link],
    marks: Sequence[Mark],
    files: Sequence[StoredFile],
    groups: Sequence[StaffGroup],
    people: Sequence[Membership],
) -> Incident:
    from safeguard.incidents.models import Attachment

    school = membership.school
    author = membership.user
    now = clock.now()
    incident = Incident.objects.create(
        school=school,
        pupil=pupil,
        author=author,
        kind=kind,
        text=text,
        occurred_at=min(occurred_at, now),
        recorded_at=now,
        location=location.strip(),
        spoke_to_dsl=spoke_to_dsl,
        dsl_spoken_to=dsl_spoken_to,
        submit_key=submit_key,
    )
    reference = _assign_reference(incident)
    categories = list(dict.fromkeys(categories))
    recorded = IncidentCategory.objects.bulk_create(
        IncidentCategory(school=school, incident=incident, category=category)
        for category in categories
    )
    review = IncidentReview.objects.create(
        school=school, incident=incident, pupil=pupil, updated_at=now
    )
    review.categories.set(categories)
    linked = LinkedPupil.objects.bulk_create(
        LinkedPupil(school=school, incident=incident, pupil=link.pupil, role=link.role)
        for link in links
    )
    placed = BodyMapMark.objects.bulk_create(
        BodyMapMark(school=school, incident=incident, number=number, **vars(mark))
        for number, mark in enumerate(marks, start=1)
    )
    attached = Attachment.objects.bulk_create(
        Attachment(school=school, incident=incident, uploaded_by=author, uploaded_at=now, **vars(f))
        for f in files
    )
    recipients = alerting.recipients_for(
        school=school, author=author, categories=categories, groups=groups, people=people
    )
    alerting.create_alerts(
        incident=incident,
        created_by=author,
        recipients=recipients,
        label=alerting.category_label(categories),
        leads_only=any(category.is_restricted for category in categories),
    )
    Draft.objects.for_school(school).filter(author=author, submit_key=submit_key).delete()
    record(
        actor=author,
        action=AuditAction.INCIDENT_RECORDED,
        school=school,
        target=incident,
        detail={
            "pupil": pupil.pk,
            "categories": [c.pk for c in categories],
            "linked": [link.pupil.pk for link in links],
            "marks": len(marks),
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
    counter.save(update_fields=["last_number"])
    return IncidentReference.objects.create(
        school=school,
        incident=incident,
        year=year,
        number=counter.last_number,
        reference=f"{school.incident_reference_prefix}-{year}-{counter.last_number:04d}",
    )

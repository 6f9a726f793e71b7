"""Recording an Operation Encompass notification, acknowledging it, and telling the key adults.

The school's key adults are its leads (DSL and deputies): they take the police's call,
record it here, and act on it before the next school day. Recording it writes the
notification and one row per named child, sealed, in one transaction; each other lead is
emailed, after the commit, that there is one (who recorded it, and nothing else). Until a
lead acknowledges it, it heads every lead's dashboard. Each named child's chronology shows
it as a significant event.
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.tasks import task

from safeguard.accounts.mail import deliver
from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import SAFEGUARDING_LEADS, Capability, may_be_alerted
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.encompass.models import (
    FORCE_MAX,
    REFERENCE_MAX,
    EncompassAcknowledgement,
    EncompassChild,
    EncompassNotification,
    Presence,
)
from safeguard.incidents.services.alerting import sender_name
from safeguard.lib import clock
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.pupils.models import Pupil

logger = logging.getLogger(__name__)

SUMMARY_MAX = 4000
NOTES_MAX = 2000


@dataclass(frozen=True)
class NamedChild:
    pupil: Pupil
    presence: str


def notification_problems(
    *,
    school_id: int,
    received_at: datetime.datetime | None,
    incident_at: datetime.datetime | None,
    force: str,
    police_reference: str,
    summary: str,
    response_notes: str,
    key_adult: Membership | None,
    children: Sequence[NamedChild],
) -> dict[str, list[str]]:
    """Every problem with the input, by field (the form shows each beside its field)."""
    found: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        found.setdefault(field, []).append(message)

    now = clock.now()
    if received_at is None:
        add("received_at", "Enter when the notification was received.")
    elif received_at > now:
        add("received_at", "The notification can't have been received in the future.")
    if incident_at is None:
        add("incident_at", "Enter when the incident happened, as the police gave it.")
    elif received_at is not None and incident_at > received_at:
        add("incident_at", "The incident must be before the notification about it was received.")
    for field, value, limit, noun in (
        ("force", force, FORCE_MAX, "The police force"),
        ("police_reference", police_reference, REFERENCE_MAX, "The police reference"),
    ):
        if not value.strip():
            add(field, f"{noun} is needed: it is how the police find their record.")
        elif problem := single_line_problem(value, max_length=limit, noun=noun):
            add(field, problem)
    if not summary.strip():
        add("summary", "Write what the police told you.")
    elif problem := text_problem(summary, max_length=SUMMARY_MAX):
        add("summary", problem)
    if response_notes and (problem := text_problem(response_notes, max_length=NOTES_MAX)):
        add("response_notes", problem)
    if key_adult is None or key_adult.school_id != school_id:
        add("key_adult", "Choose the key adult who took the notification.")
    if not children:
        add("children", "Name at least one child of the school the notification is about.")
    if any(child.pupil.school_id != school_id for child in children):
        add("children", "Select a valid choice.")
    if any(child.presence not in Presence.values for child in children):
        add("children", "Say whether each child was present.")
    if len({child.pupil.pk for child in children}) != len(children):
        add("children", "Each child is named once.")
    return found


@transaction.atomic
def record_notification(
    *,
    membership: Membership,
    received_at: datetime.datetime | None,
    incident_at: datetime.datetime | None,
    force: str,
    police_reference: str,
    summary: str,
    key_adult: Membership | None,
    children: Sequence[NamedChild],
    silent_support: bool = False,
    check_in: bool = False,
    dsl_informed: bool = False,
    response_notes: str = "",
    acknowledge: bool = False,
) -> EncompassNotification:
    """Record the notification; with `acknowledge`, the recording lead acknowledges it too."""
    if Capability.HANDLE_ENCOMPASS not in membership.capabilities:
        raise PermissionDenied("Only a key adult (a DSL or deputy) records a notification.")
    problems = notification_problems(
        school_id=membership.school_id,
        received_at=received_at,
        incident_at=incident_at,
        force=force,
        police_reference=police_reference,
        summary=summary,
        response_notes=response_notes,
        key_adult=key_adult,
        children=children,
    )
    if problems or received_at is None or incident_at is None or key_adult is None:
        raise ValidationError(problems)
    notification = EncompassNotification.objects.create(
        school_id=membership.school_id,
        received_at=received_at,
        incident_at=incident_at,
        force=force.strip(),
        police_reference=police_reference.strip(),
        summary=summary.strip(),
        key_adult=key_adult.user,
        silent_support=silent_support,
        check_in=check_in,
        dsl_informed=dsl_informed,
        response_notes=response_notes.strip(),
        recorded_by=membership.user,
        recorded_at=clock.now(),
    )
    named = EncompassChild.objects.bulk_create(
        EncompassChild(
            school_id=membership.school_id,
            notification=notification,
            pupil=child.pupil,
            presence=child.presence,
        )
        for child in children
    )
    sealed: list[Model] = [notification, *named]
    if acknowledge:
        sealed.append(_acknowledgement(membership, notification))
    record(
        actor=membership.user,
        action=AuditAction.ENCOMPASS_RECORDED,
        school=membership.school,
        target=notification,
        detail={"children": [child.pupil.pk for child in children], "acknowledged": acknowledge},
        seal=sealed,
    )
    # Acknowledged as it was recorded, it needs nobody else: only an unseen one is emailed.
    for lead in [] if acknowledge else _other_leads(membership):
        transaction.on_commit(
            partial(
                send_encompass_email.enqueue,
                notification_id=notification.pk,
                school_id=notification.school_id,
                user_id=lead.user_id,
            ),
            robust=True,
        )
    return notification


def acknowledge(*, membership: Membership, notification: EncompassNotification) -> bool:
    """The lead acknowledges the notification; False if they had already."""
    if Capability.HANDLE_ENCOMPASS not in membership.capabilities:
        raise PermissionDenied("Only a key adult (a DSL or deputy) acknowledges a notification.")
    if notification.school_id != membership.school_id:
        raise PermissionDenied("This notification belongs to another school.")
    try:
        with transaction.atomic():
            entry = _acknowledgement(membership, notification)
            record(
                actor=membership.user,
                action=AuditAction.ENCOMPASS_ACKNOWLEDGED,
                school=membership.school,
                target=notification,
                detail={"acknowledgement": entry.pk},
                seal=[entry],
            )
    except IntegrityError:
        return False
    return True


def _acknowledgement(
    membership: Membership, notification: EncompassNotification
) -> EncompassAcknowledgement:
    return EncompassAcknowledgement.objects.create(
        school_id=membership.school_id,
        notification=notification,
        acknowledged_by=membership.user,
        acknowledged_at=clock.now(),
    )


def _other_leads(membership: Membership) -> list[Membership]:
    leads = (
        Membership.objects.for_school(membership.school_id)
        .filter(role__in=SAFEGUARDING_LEADS)
        .exclude(user=membership.user)
        .select_related("user")
        .order_by("pk")
    )
    return [lead for lead in leads if may_be_alerted(lead, leads_only=True)]


def encompass_email(notification: EncompassNotification, to: User) -> EmailMessage:
    """Who recorded a notification, that there is one, and a link: no child, no details."""
    author = sender_name(notification.recorded_by)
    link = f"{settings.SITE_URL}/casework/encompass/{notification.pk}/"
    body = (
        f"{author} has recorded an Operation Encompass notification at "
        f"{notification.school.name} in Safeguard. It needs a key adult to see it before the "
        "start of the next school day.\n\n"
        f"Sign in to read it: {link}\n\n"
        "This email deliberately holds no details. Please don't forward it.\n"
    )
    subject = " ".join(f"Safeguard: Operation Encompass notification from {author}".split())
    return EmailMessage(subject=subject[:150], body=body, to=[to.email])


@task
def send_encompass_email(
    *, notification_id: int, school_id: int, user_id: int, attempt: int = 1
) -> str:
    notification = (
        EncompassNotification.objects.for_school(school_id)
        .select_related("school", "recorded_by")
        .filter(pk=notification_id)
        .first()
    )
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if notification is None or user is None:
        return "gone"
    return deliver(
        encompass_email(notification, user),
        retry=send_encompass_email,
        arguments={"notification_id": notification_id, "school_id": school_id, "user_id": user_id},
        attempt=attempt,
        kind="encompass",
        user_id=user_id,
        school_id=school_id,
    )

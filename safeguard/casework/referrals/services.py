"""Logging a referral, its outcomes and its chases (leads only), and the school's agencies.

A referral, an outcome and a chase are added, never changed: the database refuses UPDATE and
DELETE on them and each is sealed into the audit chain with the event that records it. A
mistake is put right by adding what is right (an outcome, a note on a chase); the record
keeps both.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.accounts.models import Membership, School, User
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import MAX_TEXT
from safeguard.casework.referrals.models import (
    CONTACT_MAX,
    DEFAULT_AGENCIES,
    REFERENCE_MAX,
    ContactMethod,
    OutcomeKind,
    Referral,
    ReferralAgency,
    ReferralChase,
    ReferralOutcome,
)
from safeguard.incidents.models import Incident
from safeguard.lib import clock, dates
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.pupils.models import Pupil

POSITION_STEP = 10


def must_record_referrals(membership: Membership, pupil: Pupil) -> None:
    """Refuse anyone but a lead of the pupil's school."""
    if Capability.RECORD_REFERRALS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can log referrals and meetings.")
    if pupil.school_id != membership.school_id:
        raise PermissionDenied("This pupil belongs to another school.")


def _text(found: dict[str, list[str]], name: str, value: str, *, required: bool = False) -> None:
    problem = text_problem(value, max_length=MAX_TEXT, required=required)
    if problem:
        found[name] = [problem]


def _day_problem(
    day: datetime.date | None, *, what: str, earliest: datetime.date, earliest_is: str
) -> str | None:
    """A problem with the date of something that happened after `earliest`, by today."""
    today = clock.localdate()
    if day is None:
        return f"Enter the date of the {what}."
    if day > today:
        return (
            f"The {what} can't be dated in the future: today is {dates.display_date(today)}. "
            "Enter the day it happened."
        )
    if day < earliest:
        return (
            f"The {what} can't be dated before {earliest_is} "
            f"({dates.display_date(earliest)}): check the date."
        )
    return None


@transaction.atomic
def log_referral(
    *,
    membership: Membership,
    pupil: Pupil,
    agency: ReferralAgency,
    sent_at: datetime.datetime | None,
    sent_by: User,
    method: str,
    agency_reference: str = "",
    is_consent_sought: bool,
    no_consent_reason: str = "",
    notes: str = "",
    incident: Incident | None = None,
) -> Referral:
    """Log a referral as it was sent. Raises ValidationError, by field, for a time in the
    future, a missing reason when consent was not sought, another school's agency, staff
    member or incident, or text that isn't clean; nothing is written then."""
    must_record_referrals(membership, pupil)
    school_id = membership.school_id
    found: dict[str, list[str]] = {}
    if agency.school_id != school_id or agency.is_retired:
        found["agency"] = ["Choose an agency from the list."]
    if not Membership.objects.for_school(school_id).filter(user=sent_by).exists():
        found["sent_by"] = ["Choose a member of this school's staff."]
    if sent_at is None:
        found["sent_on"] = ["Enter the date and time the referral was sent."]
    elif sent_at > clock.now():
        found["sent_on"] = [
            "A referral can't be sent in the future: enter when it was sent, now or earlier."
        ]
    elif pupil.date_of_birth and timezone.localdate(sent_at) < pupil.date_of_birth:
        found["sent_on"] = ["This is before the pupil was born: check the date."]
    if method not in ContactMethod.values:
        found["method"] = ["Choose how the referral was sent."]
    problem = single_line_problem(
        agency_reference.strip(), max_length=REFERENCE_MAX, noun="References"
    )
    if agency_reference.strip() and problem:
        found["agency_reference"] = [problem]
    if not is_consent_sought and not no_consent_reason.strip():
        found["no_consent_reason"] = [
            "Say why consent was not sought (for example, asking would put the child at "
            "greater risk)."
        ]
    _text(found, "no_consent_reason", no_consent_reason)
    _text(found, "notes", notes)
    if incident is not None and (
        incident.school_id != school_id or incident.review.pupil_id != pupil.pk
    ):
        found["incident"] = ["Choose one of this pupil's incidents, or none."]
    if found or sent_at is None:
        raise ValidationError(found)
    referral = Referral(
        school_id=school_id,
        pupil=pupil,
        incident=incident,
        agency=agency,
        agency_name=agency.name,
        sent_at=sent_at,
        sent_by=sent_by,
        method=method,
        agency_reference=agency_reference.strip(),
        is_consent_sought=is_consent_sought,
        no_consent_reason="" if is_consent_sought else no_consent_reason.strip(),
        notes=notes.strip(),
        recorded_by=membership.user,
        recorded_at=clock.now(),
    )
    referral.full_clean()
    referral.save()
    record(
        actor=membership.user,
        action=AuditAction.REFERRAL_LOGGED,
        school=membership.school,
        target=referral,
        detail={
            "pupil": pupil.pk,
            "agency": agency.pk,
            "incident": incident.pk if incident else None,
        },
        seal=[referral],
    )
    return referral


def _sent_on(referral: Referral) -> datetime.date:
    return timezone.localdate(referral.sent_at)


@transaction.atomic
def add_outcome(
    *,
    membership: Membership,
    referral: Referral,
    kind: str,
    happened_on: datetime.date | None,
    note: str = "",
) -> ReferralOutcome:
    """Add what came of a referral, dated no earlier than the day it was sent, by today."""
    must_record_referrals(membership, referral.pupil)
    found: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        found["kind"] = ["Choose the outcome from the list."]
    problem = _day_problem(
        happened_on,
        what="outcome",
        earliest=_sent_on(referral),
        earliest_is="the referral was sent",
    )
    if problem:
        found["happened_on"] = [problem]
    _text(found, "note", note)
    if found or happened_on is None:
        raise ValidationError(found)
    outcome = ReferralOutcome(
        school_id=referral.school_id,
        referral=referral,
        kind=kind,
        happened_on=happened_on,
        note=note.strip(),
        recorded_by=membership.user,
        recorded_at=clock.now(),
    )
    outcome.full_clean()
    outcome.save()
    record(
        actor=membership.user,
        action=AuditAction.REFERRAL_OUTCOME_ADDED,
        school=membership.school,
        target=outcome,
        detail={"pupil": referral.pupil_id, "referral": referral.pk, "kind": kind},
        seal=[outcome],
    )
    return outcome


@transaction.atomic
def add_chase(
    *,
    membership: Membership,
    referral: Referral,
    chased_on: datetime.date | None,
    method: str,
    contact: str,
    note: str = "",
) -> ReferralChase:
    """Record a chase of the agency: when, how, who was chased."""
    must_record_referrals(membership, referral.pupil)
    found: dict[str, list[str]] = {}
    problem = _day_problem(
        chased_on, what="chase", earliest=_sent_on(referral), earliest_is="the referral was sent"
    )
    if problem:
        found["chased_on"] = [problem]
    if method not in ContactMethod.values:
        found["method"] = ["Choose how you chased."]
    if not contact.strip():
        found["contact"] = ["Say who you chased, for example “MASH duty social worker”."]
    else:
        problem = single_line_problem(contact.strip(), max_length=CONTACT_MAX, noun="Names")
        if problem:
            found["contact"] = [problem]
    _text(found, "note", note)
    if found or chased_on is None:
        raise ValidationError(found)
    chase = ReferralChase(
        school_id=referral.school_id,
        referral=referral,
        chased_on=chased_on,
        method=method,
        contact=contact.strip(),
        note=note.strip(),
        recorded_by=membership.user,
        recorded_at=clock.now(),
    )
    chase.full_clean()
    chase.save()
    record(
        actor=membership.user,
        action=AuditAction.REFERRAL_CHASED,
        school=membership.school,
        target=chase,
        detail={"pupil": referral.pupil_id, "referral": referral.pk},
        seal=[chase],
    )
    return chase


# The school's list of agencies -----------------------------------------------------------


@transaction.atomic
def seed_default_agencies(*, school: School) -> list[ReferralAgency]:
    """Give a new school the default list (its creation is audited; the list is the same
    for every school)."""
    return [
        ReferralAgency.objects.create(school=school, name=name, position=(i + 1) * POSITION_STEP)
        for i, name in enumerate(DEFAULT_AGENCIES)
    ]


@transaction.atomic
def add_agency(*, actor: User, school: School, name: str) -> ReferralAgency:
    last = ReferralAgency.objects.for_school(school).aggregate(last=Max("position"))["last"] or 0
    agency = ReferralAgency(school=school, name=name.strip(), position=last + POSITION_STEP)
    agency.full_clean()
    agency.save()
    record(actor=actor, action=AuditAction.REFERRAL_AGENCY_CREATED, school=school, target=agency)
    return agency


@transaction.atomic
def change_agency(*, actor: User, agency: ReferralAgency, name: str, is_retired: bool) -> bool:
    """Rename or retire (or bring back) an agency; returns whether anything changed.
    Referrals already logged keep the name they were sent under."""
    name = name.strip()
    changed: dict[str, dict[str, object]] = {}
    if name != agency.name:
        changed["name"] = {"from": agency.name, "to": name}
    if is_retired != agency.is_retired:
        changed["is_retired"] = {"from": agency.is_retired, "to": is_retired}
    if not changed:
        return False
    agency.name, agency.is_retired = name, is_retired
    agency.full_clean()
    agency.save(update_fields=["name", "is_retired"])
    record(
        actor=actor,
        action=AuditAction.REFERRAL_AGENCY_UPDATED,
        school=agency.school,
        target=agency,
        detail={"changed": sorted(changed), **changed},
    )
    return True

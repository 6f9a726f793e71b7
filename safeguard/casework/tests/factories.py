"""Makers for casework's tests: reviews through the real service (there is no other way)."""

from typing import Any

from safeguard.accounts.models import Membership
from safeguard.casework.models import DecisionOption, TriageEntry
from safeguard.casework.services.triage import review_incident
from safeguard.incidents.models import Incident


def png_upload(name: str = "photo.png") -> Any:
    """A small real PNG, as a camera or phone would give one."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 32), (200, 120, 80)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def decision(school: Any, name: str = "No further action") -> DecisionOption:
    """The school's decision option of that name (every school starts with the defaults)."""
    return DecisionOption.objects.for_school(school).get(name=name)


def review(membership: Membership, incident: Incident, **fields: Any) -> TriageEntry:
    """A review through the service: low risk, nothing else, unless told."""
    fields.setdefault("risk_level", "low")
    return review_incident(membership=membership, incident=incident, **fields)


def bulk_chronology(lead: Membership, pupil: Any, entries: int, *, start: int = 0) -> None:
    """`entries` more entries in the pupil's chronology, written straight to their tables (no
    audit events, no seals: for measuring reads at size only), one a day going back from
    today, each run of ten holding every kind: the pupil's own incident, an action, a review
    and a correction on it, a key event, an incident about another child that links the
    pupil, then another action and review, a meeting, and a referral (with an outcome and a
    chase). `start` continues a run."""
    import datetime
    import uuid

    from django.utils import timezone

    from safeguard.casework.models import KeyEvent, Meeting
    from safeguard.casework.services.key_events import start_of
    from safeguard.incidents.models import (
        Action,
        Category,
        IncidentCorrection,
        IncidentReference,
        IncidentReview,
        LinkedPupil,
    )
    from safeguard.pupils.tests.factories import PupilFactory

    school, user = lead.school, lead.user
    concern = Category.objects.for_school(school).get(name="Safeguarding concern")
    other = PupilFactory(school=school)
    now = timezone.now()
    incidents, actions, reviews, fixes, events, links = [], [], [], [], [], []
    referrals: list[Any] = []
    meetings: list[Any] = []
    own: Incident | None = None
    for slot in range(start, start + entries):
        at = now - datetime.timedelta(days=slot + 1)
        step = slot % 10
        if step in (0, 5):
            incident = Incident(
                school=school,
                pupil=pupil if step == 0 else other,
                author=user,
                kind="observation",
                text=f"Entry {slot}.",
                occurred_at=at,
                recorded_at=at,
                submit_key=uuid.uuid4(),
            )
            incidents.append(incident)
            if step == 0:
                own = incident
            else:
                links.append(incident)
        elif step == 8:
            meetings.append(_bulk_meeting(school, pupil, user, at))
        elif step == 9:
            referrals.append(_bulk_referral(school, pupil, user, at))
        elif step == 4:
            events.append(
                KeyEvent(
                    school=school,
                    pupil=pupil,
                    kind="other",
                    happened_on=timezone.localdate(at),
                    sorts_at=start_of(timezone.localdate(at)),
                    summary=f"Event {slot}.",
                    added_by=user,
                    added_at=at,
                )
            )
        else:
            assert own is not None, "a run starts with the pupil's own incident"
            if step in (1, 6):
                actions.append(
                    Action(
                        school=school,
                        incident=own,
                        author=user,
                        text=f"Action {slot}.",
                        occurred_at=at,
                        recorded_at=at,
                        submit_key=uuid.uuid4(),
                    )
                )
            elif step in (2, 7):
                reviews.append(
                    TriageEntry(
                        school=school, incident=own, made_by=user, made_at=at, risk_level="low"
                    )
                )
            else:
                fixes.append(
                    IncidentCorrection(
                        school=school,
                        incident=own,
                        kind="status",
                        made_by=user,
                        made_at=at,
                        reason=f"Fix {slot}.",
                        before={"status": "new"},
                        after={"status": "open"},
                    )
                )
            continue
        if step in (0, 5):
            # Saved now: the rows after it in the run point at it.
            Incident.objects.bulk_create([incidents[-1]])
            made = incidents[-1]
            review_row = IncidentReview.objects.create(
                school=school, incident=made, pupil=made.pupil, recorded_at=at, status="open"
            )
            review_row.categories.add(concern)
            IncidentReference.objects.create(
                school=school,
                incident=made,
                year=at.year,
                number=10_000 + slot,
                reference=f"BULK-{slot}",
            )
    LinkedPupil.objects.bulk_create(
        LinkedPupil(school=school, incident=incident, pupil=pupil, role="witness")
        for incident in links
    )
    Action.objects.bulk_create(actions)
    TriageEntry.objects.bulk_create(reviews)
    IncidentCorrection.objects.bulk_create(fixes)
    KeyEvent.objects.bulk_create(events)
    _save_referrals(referrals)
    Meeting.objects.bulk_create(meetings)


def _bulk_referral(school: Any, pupil: Any, user: Any, at: Any) -> Any:
    from safeguard.casework.models import Referral, ReferralAgency

    agency = ReferralAgency.objects.for_school(school).order_by("pk").first()
    return Referral(
        school=school,
        pupil=pupil,
        agency=agency,
        agency_name="Police",
        sent_at=at,
        sent_by=user,
        method="phone",
        is_consent_sought=True,
        recorded_by=user,
        recorded_at=at,
    )


def _bulk_meeting(school: Any, pupil: Any, user: Any, at: Any) -> Any:
    from django.utils import timezone

    from safeguard.casework.models import Meeting
    from safeguard.casework.services.key_events import start_of

    day = timezone.localdate(at)
    return Meeting(
        school=school,
        pupil=pupil,
        kind="core_group",
        held_on=day,
        sorts_at=start_of(day),
        attendees="Social worker; class teacher",
        decisions="Plan continues.",
        recorded_by=user,
        recorded_at=at,
    )


def _save_referrals(referrals: list[Any]) -> None:
    """The referrals, each with an outcome and a chase (for reading at size only)."""
    from django.utils import timezone

    from safeguard.casework.models import Referral, ReferralChase, ReferralOutcome

    Referral.objects.bulk_create(referrals)
    ReferralOutcome.objects.bulk_create(
        ReferralOutcome(
            school_id=r.school_id,
            referral=r,
            kind="acknowledged",
            happened_on=timezone.localdate(r.sent_at),
            recorded_by_id=r.recorded_by_id,
        )
        for r in referrals
    )
    ReferralChase.objects.bulk_create(
        ReferralChase(
            school_id=r.school_id,
            referral=r,
            chased_on=timezone.localdate(r.sent_at),
            method="phone",
            contact="Duty worker",
            recorded_by_id=r.recorded_by_id,
        )
        for r in referrals
    )


def bulk_profile(lead: Membership, pupil: Any, rows: int, *, start: int = 0) -> None:
    """`rows` more records about the pupil's profile, written straight to their tables (no
    audit events, no seals: for measuring reads at size only), in turn: a contact, a
    professional, a household link to another pupil, and another pupil's contact sharing
    the first contact's email address (a suggested sibling). `start` continues a run."""
    import datetime
    import uuid

    from django.utils import timezone

    from safeguard.casework.profile.models import Contact, HouseholdLink, Professional
    from safeguard.pupils.models import Pupil

    school, user, now = lead.school, lead.user, timezone.now()
    others = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            legal_first_name=f"Kin{n}",
            legal_last_name="Jones",
            date_of_birth=datetime.date(2016, 1, 1),
            year_group="4",
        )
        for n in range(start, start + rows)
        if n % 4 in (2, 3)
    )
    contacts, professionals, links = [], [], []
    for n in range(start, start + rows):
        common = {"school": school, "made_by": user, "made_at": now, "lineage": uuid.uuid4()}
        if n % 4 == 0:
            contacts.append(
                Contact(
                    pupil=pupil,
                    name=f"Adult {n}",
                    relationship="Aunt",
                    email=f"adult{n}@example.org" if n else "family@example.org",
                    email_key=f"adult{n}@example.org" if n else "family@example.org",
                    **common,
                )
            )
        elif n % 4 == 1:
            professionals.append(
                Professional(
                    pupil=pupil,
                    role="other",
                    name=f"Worker {n}",
                    started_on=datetime.date(2024, 1, 1),
                    **common,
                )
            )
        else:
            other = others.pop(0)
            if n % 4 == 2:
                low, high = sorted([pupil, other], key=lambda p: p.pk)
                links.append(
                    HouseholdLink(pupil=low, other_pupil=high, relationship="cousin", **common)
                )
            else:
                contacts.append(
                    Contact(
                        pupil=other,
                        name="Parent",
                        relationship="Mother",
                        email="family@example.org",
                        email_key="family@example.org",
                        **common,
                    )
                )
    Contact.objects.bulk_create(contacts)
    Professional.objects.bulk_create(professionals)
    HouseholdLink.objects.bulk_create(links)

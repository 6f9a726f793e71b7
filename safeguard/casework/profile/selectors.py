"""Reads of a pupil's profile, each a fixed number of queries whatever the profile holds.
For the leads only: the views and the page section check `VIEW_PUPIL_PROFILE` first."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from safeguard.casework.models import TriageEntry
from safeguard.casework.profile.household import either_side
from safeguard.casework.profile.models import (
    Contact,
    HouseholdLink,
    Professional,
    SiblingSuggestionDismissal,
    Versioned,
)
from safeguard.casework.profile.versions import current, live
from safeguard.pupils.models import Pupil


def contacts_of(pupil: Pupil) -> QuerySet[Contact]:
    """The pupil's contacts in force, by name."""
    return live(Contact, pupil.school_id).filter(pupil=pupil).order_by("name", "id")


def current_version[V: Versioned](version: V) -> V | None:
    """The version now in force in `version`'s record (itself if nothing superseded it)."""
    return current(type(version), version.school_id).filter(lineage=version.lineage).first()


def professionals_of(pupil: Pupil) -> QuerySet[Professional]:
    """The professionals recorded as involved, those still involved first, latest start first."""
    return (
        live(Professional, pupil.school_id)
        .filter(pupil=pupil)
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "name", "id")
    )


@dataclass(frozen=True)
class HouseholdMember:
    """A pupil linked to this one, and the link."""

    link: HouseholdLink
    pupil: Pupil


def household_of(pupil: Pupil) -> list[HouseholdMember]:
    """The pupils linked to this one, by name: one query, whichever side of each link."""
    links = (
        live(HouseholdLink, pupil.school_id)
        .filter(either_side(pupil))
        .select_related("pupil", "other_pupil")
    )
    members = [
        HouseholdMember(link, link.other_pupil if link.pupil_id == pupil.pk else link.pupil)
        for link in links
    ]
    return sorted(members, key=lambda m: (m.pupil.last_name, m.pupil.first_name, m.pupil.pk))


@dataclass(frozen=True)
class Suggestion:
    """A pupil who shares a contact with this one, and what they share."""

    pupil: Pupil
    shared: tuple[str, ...]  # "email address", "address", "name and phone number"


# More matches than this are not a household: a shared address of a children's home, say.
SUGGESTION_LIMIT = 10
MATCH_ROWS = 200


def suggested_siblings(
    pupil: Pupil, contacts: list[Contact], household: list[HouseholdMember]
) -> list[Suggestion]:
    """Pupils of the school who share a contact with this one (the same email address, the
    same address, or the same name and phone number), not yet linked or dismissed: two
    queries, whatever the number of contacts."""
    emails = {c.email_key for c in contacts if c.email_key}
    addresses = {c.address_key for c in contacts if c.address_key}
    pairs = {(c.name_key, c.phone_key) for c in contacts if c.phone_key and c.name_key}
    if not (emails or addresses or pairs):
        return []
    same = Q(email_key__in=emails) | Q(address_key__in=addresses)
    if pairs:
        same |= Q(phone_key__in={p for _, p in pairs}, name_key__in={n for n, _ in pairs})
    matches = (
        live(Contact, pupil.school_id)
        .filter(same)
        .exclude(pupil=pupil)
        .select_related("pupil")
        .order_by("pupil_id", "id")[:MATCH_ROWS]
    )
    dismissed = set(
        SiblingSuggestionDismissal.objects.for_school(pupil.school_id)
        .filter(either_side(pupil))
        .values_list("pupil_id", "other_pupil_id")
    )
    known = {member.pupil.pk for member in household} | {
        other for pair in dismissed for other in pair
    }
    found: dict[int, tuple[Pupil, list[str]]] = {}
    for match in matches:
        if match.pupil_id in known:
            continue
        shared = []
        if match.email_key and match.email_key in emails:
            shared.append("email address")
        if match.address_key and match.address_key in addresses:
            shared.append("address")
        if (match.name_key, match.phone_key) in pairs:
            shared.append("name and phone number")
        if not shared:
            continue  # a name and a phone number that belong to two different contacts
        entry = found.setdefault(match.pupil_id, (match.pupil, []))
        entry[1].extend(what for what in shared if what not in entry[1])
    suggestions = [Suggestion(p, tuple(shared)) for p, shared in found.values()]
    return suggestions[:SUGGESTION_LIMIT]


@dataclass(frozen=True)
class PupilRisk:
    """The risk level the leads' newest review of any of the pupil's incidents set."""

    level: str
    label: str
    set_at: datetime.datetime


def current_risk(pupil: Pupil) -> PupilRisk | None:
    """The newest risk level set on any incident filed under the pupil (withdrawn ones
    aside), or None before any review: one query."""
    newest = (
        TriageEntry.objects.for_school(pupil.school_id)
        .filter(incident__review__pupil=pupil, incident__review__is_withdrawn=False)
        .order_by("-made_at", "-id")
        .only("risk_level", "made_at")
        .first()
    )
    if newest is None:
        return None
    return PupilRisk(newest.risk_level, newest.get_risk_level_display(), newest.made_at)


def open_referrals_and_meetings(pupil: Pupil) -> list[str]:
    """The pupil's referrals still awaiting a response (newest first, overdue ones said so)
    and the meetings with a next date still to come, one line each, for the profile."""
    from safeguard.casework.clocks.services import calendar_for, clocks_of
    from safeguard.casework.referrals.selectors import meetings_of, referral_states
    from safeguard.lib.dates import display_date

    clocks, calendar = clocks_of(pupil.school_id), calendar_for(pupil.school_id)
    lines = []
    for state in referral_states(pupil, calendar=calendar, clocks=clocks):
        if state.is_answered:
            continue
        referral = state.referral
        waiting = "overdue, no response yet" if state.is_overdue else "awaiting a response"
        sent = display_date(timezone.localdate(referral.sent_at))
        lines.append(f"Referral to {referral.agency_name}, sent {sent}: {waiting}")
    today = timezone.localdate()
    for meeting in meetings_of(pupil):
        if meeting.next_on is not None and meeting.next_on >= today:
            lines.append(f"{meeting.get_kind_display()}: next on {display_date(meeting.next_on)}")
    return lines

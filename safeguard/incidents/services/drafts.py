"""Drafts: an incident kept as its author types it, seen by nobody else (nothing is lost).

A draft is started once the form holds something worth keeping, and each later save
updates it. Starting and discarding a draft are audited; the saves in between (the
page's autosave, every two seconds while the author types) are not: they change only the
author's own unfinished words, and an event every two seconds would bury the trail.
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import Category, Draft, Incident
from safeguard.pupils.models import Pupil

DRAFT_FIELDS_LIMIT = 200_000


# What makes a draft worth keeping: something the author wrote or chose about the incident.
# Typing in a search box is neither, nor are the values a new form starts with (now, "not
# spoken to a DSL"), the kind of record or the groups to alert, so opening Add Incident and
# leaving again keeps nothing.
WRITTEN_FIELDS = ("text", "location")
MARK_FIELDS = frozenset({"side", "x", "y", "region", "type", "colour", "shape", "size", "note"})


def _values(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _ids(data: dict[str, Any], name: str) -> set[int]:
    found = set()
    for value in _values(data, name):
        try:
            number = int(value)
        except ValueError:
            continue
        if 0 < number < 2**63:
            found.add(number)
    return found


def is_worth_keeping(*, membership: Membership, data: dict[str, Any]) -> bool:
    """True once the form holds words, a body-map mark, or a pupil, linked pupil, category,
    person to alert or DSL spoken to that belongs to the author's school."""
    if any(v.strip() for name in WRITTEN_FIELDS for v in _values(data, name)):
        return True
    for key in data:
        parts = str(key).split("-")
        if (
            len(parts) == 3
            and parts[0] == "mark"
            and parts[2] in MARK_FIELDS
            and any(v.strip() for v in _values(data, key))
        ):
            return True
    school = membership.school
    pupils = _ids(data, "pupil") | _ids(data, "link_pupil")
    if pupils and Pupil.objects.for_school(school).filter(pk__in=pupils).exists():
        return True
    categories = _ids(data, "categories")
    if categories and Category.objects.for_school(school).filter(pk__in=categories).exists():
        return True
    people = _ids(data, "people")
    if people and Membership.objects.for_school(school).filter(pk__in=people).exists():
        return True
    leads = _ids(data, "dsl_spoken_to")
    return bool(leads) and Membership.objects.for_school(school).filter(pk__in=leads).exists()


def save_draft(
    *, membership: Membership, submit_key: uuid.UUID, data: dict[str, Any]
) -> Draft | None:
    """Keep what the author has typed so far; visible to them alone (policy: nothing lost).

    A form's draft is started only once it holds something worth keeping
    (`is_worth_keeping`); until then nothing is stored and None is returned. Once started,
    each save updates that one draft, whatever it then holds. Starting one is audited;
    the saves that follow are not.

    A submit key belongs to the school its draft was first saved in. Saved under a key
    already used in another school (the author switched school with the form open), the
    text starts a new draft in this school under a new key, and the other school's draft
    is left as it was: the returned draft's `submit_key` then differs from the one given,
    for the caller to say so and to carry on with the new key.
    """
    size = sum(len(str(v)) for v in data.values())
    if size > DRAFT_FIELDS_LIMIT:
        raise ValidationError("This draft is too long to keep.")
    if Incident.objects.for_school(membership.school).filter(submit_key=submit_key).exists():
        raise ValidationError("This incident has already been submitted.")
    drafts = Draft.objects.for_school(membership.school)
    now = timezone.now()
    draft = drafts.filter(author=membership.user, submit_key=submit_key).first()
    if draft is not None:
        # Not audited: the page saves every two seconds while the author types, and the
        # words are theirs alone until submitted. Starting and discarding the draft are.
        draft.data, draft.updated_at = data, now
        draft.save()
        return draft
    if drafts.filter(submit_key=submit_key).exists():
        raise ValidationError("This draft belongs to someone else.")
    if not is_worth_keeping(membership=membership, data=data):
        return None
    try:
        return _start_draft(membership=membership, submit_key=submit_key, data=data, now=now)
    except IntegrityError:
        # The key is taken: by this author's own save a moment ago (autosave and the
        # button together), or in another school. Update the first, or start afresh.
        earlier = drafts.filter(author=membership.user, submit_key=submit_key).first()
        if earlier is not None:
            earlier.data, earlier.updated_at = data, now
            earlier.save()
            return earlier
        return _start_draft(membership=membership, submit_key=uuid.uuid4(), data=data, now=now)


@transaction.atomic
def _start_draft(
    *, membership: Membership, submit_key: uuid.UUID, data: dict[str, Any], now: datetime.datetime
) -> Draft:
    draft = Draft(
        school=membership.school,
        author=membership.user,
        submit_key=submit_key,
        data=data,
        created_at=now,
        updated_at=now,
    )
    draft.save()
    record(
        actor=membership.user,
        action=AuditAction.DRAFT_STARTED,
        school=membership.school,
        target=draft,
    )
    return draft


@transaction.atomic
def discard_draft(*, membership: Membership, draft: Draft) -> None:
    """Throw away the author's own draft (audited: the trail shows it was theirs to drop)."""
    if draft.author_id != membership.user_id or draft.school_id != membership.school_id:
        raise ValidationError("This draft isn't yours.")
    record(
        actor=membership.user,
        action=AuditAction.DRAFT_DISCARDED,
        school=membership.school,
        target=draft,
    )
    draft.delete()

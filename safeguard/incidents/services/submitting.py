"""What every submit of an incident or an action shares: submitted once, choices checked.

A form carries a submit key made when it was shown. Submitting it twice (a double
click, a retried request, the back button) gives back what the first submit made,
never a second record, and a key already used by someone else, for another incident
or in another school is refused. The database's unique key settles two submits that
arrive at the same moment: one insert wins and the other returns its record.

The services re-check every rule the forms check, because a crafted request can skip
the form; `Problems` gathers their messages by field, as a form would.
"""

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import may_be_alerted
from safeguard.incidents.models import Action, Incident

# How far ahead of the server's clock a device's "now" may be (phones drift).
CLOCK_SKEW = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class Submitted[Record: (Incident, Action)]:
    """What a submit service gives back to the page that called it."""

    record: Record  # the incident or action, new or made by an earlier submit of the form
    is_new: bool  # False when this form had already been submitted
    told: int  # how many people were alerted about it


class Problems:
    """The messages for a submit that can't go ahead, by field ("__all__" for the form)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_alert_choices(
    problems: Problems,
    *,
    membership: Membership,
    groups: Sequence[StaffGroup],
    people: Sequence[Membership],
    leads_only: bool,
    not_a_lead: Callable[[Membership], str],
) -> None:
    """Groups and people chosen to alert must be of the author's school (and people still
    work there); where the record is for the leads only, each person named must be a lead,
    or `not_a_lead(person)` says why they can't be alerted."""
    for group in groups:
        if group.school_id != membership.school_id:
            problems.add("groups", "Choose groups from your school.")
    for person in people:
        if person.school_id != membership.school_id or not person.is_active:
            problems.add("people", "Choose people from your school.")
        elif leads_only and not may_be_alerted(person, leads_only=True):
            problems.add("people", not_a_lead(person))


@dataclass(frozen=True)
class OncePerForm[Record: (Incident, Action)]:
    """How a kind of record is submitted once per form: `refusal` is the message for a key
    this form could not have used, `used_elsewhere` for a key taken in another school."""

    model: type[Record]
    refusal: str
    used_elsewhere: str

    def earlier(
        self, membership: Membership, submit_key: uuid.UUID, is_same_form: Callable[[Record], bool]
    ) -> Record | None:
        """What an earlier submit of this form made in the author's school, if anything.

        A record under the key that this form could not have made (another author, another
        incident) means the key was reused: refused.
        """
        return submitted_before(
            self.model,
            membership=membership,
            submit_key=submit_key,
            is_same_form=is_same_form,
            refusal=self.refusal,
        )

    def submit(
        self,
        membership: Membership,
        submit_key: uuid.UUID,
        *,
        is_same_form: Callable[[Record], bool],
        check: Callable[[], None],
        create: Callable[[], Record],
    ) -> tuple[Record, bool]:
        """`check()` the submit, then `create()` the record, unless this form was submitted
        before; return the record and whether this call made it.

        `create` writes in its own transaction: if another submit of the same form inserted
        first, the unique key refuses this one, and the winner's record is returned. If the
        key is taken but not in this school (the author switched school with the form open),
        the submit is refused.
        """
        found = self.earlier(membership, submit_key, is_same_form)
        if found is not None:
            return found, False
        check()
        try:
            return create(), True
        except IntegrityError:
            found = self.earlier(membership, submit_key, is_same_form)
            if found is None:
                raise ValidationError(self.used_elsewhere) from None
            return found, False


def submitted_before[Record: (Incident, Action)](
    model: type[Record],
    *,
    membership: Membership,
    submit_key: uuid.UUID,
    is_same_form: Callable[[Record], bool],
    refusal: str,
) -> Record | None:
    """The record an earlier submit with `submit_key` made in the member's school, or None;
    refused with `refusal` if this form could not have made it."""
    earlier = model.objects.for_school(membership.school).filter(submit_key=submit_key).first()
    if earlier is not None and not is_same_form(earlier):
        raise ValidationError(refusal)
    return earlier

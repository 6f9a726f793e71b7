"""Who is told about an incident, and telling them (school policy section 5 steps 6, 8, 11).

The rules: the author picks groups (SLT first) and named colleagues; each
category can add its own default recipients; the school's DSLs and deputies
are always told of incidents in safeguarding categories. Governors are never
alerted (they may see no incidents), nor is anyone without an active role in
the school, nor the author themself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import SAFEGUARDING_LEADS, Capability, capabilities_of
from safeguard.incidents.models import Action, Alert, Category, Incident
from safeguard.incidents.records import AlertReason


@dataclass(frozen=True)
class Recipient:
    membership: Membership
    reason: str
    reason_detail: str = ""

    @property
    def user(self) -> User:
        return self.membership.user


def _may_be_alerted(membership: Membership) -> bool:
    return membership.is_active and Capability.RECORD_INCIDENT in capabilities_of(membership.role)


def recipients_for(
    *,
    school: School,
    author: User,
    categories: Iterable[Category],
    groups: Iterable[StaffGroup] = (),
    people: Iterable[Membership] = (),
) -> list[Recipient]:
    """Everyone who will be told, each once, with the first reason that applies."""
    chosen: dict[int, Recipient] = {}

    def add(membership: Membership, reason: str, detail: str = "") -> None:
        if membership.school_id != school.pk or membership.user_id == author.pk:
            return
        if not _may_be_alerted(membership) or membership.user_id in chosen:
            return
        chosen[membership.user_id] = Recipient(membership, reason, detail)

    categories = list(categories)
    if any(category.is_safeguarding for category in categories):
        leads = (
            Membership.objects.for_school(school)
            .filter(role__in=SAFEGUARDING_LEADS, is_active=True)
            .select_related("user")
        )
        for membership in leads:
            add(membership, AlertReason.DSL)
    for group in groups:
        for membership in group.members.filter(is_active=True).select_related("user"):
            add(membership, AlertReason.GROUP, group.name)
    for membership in people:
        add(membership, AlertReason.NAMED)
    for category in categories:
        for membership in category.default_recipients.filter(is_active=True).select_related("user"):
            add(membership, AlertReason.CATEGORY, category.name)
    return sorted(chosen.values(), key=lambda r: (r.user.last_name, r.user.first_name))


def category_label(categories: Sequence[Category]) -> str:
    return ", ".join(category.name for category in categories)[:200]


def create_alerts(
    *,
    incident: Incident,
    created_by: User,
    recipients: Iterable[Recipient],
    label: str,
    action: Action | None = None,
) -> list[Alert]:
    """Store the alerts and send their emails once the transaction commits."""
    alerts = [
        Alert.objects.create(
            school_id=incident.school_id,
            incident=incident,
            action=action,
            recipient=recipient.user,
            created_by=created_by,
            reason=recipient.reason,
            reason_detail=recipient.reason_detail[:100],
            category_label=label,
        )
        for recipient in recipients
    ]
    if alerts:
        from safeguard.incidents.tasks import send_alert_email

        for alert in alerts:
            transaction.on_commit(
                partial(send_alert_email.enqueue, alert_id=alert.pk, school_id=alert.school_id)
            )
    return alerts

"""Who is told about an incident, and telling them (school policy section 5 steps 6, 8, 11).

The rules for an incident: the author picks groups (SLT first) and named
colleagues; each category can add its own default recipients; the school's
DSLs and deputies are always told of incidents in safeguarding categories.

The rules for an action added below an incident: its author picks groups and
named colleagues (and may tick "tell the DSLs"); the colleague the action is
assigned to is always told, and so is the incident's author, who raised the
concern and wants to know what was done. Category defaults and the automatic
DSL alert are not repeated for every action: the DSLs already see every
incident, and an alert per action would bury the ones that matter.

Everywhere: governors are never alerted (they may see no incidents), nor is
anyone without an active role in the school, nor the author themself.

Leads only: about an incident kept with the leads (a lead kept it, or it has a
restricted category as its categories stand now: `selectors.is_kept_with_leads`) and
about an action a DSL or deputy kept for the leads, only DSLs and deputies are
alerted or assigned. A named colleague who isn't one is refused with a message
(`actions`, `recording`); the incident's author and the members of a chosen group
who aren't leads are simply left out. Such an alert is marked `is_lead_only`: it
lets its recipient open the incident only while they are a lead.

The recipient marks their alerts on an incident read, and may acknowledge them ("I
have read and understood"), which also marks them read: one press per incident covers
every alert of theirs on it up to the newest they were shown. Each alert is audited once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import is_lead, may_be_alerted
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import Action, Alert, AlertReason, Category, Incident
from safeguard.incidents.selectors import alerts_for, categories_seen_by_non_leads, leads_of
from safeguard.lib import clock

# Alerts that only ever go to someone because they are a lead.
LEAD_REASONS = frozenset({AlertReason.DSL, AlertReason.MISTAKE})

INCIDENT_AUTHOR_DETAIL = "Recorded the incident"
# Who sent an alert or a reply, for someone with no name on file (the alert bar and the
# alerts list say the same).
UNNAMED_SENDER = "A colleague"


def sender_name(user: User) -> str:
    """How an alert's email and a lead's reply name their sender, alike: by name, never by
    email address (an email names the sender and the kind only)."""
    return user.full_name or UNNAMED_SENDER


@dataclass(frozen=True)
class Recipient:
    membership: Membership
    reason: str
    reason_detail: str = ""

    @property
    def user(self) -> User:
        return self.membership.user


class _Recipients:
    """Collects recipients, each person once, keeping the first reason that applies."""

    def __init__(self, *, school: School, author: User, leads_only: bool = False) -> None:
        self.school = school
        self.author = author
        self.leads_only = leads_only
        self.chosen: dict[int, Recipient] = {}

    def add(self, membership: Membership, reason: str, detail: str = "") -> None:
        if membership.school_id != self.school.pk or membership.user_id == self.author.pk:
            return
        if membership.user_id in self.chosen:
            return
        if not may_be_alerted(membership, leads_only=self.leads_only):
            return
        self.chosen[membership.user_id] = Recipient(membership, reason, detail)

    def add_leads(self) -> None:
        for membership in leads_of(self.school.pk):
            self.add(membership, AlertReason.DSL)

    def add_groups(self, groups: Iterable[StaffGroup]) -> None:
        for group in groups:
            for membership in group.members.filter(is_active=True).select_related("user"):
                self.add(membership, AlertReason.GROUP, group.name)

    def add_people(self, people: Iterable[Membership]) -> None:
        for membership in people:
            self.add(membership, AlertReason.NAMED)

    def sorted(self) -> list[Recipient]:
        return sorted(self.chosen.values(), key=lambda r: (r.user.last_name, r.user.first_name))


def recipients_for(
    *,
    school: School,
    author: User,
    categories: Iterable[Category],
    groups: Iterable[StaffGroup] = (),
    people: Iterable[Membership] = (),
) -> list[Recipient]:
    """Everyone told of a new incident, each once, with the first reason that applies.

    With a restricted category among them, only the leads (see the module docstring).
    """
    categories = list(categories)
    recipients = _Recipients(
        school=school,
        author=author,
        leads_only=any(category.is_restricted for category in categories),
    )
    if any(category.is_safeguarding for category in categories):
        recipients.add_leads()
    recipients.add_groups(groups)
    recipients.add_people(people)
    for category in categories:
        for membership in category.default_recipients.filter(is_active=True).select_related("user"):
            recipients.add(membership, AlertReason.CATEGORY, category.name)
    return recipients.sorted()


def recipients_for_action(
    *,
    school: School,
    author: User,
    incident: Incident,
    assignee: Membership | None = None,
    tell_leads: bool = False,
    groups: Iterable[StaffGroup] = (),
    people: Iterable[Membership] = (),
    leads_only: bool = False,
) -> list[Recipient]:
    """Everyone told of a new action: the assignee, the incident's author, and those picked.

    With `leads_only` (an incident kept with the leads or a leads-only action), only the leads.
    """
    recipients = _Recipients(school=school, author=author, leads_only=leads_only)
    if assignee is not None:
        recipients.add(assignee, AlertReason.ASSIGNED)
    incident_author = (
        Membership.objects.for_school(school)
        .filter(user_id=incident.author_id)
        .select_related("user")
        .first()
    )
    if incident_author is not None:
        recipients.add(incident_author, AlertReason.NAMED, INCIDENT_AUTHOR_DETAIL)
    if tell_leads:
        recipients.add_leads()
    recipients.add_groups(groups)
    recipients.add_people(people)
    return recipients.sorted()


def alert_about_incident(
    incident: Incident,
    categories: Sequence[Category],
    *,
    groups: Iterable[StaffGroup] = (),
    people: Iterable[Membership] = (),
) -> list[Recipient]:
    """Alert everyone to be told of a new incident (`recipients_for`); return who they are."""
    recipients = recipients_for(
        school=incident.school,
        author=incident.author,
        categories=categories,
        groups=groups,
        people=people,
    )
    create_alerts(
        incident=incident,
        created_by=incident.author,
        recipients=recipients,
        label=category_label(categories),
        leads_only=any(category.is_restricted for category in categories),
    )
    return recipients


def alert_about_action(
    action: Action,
    *,
    assignee: Membership | None,
    tell_leads: bool,
    groups: Iterable[StaffGroup],
    people: Iterable[Membership],
    leads_only: bool,
) -> list[Recipient]:
    """Alert everyone to be told of a new action (`recipients_for_action`); return them."""
    incident = action.incident
    recipients = recipients_for_action(
        school=incident.school,
        author=action.author,
        incident=incident,
        assignee=assignee,
        tell_leads=tell_leads,
        groups=groups,
        people=people,
        leads_only=leads_only,
    )
    create_alerts(
        incident=incident,
        action=action,
        created_by=action.author,
        recipients=recipients,
        label=category_label(list(incident.review.categories.order_by("position"))),
        leads_only=leads_only,
    )
    return recipients


def category_label(categories: Sequence[Category]) -> str:
    return ", ".join(category.name for category in categories)[:200]


@transaction.atomic
def create_alerts(
    *,
    incident: Incident,
    created_by: User,
    recipients: Iterable[Recipient],
    label: str,
    action: Action | None = None,
    leads_only: bool = False,
) -> list[Alert]:
    """Store the alerts and queue their emails once the transaction commits.

    The in-app alert is the record; the email is only a nudge. Queuing runs
    after the commit and never raises into the request (robust=True): if the
    queue is down, `manage.py retry_alert_emails` sends what is still pending.
    `label` names the categories as a lead sees them; anyone else is given the
    categories as recorded, without the restricted ones. An alert is marked as
    sent to a lead (`is_lead_only`) when `leads_only` or its reason says so.

    Each alert is audited (ALERT_SENT) in the caller's transaction, with ids only: who
    was alerted about which incident or action, never the label or the reason's detail.
    """
    alerts = [
        Alert.objects.create(
            school_id=incident.school_id,
            incident=incident,
            action=action,
            recipient=recipient.user,
            created_by=created_by,
            reason=recipient.reason,
            reason_detail=recipient.reason_detail[:100],
            category_label=label
            if is_lead(recipient.membership)
            else category_label(categories_seen_by_non_leads(incident)),
            is_lead_only=leads_only or recipient.reason in LEAD_REASONS,
            created_at=clock.now(),
        )
        for recipient in recipients
    ]
    for alert in alerts:
        record(
            actor=created_by,
            action=AuditAction.ALERT_SENT,
            school=incident.school,
            target=alert,
            detail={
                "incident": incident.pk,
                "action": alert.action_id,
                "recipient": alert.recipient_id,
            },
        )
    if alerts:
        from safeguard.incidents.tasks import send_alert_email

        for alert in alerts:
            transaction.on_commit(
                partial(send_alert_email.enqueue, alert_id=alert.pk, school_id=alert.school_id),
                robust=True,
            )
    return alerts


# Reading and acknowledging ---------------------------------------------------------------
#
# A person presses "Mark as read" or "I have read and understood" once per incident
# (one read, one acknowledgement): it covers every alert of theirs on the incident up to the newest one
# the page showed them, whose id the button carries. An alert that arrived after the page
# was shown stays unread. Each alert is still marked and audited on its own, once: every
# write is a conditional UPDATE of one row, so two requests at once (two tabs, a double
# click, the emailed link beside the button) never mark or audit an alert twice.


def _covered(membership: Membership, alert: Alert) -> QuerySet[Alert]:
    """The member's alerts on the alert's incident, up to and including this one."""
    if alert.recipient_id != membership.user_id or alert.school_id != membership.school_id:
        raise PermissionDenied("Only the person alerted can mark their alert.")
    return (
        alerts_for(membership)
        .filter(incident_id=alert.incident_id, pk__lte=alert.pk)
        .order_by("id")
    )


@transaction.atomic
def mark_alerts_read(*, membership: Membership, alert: Alert) -> int:
    """Mark read every alert of the member's on the incident up to `alert`; return how many.

    One audit event per alert marked; an alert already read is left as it was.
    """
    now = clock.now()
    marked = 0
    for pk, action_id in (
        _covered(membership, alert).filter(read_at__isnull=True).values_list("pk", "action_id")
    ):
        rows = Alert.objects.for_school(membership.school).filter(pk=pk, read_at__isnull=True)
        if not rows.update(read_at=now):
            continue  # marked by a request that ran at the same time
        marked += 1
        record(
            actor=membership.user,
            action=AuditAction.ALERT_READ,
            school=membership.school,
            target=Alert(pk=pk),
            detail={"incident": alert.incident_id, "action": action_id},
        )
    return marked


@transaction.atomic
def acknowledge_alerts(*, membership: Membership, alert: Alert) -> int:
    """Acknowledge ("I have read and understood") every alert of the member's on the incident
    up to `alert`, marking read those that weren't; return how many were acknowledged."""
    now = clock.now()
    acknowledged = 0
    for pk, action_id in (
        _covered(membership, alert)
        .filter(acknowledged_at__isnull=True)
        .values_list("pk", "action_id")
    ):
        rows = Alert.objects.for_school(membership.school).filter(
            pk=pk, acknowledged_at__isnull=True
        )
        # Unread and unacknowledged: both now. Otherwise only the acknowledgement.
        marked_read = bool(
            rows.filter(read_at__isnull=True).update(read_at=now, acknowledged_at=now)
        )
        if not marked_read and not rows.update(acknowledged_at=now):
            continue  # acknowledged by a request that ran at the same time
        acknowledged += 1
        record(
            actor=membership.user,
            action=AuditAction.ALERT_ACKNOWLEDGED,
            school=membership.school,
            target=Alert(pk=pk),
            detail={"incident": alert.incident_id, "action": action_id, "marked_read": marked_read},
        )
    return acknowledged

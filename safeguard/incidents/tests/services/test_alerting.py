"""Reading and acknowledging alerts (`services/alerting.py`): one press per person per
incident covers every alert of theirs on it so far, and each alert is audited once."""

import pytest

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.services import alerting
from safeguard.incidents.tests.factories import (
    add_test_action,
    alerts_of,
    newest_alert_of,
    record_test_incident,
)

pytestmark = pytest.mark.django_db


def test_one_acknowledgement_covers_every_alert_on_the_incident_so_far(
    dsl, membership_of, thrice_alerted
):
    done = alerting.acknowledge_alerts(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert done == 3
    for alert in alerts_of(dsl, thrice_alerted):
        assert alert.acknowledged_at is not None
        assert alert.read_at is not None
    events = AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED, actor=dsl)
    assert sorted(int(e.target_id) for e in events) == [
        a.pk for a in alerts_of(dsl, thrice_alerted)
    ]


def test_one_mark_as_read_covers_every_alert_on_the_incident_so_far(
    dsl, membership_of, thrice_alerted
):
    done = alerting.mark_alerts_read(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert done == 3
    assert all(alert.read_at for alert in alerts_of(dsl, thrice_alerted))
    assert not any(alert.acknowledged_at for alert in alerts_of(dsl, thrice_alerted))
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ, actor=dsl).count() == 3


def test_an_alert_that_arrived_after_the_page_was_shown_stays_unread(
    dsl, teacher, membership_of, thrice_alerted
):
    shown = newest_alert_of(dsl, thrice_alerted)  # the newest alert on the page as it was rendered
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)  # arrives meanwhile
    alerting.acknowledge_alerts(membership=membership_of(dsl), alert=shown)
    later = newest_alert_of(dsl, thrice_alerted)
    assert later.pk != shown.pk
    assert later.read_at is None and later.acknowledged_at is None
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_acknowledging_leaves_other_incidents_and_other_people_alone(
    dsl, slt, teacher, membership_of, thrice_alerted
):
    other = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    alerting.acknowledge_alerts(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert alerts_of(dsl, other)[0].read_at is None
    assert alerts_of(slt, other)[0].read_at is None


def test_two_acknowledgements_at_once_audit_each_alert_once(dsl, membership_of, thrice_alerted):
    """Two tabs, or a double click: both requests read the alert before either wrote."""
    membership = membership_of(dsl)
    stale = newest_alert_of(dsl, thrice_alerted)
    first = alerting.acknowledge_alerts(membership=membership, alert=stale)
    second = alerting.acknowledge_alerts(membership=membership, alert=stale)
    assert (first, second) == (3, 0)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_reading_then_acknowledging_says_which_alerts_it_marked_read(
    dsl, teacher, membership_of, thrice_alerted
):
    membership = membership_of(dsl)
    alerting.mark_alerts_read(membership=membership, alert=newest_alert_of(dsl, thrice_alerted))
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)
    alerting.acknowledge_alerts(membership=membership, alert=newest_alert_of(dsl, thrice_alerted))
    events = AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).order_by("id")
    assert [e.detail["marked_read"] for e in events] == [False, False, False, True]


def test_a_read_racing_an_acknowledgement_is_audited_once_each(dsl, membership_of, thrice_alerted):
    """Mark as read lands between the acknowledgement's read of the rows and its write."""
    membership = membership_of(dsl)
    stale = newest_alert_of(dsl, thrice_alerted)
    alerting.mark_alerts_read(membership=membership, alert=stale)
    alerting.acknowledge_alerts(membership=membership, alert=stale)
    alerting.mark_alerts_read(membership=membership, alert=stale)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_someone_else_cannot_mark_my_alerts(slt, dsl, membership_of, thrice_alerted):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        alerting.acknowledge_alerts(
            membership=membership_of(slt), alert=newest_alert_of(dsl, thrice_alerted)
        )
    assert not any(alert.read_at for alert in alerts_of(dsl, thrice_alerted))

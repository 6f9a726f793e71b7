"""Bulk writers link events exactly as one-at-a-time appends do."""

import pytest

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import chain_heads, link_events, record, verify_chain
from safeguard.lib import clock

pytestmark = pytest.mark.django_db


def test_events_linked_in_bulk_extend_the_chain_and_verify():
    record(actor=None, action=AuditAction.SIGN_IN_FAILED, detail={"n": 0})
    heads = chain_heads()
    events = [
        AuditEvent(action=AuditAction.SIGN_IN_FAILED, detail={"n": n}, created_at=clock.now())
        for n in range(1, 4)
    ]
    link_events(events, heads)
    AuditEvent.objects.bulk_create(events)

    assert verify_chain() == (4, None)
    assert chain_heads() == heads


def test_a_bulk_event_changed_after_linking_breaks_the_chain_there():
    heads: dict[int | None, str] = {}
    events = [
        AuditEvent(action=AuditAction.SIGN_IN_FAILED, detail={"n": n}, created_at=clock.now())
        for n in range(3)
    ]
    link_events(events, heads)
    events[1].detail = {"n": 99}
    AuditEvent.objects.bulk_create(events)

    checked, broken = verify_chain()
    assert checked == 1
    assert broken is not None and broken.detail == {"n": 99}

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# verify_audit --print-head / --expect-head


def test_print_head_shows_the_newest_events_hash_and_the_count(school, dsl):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    head = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    out = _run("verify_audit", "--print-head")
    assert f"Head: event #{head.pk}" in out
    assert f"{AuditEvent.objects.count()} events, hash {head.hash}" in out


def test_an_anchored_head_still_in_the_chain_passes(school, dsl):
    anchored = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    assert "intact" in _run("verify_audit", "--expect-head", anchored.hash)


def test_an_anchored_head_missing_from_the_chain_fails(school, dsl):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    with pytest.raises(CommandError, match="no longer holds the anchored head"):
        _run("verify_audit", "--expect-head", "ab" * 32)

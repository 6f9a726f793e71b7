"""One chain per school, and the deployment's: each verifies, refuses forks and is named alone."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import (
    GENESIS,
    append_event,
    chain_heads,
    check_chain,
    event_hash,
    genesis,
    link_events,
    record,
    verify_chain,
)
from safeguard.lib import clock
from safeguard.lib.tests.app_role import database_owner

pytestmark = pytest.mark.django_db


def _tamper(event_id):
    """What someone with the database owner's rights could do: drop the guard, edit a row."""
    with database_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_immutable"
            )
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
        cursor.execute("UPDATE audit_auditevent SET target_id = '999' WHERE id = %s", [event_id])


def test_each_school_and_the_deployment_have_a_chain_of_their_own(school, other_school, dsl):
    here = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    there = record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=other_school)
    outside = record(actor=dsl, action=AuditAction.SIGNED_IN, target=dsl)
    assert (here.chain, there.chain, outside.chain) == (school.pk, other_school.pk, None)
    assert {c.key for c in check_chain().chains} == {None, school.pk, other_school.pk}
    # Every chain starts from its own genesis value, so no two first events collide.
    firsts = [AuditEvent.objects.filter(chain=key).first() for key in (school.pk, other_school.pk)]
    assert [e.prev_hash for e in firsts] == [genesis(school.pk), genesis(other_school.pk)]
    assert len({GENESIS, genesis(school.pk), genesis(other_school.pk)}) == 3


def test_a_schools_event_extends_its_own_chain_whatever_others_wrote_between(
    school, other_school, dsl
):
    first = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=other_school)
    record(actor=dsl, action=AuditAction.SIGNED_IN, target=dsl)
    second = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    assert second.prev_hash == first.hash


def test_the_hash_covers_the_chain(school, dsl):
    event = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    event.chain = None
    assert event_hash(event) != event.hash


def test_the_database_refuses_a_fork_in_a_schools_chain(school, dsl):
    first = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    fork = AuditEvent(
        action=AuditAction.SCHOOL_UPDATED, school=school, chain=school.pk, prev_hash=first.hash
    )
    fork.hash = event_hash(fork)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_the_database_refuses_a_second_start_of_a_schools_chain(school, dsl):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    again = AuditEvent(
        action=AuditAction.SCHOOL_UPDATED,
        school=school,
        chain=school.pk,
        prev_hash=genesis(school.pk),
    )
    again.hash = event_hash(again)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_the_database_refuses_a_schools_event_in_another_schools_chain(school, other_school):
    stray = AuditEvent(
        action=AuditAction.SCHOOL_UPDATED,
        school=school,
        chain=other_school.pk,
        prev_hash="e" * 64,
    )
    stray.hash = event_hash(stray)
    with pytest.raises(IntegrityError), transaction.atomic():
        stray.save()


def test_verify_names_the_first_bad_event_of_each_chain(school, other_school, dsl):
    here = [record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school) for _ in range(4)]
    there = [
        record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=other_school) for _ in range(3)
    ]
    outside = record(actor=dsl, action=AuditAction.SIGNED_IN, target=dsl)
    _tamper(here[2].pk)
    _tamper(there[0].pk)

    chains = {c.key: c for c in check_chain().chains}
    assert chains[school.pk].broken == here[2]
    assert chains[school.pk].head == here[1]
    assert chains[other_school.pk].broken == there[0]
    before = AuditEvent.objects.filter(chain=other_school.pk, pk__lt=there[0].pk)
    assert chains[other_school.pk].checked == before.count()  # its SCHOOL_CREATED event
    assert chains[None].broken is None
    assert chains[None].head == outside
    assert verify_chain()[1] == min(here[2], there[0], key=lambda e: e.pk)

    err = io.StringIO()
    with pytest.raises(CommandError, match="broken in 2 of 3 chains"):
        call_command("verify_audit", stderr=err)
    said = err.getvalue()
    assert f"the chain of school {school.pk} (Larkspur Primary) is broken " in said
    assert f"event #{here[2].pk}" in said
    assert f"the chain of school {other_school.pk} (Fernhill Academy) is broken " in said
    assert f"event #{there[0].pk}" in said


def test_print_head_names_each_chain_and_its_head(school, other_school, dsl):
    here = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    there = record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=other_school)
    outside = record(actor=dsl, action=AuditAction.SIGNED_IN, target=dsl)
    out = io.StringIO()
    call_command("verify_audit", "--print-head", stdout=out)
    lines = out.getvalue().splitlines()
    for event, name in (
        (here, f"of the chain of school {school.pk} (Larkspur Primary)"),
        (there, f"of the chain of school {other_school.pk} (Fernhill Academy)"),
        (outside, "of the deployment's chain"),
    ):
        [line] = [line for line in lines if f"event #{event.pk} " in line]
        assert line.endswith(f"hash {event.hash}, {name}")


def test_anchored_heads_of_every_chain_are_checked(school, other_school, dsl):
    here = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    there = record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=other_school)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    anchors = ["--expect-head", here.hash, "--expect-head", there.hash]
    call_command("verify_audit", *anchors, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no longer holds the anchored head"):
        call_command("verify_audit", *anchors, "--expect-head", "ab" * 32, stdout=io.StringIO())


def test_bulk_linked_events_are_exactly_what_appends_write(school, other_school, dsl):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=dsl, action=AuditAction.SIGNED_IN, target=dsl)
    at = clock.now()

    def batch():
        return [
            AuditEvent(school=school, action=AuditAction.PUPIL_VIEWED, created_at=at),
            AuditEvent(school=other_school, action=AuditAction.PUPIL_VIEWED, created_at=at),
            AuditEvent(action=AuditAction.SIGN_IN_FAILED, created_at=at),
            AuditEvent(school=school, action=AuditAction.INCIDENT_VIEWED, created_at=at),
        ]

    linked = batch()
    heads = chain_heads()
    link_events(linked, heads)
    appended = [append_event(event) for event in batch()]

    assert [(e.chain, e.prev_hash, e.hash) for e in linked] == [
        (e.chain, e.prev_hash, e.hash) for e in appended
    ]
    assert chain_heads() == heads
    assert verify_chain()[1] is None

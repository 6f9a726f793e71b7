import pytest
from django.db import IntegrityError, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import check_chain, event_hash, record
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db


def test_an_event_about_a_pupil_is_linked_to_them(school, dsl):
    pupil = PupilFactory(school=school)
    event = record(actor=dsl, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    assert event.pupil_id == pupil.pk


def test_an_event_naming_a_pupil_in_its_detail_is_linked_to_them(school, dsl):
    pupil = PupilFactory(school=school)
    event = record(
        actor=dsl, action=AuditAction.INCIDENT_VIEWED, school=school, detail={"pupil": pupil.pk}
    )
    assert event.pupil_id == pupil.pk


def test_an_event_on_a_pupils_status_is_linked_to_the_pupil(school, dsl):
    status = PupilStatusFactory(pupil=PupilFactory(school=school))
    event = record(actor=dsl, action=AuditAction.PUPIL_STATUS_ENDED, school=school, target=status)
    assert event.pupil_id == status.pupil_id


def test_an_event_about_no_pupil_has_no_pupil_link(school, dsl):
    event = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school, target=school)
    assert event.pupil_id is None


def test_the_hash_covers_the_pupil_link(school, dsl):
    pupil = PupilFactory(school=school)
    event = record(actor=dsl, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    event.pupil_id = pupil.pk + 1
    assert event_hash(event) != event.hash
    event.pupil_id = None
    assert event_hash(event) != event.hash


def test_the_database_refuses_a_fork_in_the_chain(school, dsl):
    first = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    fork = AuditEvent(action=AuditAction.SCHOOL_UPDATED, prev_hash=first.hash)
    fork.hash = event_hash(fork)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_a_check_reports_the_head_and_the_anchors_it_found(school, dsl):
    first = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    last = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    result = check_chain(expect=frozenset({first.hash, "f" * 64}))
    assert result.head == last
    assert result.seen == {first.hash}

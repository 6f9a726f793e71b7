"""Key events: added by a lead, dated no later than today, kept for ever and sealed."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import KeyEvent
from safeguard.casework.services.key_events import add_key_event, start_of
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school)


def add(lead, pupil, **fields):
    fields.setdefault("kind", "cp_plan_started")
    fields.setdefault("happened_on", clock.localdate())
    fields.setdefault("summary", "Child protection plan: neglect.")
    return add_key_event(membership=lead, pupil=pupil, **fields)


def test_a_lead_adds_a_key_event_audited_and_sealed(lead, pupil, school):
    event = add(lead, pupil, details="Conference chaired by the LA.")
    assert event.sorts_at == start_of(event.happened_on)
    assert event.added_by == lead.user
    audit = AuditEvent.objects.get(action=AuditAction.KEY_EVENT_ADDED)
    assert audit.pupil_id == pupil.pk
    assert audit.target_id == str(event.pk)
    assert "sealed" in audit.detail
    assert "neglect" not in str(audit.detail)  # ids and codes only


def test_a_key_event_in_the_future_is_refused_with_its_own_message(lead, pupil):
    tomorrow = clock.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        add(lead, pupil, happened_on=tomorrow)
    [message] = refused.value.message_dict["happened_on"]
    assert message.startswith("A key event can't be in the future")
    assert not KeyEvent.objects.for_school(pupil.school).exists()


def test_a_key_event_before_the_pupil_was_born_is_refused(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        add(lead, pupil, happened_on=pupil.date_of_birth - datetime.timedelta(days=1))
    assert "before the pupil was born" in refused.value.message_dict["happened_on"][0]


def test_a_summary_must_be_one_clean_line(lead, pupil):
    for summary, problem in (("   ", "one-line summary"), ("Plan\u202eended", "invisible")):
        with pytest.raises(ValidationError) as refused:
            add(lead, pupil, summary=summary)
        assert problem in refused.value.message_dict["summary"][0]


def test_an_unknown_kind_is_refused(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        add(lead, pupil, kind="party")
    assert refused.value.message_dict["kind"] == ["Choose what happened from the list."]


def test_only_a_lead_of_the_pupils_school_adds_one(teacher, dsl_other_school, membership_of, pupil):
    for someone in (membership_of(teacher), membership_of(dsl_other_school)):
        with pytest.raises(PermissionDenied):
            add(someone, pupil)


def test_a_key_event_cannot_be_changed_or_deleted(lead, pupil, school):
    event = add(lead, pupil)
    for sql in (
        "UPDATE casework_keyevent SET summary = 'Rewritten' WHERE id = %s",
        "DELETE FROM casework_keyevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert KeyEvent.objects.for_school(school).get(pk=event.pk).summary == event.summary


def test_verify_audit_vouches_for_key_events(lead, pupil):
    add(lead, pupil)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()

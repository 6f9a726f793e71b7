"""Records are destroyed only when the retention period is over."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Action, Attachment, BodyMapMark, Incident, IncidentReview
from safeguard.incidents.services import bodymap, recording
from safeguard.incidents.services.retention import (
    RecordsNotDue,
    destroy_pupil_records,
    records_due_on,
)
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def born_years_ago(pupil, years: int, days: int = 0):
    today = datetime.date.today()
    born = today.replace(year=today.year - years) - datetime.timedelta(days=days)
    Pupil.objects.for_school(pupil.school).filter(pk=pupil.pk).update(date_of_birth=born)
    pupil.refresh_from_db()
    return pupil


def test_records_are_due_25_years_after_birth():
    assert records_due_on(Pupil(date_of_birth=datetime.date(2010, 3, 4))) == datetime.date(
        2035, 3, 4
    )
    assert records_due_on(Pupil(date_of_birth=datetime.date(2008, 2, 29))) == datetime.date(
        2033, 2, 28
    )


def test_records_not_yet_due_are_refused_and_kept(teacher, membership_of, school, dsl):
    pupil = born_years_ago(PupilFactory(school=school), 25, days=-1)  # 25 tomorrow
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    with pytest.raises(RecordsNotDue, match="kept until"):
        destroy_pupil_records(actor=dsl, pupil=pupil)
    assert Incident.objects.for_school(school).filter(pk=incident.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RECORDS_DESTROYED).exists()


def test_records_past_retention_are_destroyed_with_all_recorded_with_them(
    teacher, membership_of, school, dsl
):
    pupil = born_years_ago(PupilFactory(school=school), 25)
    other = PupilFactory(school=school)
    incident = record_test_incident(
        membership_of(teacher),
        pupil=pupil,
        links=[recording.Link(other)],
        marks=[bodymap.Mark(side="front", x=500, y=300, mark_type="bruise")],
        files=[SimpleUploadedFile("note.txt", b"abc", "text/plain")],
    )
    kept = record_test_incident(membership_of(teacher), pupil=other)

    assert destroy_pupil_records(actor=dsl, pupil=pupil) == 1

    assert not Incident.objects.for_school(school).filter(pk=incident.pk).exists()
    for model in (IncidentReview, BodyMapMark, Attachment, Action):
        assert not model.objects.for_school(school).filter(incident_id=incident.pk).exists()
    assert Incident.objects.for_school(school).filter(pk=kept.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    assert event.actor == dsl
    assert event.pupil_id == pupil.pk
    assert event.detail["incidents"] == 1
    # The destroyed records' seals stay in the trail, named by the event: not "missing".
    assert incident.pk in event.detail["destroyed"]["incidents.incident"]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "destroyed at the end of their retention period" in out.getvalue()

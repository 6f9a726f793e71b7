import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _window() -> tuple[str, str]:
    now = timezone.now()
    return (
        (now - datetime.timedelta(hours=1)).isoformat(),
        (now + datetime.timedelta(hours=1)).isoformat(),
    )


# who_accessed


def test_who_accessed_groups_access_to_pupil_data_by_person_with_counts(
    school, dsl, teacher, deputy
):
    pupil = PupilFactory(school=school)
    record(actor=teacher, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    record(actor=teacher, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    record(actor=deputy, action=AuditAction.INCIDENT_PRINTED, school=school, detail={"pupil": 7})
    record(actor=dsl, action=AuditAction.PUPIL_UPDATED, school=school, target=pupil)
    start, end = _window()
    out = _run("who_accessed", "--school", str(school.pk), "--from", start, "--to", end)
    assert "teacher@larkspur.example: 2 accesses (2 pupil record viewed)" in out
    assert "deputy@larkspur.example: 1 access (1 incident printed)" in out
    assert "dsl@larkspur.example" not in out  # a change, not an access
    assert "Total: 3 accesses by 2 people." in out
    assert pupil.legal_last_name not in out


def test_who_accessed_leaves_out_accesses_outside_the_window(school, teacher):
    pupil = PupilFactory(school=school)
    record(actor=teacher, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    later = timezone.now() + datetime.timedelta(minutes=5)
    out = _run(
        "who_accessed",
        "--school",
        str(school.pk),
        "--from",
        later.isoformat(),
        "--to",
        (later + datetime.timedelta(minutes=5)).isoformat(),
    )
    assert "Total: 0 accesses by 0 people." in out


def test_who_accessed_leaves_out_other_schools(school, other_school, dsl_other_school):
    pupil = PupilFactory(school=other_school)
    record(
        actor=dsl_other_school, action=AuditAction.PUPIL_VIEWED, school=other_school, target=pupil
    )
    start, end = _window()
    out = _run("who_accessed", "--school", str(school.pk), "--from", start, "--to", end)
    assert "fernhill" not in out


def test_who_accessed_writes_csv_rows_by_person(school, teacher):
    pupil = PupilFactory(school=school)
    event = record(actor=teacher, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    start, end = _window()
    out = _run(
        "who_accessed", "--school", str(school.pk), "--from", start, "--to", end, "--format", "csv"
    )
    header, row = list(csv.reader(io.StringIO(out)))
    assert header[1] == "actor email"
    assert row[1:6] == [
        "teacher@larkspur.example",
        "pupil_viewed",
        "pupil",
        str(pupil.pk),
        str(pupil.pk),
    ]
    assert row[8] == event.hash


def test_running_who_accessed_is_itself_audited(school):
    start, end = _window()
    _run("who_accessed", "--school", str(school.pk), "--from", start, "--to", end)
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert (event.school, event.detail["via"]) == (school, "who_accessed")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("yesterday", "2026-11-28", "not an ISO 8601 time"),
        ("2026-11-28T10:00", "2026-11-28T09:00", "later than --from"),
    ],
)
def test_who_accessed_refuses_a_bad_window(school, start, end, message):
    with pytest.raises(CommandError, match=message):
        _run("who_accessed", "--school", str(school.pk), "--from", start, "--to", end)

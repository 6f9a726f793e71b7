"""Files attached to a key event: the attachments' checks and storage, sealed with the key
event, shown in its chronology entry with a permission-checked and audited download, listed
by name in the printed copy and the PDF, and destroyed with the pupil's records."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.casework.models import KeyEvent, KeyEventFile
from safeguard.casework.services.key_events import add_key_event
from safeguard.casework.tests.test_chronology_other_children import pdf_text
from safeguard.incidents.services.attachments import sweep_orphan_files
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)
MINUTES = b"Strategy meeting minutes: section 47 enquiry to follow."


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def minutes(name="minutes.txt", content=MINUTES, kind="text/plain"):
    return SimpleUploadedFile(name, content, kind)


def add_url(pupil):
    return reverse("casework:key-event-add", kwargs={"pupil_id": pupil.pk})


def posted(**files):
    return {
        "kind": "strategy_meeting",
        "happened_on": LAST_WEEK.isoformat(),
        "summary": "Strategy discussion: section 47 to follow.",
        "details": "Social worker and school nurse present.",
        **files,
    }


def test_a_lead_adds_a_key_event_with_a_file_and_downloads_it_from_the_chronology(
    client_as, dsl, school, pupil
):
    client = client_as(dsl)
    response = client.post(add_url(pupil), posted(files=[minutes()]))
    assert response.status_code == 302
    [file] = KeyEventFile.objects.for_school(school)
    assert file.original_name == "minutes.txt" and file.key_event.pupil == pupil
    assert file.stored_name != "minutes.txt"  # stored under a generated name
    added = AuditEvent.objects.get(action=AuditAction.KEY_EVENT_ADDED)
    assert added.detail["files"] == [file.pk]
    assert Seal.objects.filter(record_type="casework.keyeventfile", record_id=file.pk).exists()

    page = client.get(reverse("casework:chronology", kwargs={"pupil_id": pupil.pk}))
    download_url = reverse("casework:key-event-file", kwargs={"key_event_file_id": file.pk})
    assert download_url.encode() in page.content
    key = download_url.rstrip("/").rsplit("/", 1)[-1]
    assert key != str(file.pk) and not key.isdigit()  # an opaque key, not the shared id

    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINUTES
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    event = AuditEvent.objects.get(action=AuditAction.KEY_EVENT_FILE_DOWNLOADED)
    assert event.pupil_id == pupil.pk and event.actor == dsl
    log = client.get(reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk}))
    assert "File of a key event" in log.content.decode()


def test_the_printed_copy_and_the_pdf_list_the_files_by_name(
    client_as, lead, dsl, pupil, django_capture_on_commit_callbacks
):
    add_key_event(
        membership=lead,
        pupil=pupil,
        kind="cp_plan_started",
        happened_on=LAST_WEEK,
        summary="Child protection plan started.",
        files=[minutes("conference-letter.txt")],
    )
    client = client_as(dsl)
    printed = client.post(reverse("casework:chronology-print", kwargs={"pupil_id": pupil.pk}))
    content = printed.content.decode()
    assert "conference-letter.txt" in content
    assert "/casework/key-event-files/" not in content  # named, not linked, on paper
    assert "conference-letter.txt" in pdf_text(client, pupil, django_capture_on_commit_callbacks)


def test_a_bad_file_is_named_next_to_the_field_and_everything_typed_is_kept(
    client_as, dsl, school, pupil
):
    fake = minutes("letter.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = client_as(dsl).post(add_url(pupil), posted(files=[fake]))
    assert response.status_code == 400
    assert response.context["file_errors"] and "letter.pdf" in response.context["file_errors"][0]
    content = response.content.decode()
    assert 'id="id_files_errors"' in content and 'aria-invalid="true"' in content
    assert "Strategy discussion: section 47 to follow." in content
    assert "Social worker and school nurse present." in content
    assert not KeyEvent.objects.for_school(school).exists()
    assert not KeyEventFile.objects.for_school(school).exists()


def test_the_database_refuses_to_change_a_key_events_file(lead, school, pupil):
    add_key_event(
        membership=lead,
        pupil=pupil,
        kind="other",
        happened_on=LAST_WEEK,
        summary="Letter from social care.",
        files=[minutes()],
    )
    for statement in (
        "UPDATE casework_keyeventfile SET original_name = 'x'",
        "DELETE FROM casework_keyeventfile",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert KeyEventFile.objects.for_school(school).count() == 1


def test_a_key_events_files_are_kept_from_the_sweep_until_destroyed_with_the_records(
    lead, school, pupil
):
    add_key_event(
        membership=lead,
        pupil=pupil,
        kind="case_closed",
        happened_on=LAST_WEEK,
        summary="Case closed by social care.",
        files=[minutes()],
    )
    file = KeyEventFile.objects.for_school(school).get()
    sweep_orphan_files(older_than=datetime.timedelta(0))  # (other tests' orphans go too)
    assert default_storage.exists(file.stored_name)

    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 26)
    Pupil.objects.for_school(school).filter(pk=pupil.pk).update(date_of_birth=long_ago)
    pupil.refresh_from_db()
    destroy_pupil_records(actor=lead.user, pupil=pupil)
    assert not KeyEventFile.objects.for_school(school).exists()
    destroyed = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED).detail["destroyed"]
    assert destroyed["casework.keyeventfile"] == [file.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
    assert sweep_orphan_files(older_than=datetime.timedelta(0)).deleted >= 1
    assert not default_storage.exists(file.stored_name)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_the_files_to_the_purge_function_and_reverses(db):
    from importlib import import_module

    from django.apps import apps

    from safeguard.casework.tests.test_retention import purge_function_source
    from safeguard.lib.tests.app_role import database_owner

    migration = import_module(
        "safeguard.casework.migrations.0023_retention_purge_destroys_key_event_files"
    )
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_keyeventfile" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_keyeventfile" not in purge_function_source()
        assert "DELETE FROM casework_linkedpupilcategories" in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_keyeventfile" in purge_function_source()

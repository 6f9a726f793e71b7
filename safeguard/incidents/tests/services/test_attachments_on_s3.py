"""Attached files kept in S3-compatible storage (a real SeaweedFS server): stored, sealed,
downloaded only through the access-checked view, and never half-kept when the store fails."""

import datetime
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.seal_checks import check_records
from safeguard.incidents.models import Attachment, Category, Draft, Incident
from safeguard.incidents.services.attachments import (
    StoreFailed,
    store_uploads,
    sweep_orphan_files,
)
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.s3 import PrivateS3Storage, as_os_error
from safeguard.pupils.tests.factories import PupilFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NOTES = "Notes from the meeting with Zoë\u2019s mum.".encode()


def upload(name: str = "letter.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class _FailsOnSecondFile(PrivateS3Storage):
    """The real store, whose second write of a submission fails: the bucket has gone
    (`failure="gone"`, a real error from the server) or is over its quota (`"full"`)."""

    failure = "gone"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.writes = 0

    def _save(self, name, content):
        self.writes += 1
        if self.writes == 2 and self.failure == "gone":
            kept, self._bucket = self.bucket, self.connection.Bucket("bucket-that-was-removed")
            try:
                return super()._save(name, content)
            finally:
                self._bucket = kept
        if self.writes == 2 and self.failure == "full":

            def over_quota():
                raise ClientError({"Error": {"Code": "QuotaExceeded"}}, "PutObject")

            return as_os_error(name, over_quota)
        return super()._save(name, content)


@pytest.fixture
def failing_second_write(s3_bucket, s3_server, settings):
    def make(failure: str) -> str:
        _FailsOnSecondFile.failure = failure
        backend = {**s3_server.storage_options(s3_bucket)}
        backend["BACKEND"] = f"{__name__}._FailsOnSecondFile"
        settings.STORAGES = {**settings.STORAGES, "default": backend}
        return s3_bucket

    return make


# Storing -------------------------------------------------------------------------------


def test_a_file_is_stored_in_the_bucket_under_a_random_name_and_not_on_disk(
    school, s3_bucket, s3_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    [stored], problems = store_uploads([upload()], school=school)
    assert problems == []
    assert s3_server.keys(s3_bucket) == [stored.stored_name]
    assert stored.stored_name.startswith(f"attachments/{school.pk}/")
    assert len(stored.stored_name.rsplit("/", 1)[1]) == 32
    body = s3_server.client().get_object(Bucket=s3_bucket, Key=stored.stored_name)["Body"]
    assert body.read() == PDF
    assert local_files(settings) == []


def test_a_store_gone_part_way_through_keeps_none_of_the_files(
    school, failing_second_write, s3_server
):
    bucket = failing_second_write("gone")
    with pytest.raises(StoreFailed) as failed:
        store_uploads([upload("one.pdf"), upload("two.pdf")], school=school)
    assert failed.value.full is False
    assert s3_server.keys(bucket) == []


def test_a_store_over_its_quota_part_way_through_is_full_and_keeps_none(
    school, failing_second_write, s3_server
):
    bucket = failing_second_write("full")
    with pytest.raises(StoreFailed) as failed:
        store_uploads([upload("one.pdf"), upload("two.pdf")], school=school)
    assert failed.value.full is True
    assert s3_server.keys(bucket) == []


def test_a_full_store_keeps_the_incident_as_a_draft_and_no_file_in_the_bucket(
    client_as, midday, school, failing_second_write, s3_server
):
    bucket = failing_second_write("full")
    pupil = PupilFactory(school=school)
    now = timezone.localtime()
    submit_key = str(uuid.uuid4())
    response = client_as(midday).post(
        reverse("incidents:incident-add"),
        {
            "submit_key": submit_key,
            "pupil": str(pupil.pk),
            "kind": "disclosure",
            "text": "She said she didn't want to go home.",
            "occurred_on": f"{now:%Y-%m-%d}",
            "occurred_time": f"{now:%H:%M}",
            "location": "Classroom",
            "spoke_to_dsl": "no",
            "categories": [
                str(Category.objects.for_school(school).get(name="Safeguarding concern").pk)
            ],
            "intent": "submit",
            "files": [upload("one.pdf"), upload("two.pdf")],
        },
    )
    assert response.status_code == 503
    assert "The file store is full; your incident has been kept as a draft" in (
        response.content.decode()
    )
    assert str(Draft.objects.for_school(school).get().submit_key) == submit_key
    assert not Incident.objects.for_school(school).exists()
    assert s3_server.keys(bucket) == []


# Reading: the download view and the seals -----------------------------------------------


@pytest.fixture
def attached(school, teacher, membership_of, s3_bucket):
    incident = record_test_incident(membership_of(teacher), files=[upload("notes.txt", NOTES)])
    return incident, Attachment.objects.for_school(school).get(incident=incident)


def download(incident, attachment) -> str:
    return reverse("incidents:attachment-download", args=[incident.pk, attachment.pk])


def test_the_author_downloads_the_file_from_the_bucket_through_the_view(
    client_as, teacher, attached
):
    incident, attachment = attached
    response = client_as(teacher).get(download(incident, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == NOTES
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_DOWNLOADED).count() == 1


def test_someone_who_may_not_see_the_incident_gets_no_file_from_the_bucket(
    client_as, dsl_other_school, attached
):
    incident, attachment = attached
    response = client_as(dsl_other_school).get(download(incident, attachment))
    assert response.status_code == 404


def test_a_file_gone_from_the_bucket_is_not_found(client_as, teacher, attached, s3_server):
    incident, attachment = attached
    bucket = default_storage.bucket_name
    s3_server.client().delete_object(Bucket=bucket, Key=attachment.stored_name)
    assert client_as(teacher).get(download(incident, attachment)).status_code == 404


def test_the_audit_check_reads_the_seal_of_a_file_in_the_bucket_and_sees_it_changed(
    attached, s3_server
):
    _, attachment = attached
    assert check_records().problems == []
    s3_server.client().put_object(
        Bucket=default_storage.bucket_name, Key=attachment.stored_name, Body=b"something else"
    )
    [problem] = check_records().problems
    assert f"attachment {attachment.pk}" in problem


# Orphans ---------------------------------------------------------------------------------


def test_sweeping_the_bucket_removes_orphans_and_keeps_what_records_name(
    school, attached, s3_server, s3_bucket
):
    _, kept = attached
    store_uploads([upload()], school=school)  # an orphan: no incident names it
    recent = sweep_orphan_files(older_than=datetime.timedelta(hours=24))
    assert (recent.checked, recent.deleted, recent.kept_recent) == (2, 0, 1)
    result = sweep_orphan_files(older_than=datetime.timedelta(0))
    assert (result.checked, result.deleted) == (2, 1)
    assert s3_server.keys(s3_bucket) == [kept.stored_name]


def test_the_sweep_command_runs_on_an_empty_bucket(s3_bucket, db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert "Checked 0 files" in out.getvalue()

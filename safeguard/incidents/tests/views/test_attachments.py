"""Downloading attached files: only for those who may see the incident, only as a download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Attachment
from safeguard.incidents.tests.factories import record_test_incident

NOTE = "Notes from the meeting with Zoë\u2019s mum.".encode()


def uploads(name="meeting notes.txt", data=NOTE):
    return [SimpleUploadedFile(name, data)]


@pytest.fixture
def incident(school, teacher, membership_of):
    return record_test_incident(membership_of(teacher), files=uploads(name="Zoë\u2019s notes.txt"))


@pytest.fixture
def attachment(incident):
    return Attachment.objects.for_school(incident.school).get(incident=incident)


def download_url(incident, attachment) -> str:
    return reverse("incidents:attachment-download", args=[incident.pk, attachment.pk])


def test_the_author_downloads_the_file_they_attached(client_as, teacher, incident, attachment):
    response = client_as(teacher).get(download_url(incident, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == NOTE


def test_a_download_is_always_an_attachment_with_a_safe_filename(
    client_as, teacher, incident, attachment
):
    response = client_as(teacher).get(download_url(incident, attachment))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Zo%C3%AB%E2%80%99s%20notes.txt"
    )


def test_a_quote_in_a_file_name_cannot_break_out_of_the_header(
    client_as, teacher, school, membership_of
):
    incident = record_test_incident(
        membership_of(teacher), files=uploads(name='a"; filename=evil.html; x=".txt')
    )
    file = Attachment.objects.for_school(school).get(incident=incident)
    response = client_as(teacher).get(download_url(incident, file))
    assert response["Content-Disposition"] == (
        'attachment; filename="a\\"; filename=evil.html; x=\\".txt"'
    )


def test_a_download_carries_headers_that_stop_the_browser_running_it(
    client_as, dsl, incident, attachment
):
    response = client_as(dsl).get(download_url(incident, attachment))
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Length"] == str(len(NOTE))


def test_a_download_is_audited(client_as, dsl, incident, attachment):
    client_as(dsl).get(download_url(incident, attachment))
    event = AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_DOWNLOADED).get()
    assert event.actor == dsl
    assert event.target_id == str(attachment.pk)
    assert event.detail == {"incident": incident.pk, "action": None, "pupil": incident.pupil_id}
    assert event.pupil_id == incident.pupil_id


def test_a_dsl_downloads_any_file_in_their_school(client_as, deputy, incident, attachment):
    assert client_as(deputy).get(download_url(incident, attachment)).status_code == 200


def test_staff_not_alerted_to_the_incident_cannot_download_its_file(
    client_as, midday, incident, attachment
):
    assert client_as(midday).get(download_url(incident, attachment)).status_code == 404


def test_a_governor_is_refused_a_download(client_as, governor, incident, attachment):
    assert client_as(governor).get(download_url(incident, attachment)).status_code == 403


def test_another_schools_dsl_cannot_download_the_file(
    client_as, dsl_other_school, incident, attachment
):
    response = client_as(dsl_other_school).get(download_url(incident, attachment))
    assert response.status_code == 404


def test_a_file_from_another_schools_incident_is_not_found_through_ours(
    client_as, dsl, incident, other_school, dsl_other_school, membership_of
):
    theirs = record_test_incident(membership_of(dsl_other_school), files=uploads(name="theirs.txt"))
    their_file = Attachment.objects.for_school(other_school).get(incident=theirs)
    response = client_as(dsl).get(download_url(incident, their_file))
    assert response.status_code == 404


def test_a_file_is_not_found_through_a_different_incident_of_the_same_school(
    client_as, dsl, teacher, membership_of, attachment
):
    other = record_test_incident(membership_of(teacher))
    assert client_as(dsl).get(download_url(other, attachment)).status_code == 404


def test_a_file_missing_from_storage_is_not_found(client_as, dsl, incident, attachment):
    from django.core.files.storage import default_storage

    default_storage.delete(attachment.stored_name)
    assert client_as(dsl).get(download_url(incident, attachment)).status_code == 404


def test_a_download_cannot_be_posted(client_as, dsl, incident, attachment):
    assert client_as(dsl).post(download_url(incident, attachment)).status_code == 405


def test_the_incident_page_lists_the_file_with_a_download_link(
    client_as, teacher, incident, attachment
):
    page = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    html = page.content.decode()
    assert download_url(incident, attachment) in html
    assert "Zoë\u2019s notes.txt" in html
    assert "Text file" in html


def test_the_incident_page_says_when_no_files_were_attached(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    page = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert "No files were attached." in page.content.decode()


def test_a_file_name_with_markup_is_shown_as_text(client_as, teacher, school, membership_of):
    files = uploads(name="<img src=x onerror=alert(1)>.txt")
    incident = record_test_incident(membership_of(teacher), files=files)
    page = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    html = page.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html

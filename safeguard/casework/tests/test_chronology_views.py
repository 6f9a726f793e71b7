"""The chronology page, its printed copy and PDF, and the key event form.

Who may open each page at all is the permission matrix's (tests/test_url_permissions.py);
here: what each does, that each showing is audited against the pupil, and that bad input
is named next to its field with what was typed kept.
"""

import datetime
import io
import time

import pypdf
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from safeguard.accounts.tests.factories import passed_second_factor
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import ChronologyExport, ExportState, KeyEvent
from safeguard.casework.services.key_events import add_key_event
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import category, record_test_incident
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def url(name, pupil):
    return reverse(f"casework:{name}", kwargs={"pupil_id": pupil.pk})


def views_of(pupil, action=AuditAction.CHRONOLOGY_VIEWED):
    return list(AuditEvent.objects.filter(action=action, pupil_id=pupil.pk))


def test_the_pupil_page_links_a_lead_to_the_chronology(client_as, dsl, pupil):
    response = client_as(dsl).get(reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk}))
    assert url("chronology", pupil).encode() in response.content


def test_each_showing_of_the_chronology_is_audited_against_the_pupil(client_as, dsl, pupil):
    client = client_as(dsl)
    assert client.get(url("chronology", pupil)).status_code == 200
    assert client.post(url("chronology", pupil), {"view": "significant"}).status_code == 200
    first, second = views_of(pupil)
    assert first.detail["filters"] == {"view": "full", "order": "newest"}
    assert second.detail["filters"]["view"] == "significant"
    assert first.target_type == "pupil" and first.actor == dsl


def test_the_page_shows_each_entry_as_a_line_that_opens_to_the_record(
    client_as, dsl, teacher, membership_of, pupil
):
    record_test_incident(membership_of(teacher), pupil=pupil, text="Sally was crying.\nDetail.")
    content = client_as(dsl).get(url("chronology", pupil)).content.decode()
    assert '<details class="chronology-entry">' in content
    assert "Sally was crying." in content
    assert "<script" not in content.split("<main", 1)[1]


def test_a_linked_pupils_page_never_names_the_main_pupil(
    client_as, dsl, teacher, membership_of, pupil, school
):
    main = PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Zebedee")
    record_test_incident(
        membership_of(teacher), pupil=main, text="Oscar Zebedee pushed her.", links=[Link(pupil)]
    )
    content = client_as(dsl).get(url("chronology", pupil)).content.decode()
    assert "linked to an incident recorded about another pupil" in content
    assert "Oscar" not in content and "Zebedee" not in content


def test_a_range_that_ends_before_it_starts_is_named_next_to_the_end_date(client_as, dsl, pupil):
    response = client_as(dsl).post(
        url("chronology", pupil), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == [
        "The end date is before the start date (10 Mar 2026): choose an end on or after it."
    ]
    assert b'value="2026-03-01"' in response.content and b'value="2026-03-10"' in response.content
    assert response.context["page"] is None
    assert views_of(pupil)[0].detail["filters"] == "refused"


def test_a_range_of_more_than_25_years_is_refused(client_as, dsl, pupil):
    response = client_as(dsl).post(
        url("chronology", pupil), {"start": "2000-01-01", "end": "2025-01-02"}
    )
    assert response.status_code == 400
    assert "more than 25 years" in response.context["form"].errors["end"][0]


def test_a_date_that_is_not_a_date_is_kept_as_typed(client_as, dsl, pupil):
    response = client_as(dsl).post(url("chronology", pupil), {"start": "31/02/2026"})
    assert response.status_code == 400
    assert "real date" in response.context["form"].errors["start"][0]
    assert b'value="31/02/2026"' in response.content


def test_another_schools_category_or_person_is_not_a_valid_choice(
    client_as, dsl, pupil, other_school, dsl_other_school
):
    theirs = category(other_school, "Safeguarding concern")
    response = client_as(dsl).post(url("chronology", pupil), {"category": theirs.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["category"][0]


def test_the_filters_never_reach_the_address(client_as, dsl, pupil):
    response = client_as(dsl).get(url("chronology", pupil))
    assert b'<form method="post" action="' + url("chronology", pupil).encode() in response.content


def test_the_printed_copy_is_audited_and_says_what_it_shows(
    client_as, dsl, teacher, membership_of, pupil
):
    record_test_incident(membership_of(teacher), pupil=pupil)
    response = client_as(dsl).post(url("chronology-print", pupil), {"entry_type": "incident"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Confidential — child protection" in content
    assert "Generated by" in content
    assert f'href="#year-{clock.localdate().year}"' in content  # the contents by year
    [printed] = views_of(pupil, AuditAction.CHRONOLOGY_PRINTED)
    assert printed.detail["filters"]["type"] == "incident"


def ask_for_pdf(client, pupil, capture, data=None):
    """Ask for the PDF as the page's button does; the worker (run inline here) makes it.
    Returns the answer to the request and the export it made."""
    with capture(execute=True):
        response = client.post(url("chronology-pdf", pupil), data or {})
    export = (
        ChronologyExport.objects.for_school(pupil.school)
        .filter(pupil=pupil)
        .order_by("-pk")
        .first()
    )
    return response, export


def export_url(name, export):
    return reverse(f"casework:{name}", kwargs={"pupil_id": export.pupil_id, "export_id": export.pk})


def test_asking_for_the_pdf_opens_its_page_which_offers_it_once_ready(
    client_as, dsl, teacher, membership_of, pupil, django_capture_on_commit_callbacks
):
    record_test_incident(membership_of(teacher), pupil=pupil)
    client = client_as(dsl)
    response, export = ask_for_pdf(client, pupil, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == export_url("chronology-pdf-status", export)
    assert export.requested_by == dsl and export.form_data["view"] == ""
    page = client.get(response["Location"]).content.decode()
    assert "Ready" in page and "Download PDF" in page and "1 entry" in page
    assert views_of(pupil, AuditAction.CHRONOLOGY_DOWNLOADED) == []  # nothing shown yet


def test_the_pdf_is_downloaded_once_audited_and_named_without_the_child(
    client_as, dsl, teacher, membership_of, pupil, django_capture_on_commit_callbacks
):
    record_test_incident(membership_of(teacher), pupil=pupil)
    client = client_as(dsl)
    _, export = ask_for_pdf(
        client, pupil, django_capture_on_commit_callbacks, {"entry_type": "incident"}
    )
    stored_name = ChronologyExport.objects.for_school(pupil.school).get(pk=export.pk).stored_name
    assert default_storage.exists(stored_name)
    response = client.post(export_url("chronology-pdf-download", export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="chronology-{pupil.pk}.pdf"'
    [downloaded] = views_of(pupil, AuditAction.CHRONOLOGY_DOWNLOADED)
    assert downloaded.detail["filters"]["type"] == "incident"
    assert downloaded.detail["export"] == export.pk
    assert not default_storage.exists(stored_name)  # deleted once downloaded
    again = client.post(export_url("chronology-pdf-download", export))
    assert again["Content-Type"].startswith("text/html")
    assert "Downloaded." in again.content.decode()
    assert len(views_of(pupil, AuditAction.CHRONOLOGY_DOWNLOADED)) == 1


def test_the_pdf_reads_back_with_its_headings_pages_filters_and_entries(
    client_as, dsl, teacher, membership_of, pupil, django_capture_on_commit_callbacks
):
    record_test_incident(membership_of(teacher), pupil=pupil, text="Sally was crying.")
    client = client_as(dsl)
    _, export = ask_for_pdf(client, pupil, django_capture_on_commit_callbacks, {"order": "oldest"})
    response = client.post(export_url("chronology-pdf-download", export))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Confidential — child protection" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Sally was crying." in text and "Generated by" in text
    assert "Oldest first" in text  # the filters applied, on the first page
    assert "Contents" in text and str(clock.localdate().year) in text


def test_only_the_lead_who_asked_sees_or_downloads_the_pdf(
    client_as, dsl, deputy, pupil, django_capture_on_commit_callbacks
):
    _, export = ask_for_pdf(client_as(dsl), pupil, django_capture_on_commit_callbacks)
    other = client_as(deputy)
    assert other.get(export_url("chronology-pdf-status", export)).status_code == 404
    assert other.post(export_url("chronology-pdf-download", export)).status_code == 404
    someone_else = PupilFactory(school=pupil.school)
    wrong_pupil = reverse(
        "casework:chronology-pdf-status",
        kwargs={"pupil_id": someone_else.pk, "export_id": export.pk},
    )
    assert client_as(dsl).get(wrong_pupil).status_code == 404


def test_a_pdf_still_being_prepared_says_so_and_asks_again(client_as, dsl, pupil):
    client = client_as(dsl)
    response = client.post(url("chronology-pdf", pupil), {})  # not committed: not made yet
    export = ChronologyExport.objects.for_school(pupil.school).get(pupil=pupil)
    page = client.get(response["Location"]).content.decode()
    assert "Being prepared" in page and 'hx-trigger="every 2s"' in page
    refused = client.post(export_url("chronology-pdf-download", export))
    assert "Being prepared" in refused.content.decode()
    assert views_of(pupil, AuditAction.CHRONOLOGY_DOWNLOADED) == []


def test_a_pdf_whose_making_fails_or_stalls_says_so(client_as, dsl, pupil, monkeypatch):
    from safeguard.casework.chronology import exports

    client = client_as(dsl)
    client.post(url("chronology-pdf", pupil), {})
    export = ChronologyExport.objects.for_school(pupil.school).get(pupil=pupil)
    status_url = export_url("chronology-pdf-status", export)
    with time_machine.travel(clock.now() + exports.STALE + datetime.timedelta(minutes=1)):
        assert "could not be prepared" in client.get(status_url).content.decode()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "chronology_pdf_bytes", broken)
    assert exports.prepare(export_id=export.pk, school_id=export.school_id) == "failed"
    assert (
        ChronologyExport.objects.for_school(pupil.school).get(pk=export.pk).state
        == ExportState.FAILED
    )
    assert "could not be prepared" in client.get(status_url).content.decode()


def test_an_unfetched_pdf_is_deleted_when_it_expires(
    client_as, dsl, membership_of, pupil, django_capture_on_commit_callbacks
):
    from safeguard.casework.chronology.exports import request_pdf

    client = client_as(dsl)
    _, export = ask_for_pdf(client, pupil, django_capture_on_commit_callbacks)
    stored_name = ChronologyExport.objects.for_school(pupil.school).get(pk=export.pk).stored_name
    later = clock.now() + datetime.timedelta(hours=1, minutes=1)
    with time_machine.travel(later):  # an hour on, the next request clears it
        request_pdf(membership=membership_of(dsl), pupil=pupil, data={})
    assert not ChronologyExport.objects.for_school(pupil.school).filter(pk=export.pk).exists()
    assert not default_storage.exists(stored_name)


def test_a_pdf_with_bad_filters_shows_the_page_with_the_problem(client_as, dsl, pupil):
    response = client_as(dsl).post(
        url("chronology-pdf", pupil), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    assert not ChronologyExport.objects.for_school(pupil.school).filter(pupil=pupil).exists()


@pytest.mark.parametrize("name", ["chronology-print", "chronology-pdf"])
def test_printing_and_pdfs_are_posted_only(client_as, dsl, pupil, name):
    assert client_as(dsl).get(url(name, pupil)).status_code == 405


@pytest.mark.parametrize("name", ["chronology-print", "chronology-pdf"])
def test_printing_and_pdfs_ask_for_the_second_factor_again_after_a_while(client, dsl, pupil, name):
    client.force_login(dsl)
    passed_second_factor(client, dsl, at=time.time() - 3600)
    response = client.post(url(name, pupil), {})
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "reauthenticate" in response["Location"]
    assert views_of(pupil, AuditAction.CHRONOLOGY_PRINTED) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("9990-01-01", "9990-01-02"), ("2020-01-01", "9999-12-31"), ("1066-10-14", "")],
)
def test_a_filter_date_out_of_range_is_a_message_not_a_500(client_as, dsl, pupil, start, end):
    for name in ("chronology", "chronology-print", "chronology-pdf"):
        response = client_as(dsl).post(url(name, pupil), {"start": start, "end": end})
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "between 1 Jan 1900" in " ".join(errors.get("start", []) + errors.get("end", []))
        assert start in response.content.decode()  # what was typed is kept


def test_a_lead_adds_a_key_event_and_returns_to_the_chronology(client_as, dsl, pupil, school):
    response = client_as(dsl).post(
        url("key-event-add", pupil),
        {
            "kind": "section_47",
            "happened_on": clock.localdate().isoformat(),
            "summary": "Section 47 enquiry opened by the LA.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("chronology", pupil)
    [event] = KeyEvent.objects.for_school(school)
    assert event.summary == "Section 47 enquiry opened by the LA."


def test_a_key_event_in_the_future_is_named_next_to_its_date_with_the_rest_kept(
    client_as, dsl, pupil, school
):
    tomorrow = (clock.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_as(dsl).post(
        url("key-event-add", pupil),
        {"kind": "moved_school", "happened_on": tomorrow, "summary": "Moved to Fernhill."},
    )
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["happened_on"][0]
        .startswith("A key event can't be in the future")
    )
    assert b"Moved to Fernhill." in response.content
    assert tomorrow.encode() in response.content
    assert not KeyEvent.objects.for_school(school).exists()


def test_a_key_event_shows_in_the_significant_view(client_as, dsl, membership_of, pupil):
    add_key_event(
        membership=membership_of(dsl),
        pupil=pupil,
        kind="looked_after",
        happened_on=clock.localdate(),
        summary="Placed with foster carers.",
    )
    response = client_as(dsl).post(url("chronology", pupil), {"view": "significant"})
    assert b"Placed with foster carers." in response.content


def test_the_printed_copy_draws_the_body_map_of_the_pupils_own_incidents_only(
    client_as, dsl, teacher, membership_of, pupil, school
):
    from safeguard.incidents.services import bodymap

    bruise = [bodymap.Mark(side="front", x=500, y=300, mark_type="bruise", colour="Purple")]
    own = record_test_incident(membership_of(teacher), pupil=pupil, marks=bruise)
    other = PupilFactory(school=school)
    record_test_incident(membership_of(teacher), pupil=other, marks=bruise, links=[Link(pupil)])
    page = client_as(dsl).post(url("chronology-print", pupil), {}).content.decode()
    content = page.split("<main", 1)[1]
    assert content.count("<svg") == 2  # front and back of the one body map
    assert f'id="bodymap-{own.reference}"' in content
    assert "Purple" in content
    # The page itself links to the incident for it instead.
    assert (
        "<svg"
        not in client_as(dsl).get(url("chronology", pupil)).content.decode().split("<main", 1)[1]
    )

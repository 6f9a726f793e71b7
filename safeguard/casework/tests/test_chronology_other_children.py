"""What a chronology says of other children: named by first name and initial, a move's
reason (which names the child it was wrongly filed under) left to the incident page, and a
review made before a lead moved the incident never read as decided about the new pupil."""

import io

import pypdf
import pytest
from django.urls import reverse

from safeguard.casework.chronology.entries import EntryType
from safeguard.casework.chronology.selectors import Filters, chronology_page
from safeguard.casework.tests.factories import decision, review
from safeguard.casework.tests.test_chronology_views import ask_for_pdf, export_url
from safeguard.incidents.models import LinkRole
from safeguard.incidents.services import corrections
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def oscar(school):
    return PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Zebedee")


def pdf_text(client, pupil, capture):
    """The text of the chronology's PDF, asked for, made by the worker and downloaded."""
    _, export = ask_for_pdf(client, pupil, capture)
    response = client.post(export_url("chronology-pdf-download", export))
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return "\n".join(page.extract_text() for page in pages)


def url(name, pupil):
    return reverse(f"casework:{name}", kwargs={"pupil_id": pupil.pk})


@pytest.mark.parametrize("name", ["chronology", "chronology-print", "chronology-pdf"])
def test_a_linked_child_is_named_by_first_name_and_initial(
    client_as, dsl, teacher, membership_of, sally, oscar, name, django_capture_on_commit_callbacks
):
    record_test_incident(
        membership_of(teacher),
        pupil=sally,
        text="Sally was upset at break.",
        links=[Link(oscar, LinkRole.ALLEGED)],
    )
    client = client_as(dsl)
    if name == "chronology-pdf":
        content = pdf_text(client, sally, django_capture_on_commit_callbacks)
    else:
        response = client.post(url(name, sally))
        assert response.status_code == 200
        content = response.content.decode()
    assert "Oscar Z." in content
    assert "Zebedee" not in content


def test_a_moves_reason_is_not_shown_in_the_chronology(
    client_as, dsl, lead, teacher, membership_of, sally, oscar
):
    incident = record_test_incident(membership_of(teacher), pupil=oscar, text="Pushed in line.")
    corrections.move_to_pupil(
        membership=lead,
        incident=incident,
        pupil=sally,
        reason="Recorded on Oscar Zebedee by mistake.",
    )
    for name in ("chronology", "chronology-print"):
        content = client_as(dsl).post(url(name, sally)).content.decode()
        assert "Filed under this pupil by a lead" in content
        assert "by mistake" not in content and "Zebedee" not in content


def test_reviews_made_before_a_move_are_not_decisions_about_the_new_pupil(
    lead, teacher, membership_of, sally, oscar, school
):
    incident = record_test_incident(membership_of(teacher), pupil=oscar)
    before = review(
        lead,
        incident,
        risk_level="high",
        decision=decision(school, "Referral to children's social care"),
        rationale="Oscar's home situation.",
        is_significant=True,
        significance_summary="Oscar referred to social care.",
    )
    corrections.move_to_pupil(
        membership=lead, incident=incident, pupil=sally, reason="Wrong child."
    )
    sallys = chronology_page(membership=lead, pupil=sally, filters=Filters())
    assert (EntryType.REVIEW, before.pk) not in [(e.type, e.pk) for e in sallys.rows]
    [entry] = [e for e in sallys.rows if e.type == EntryType.INCIDENT]
    # Its risk and significance were set about Oscar: not Sally's until a lead reviews it again.
    assert entry.facts["risk"] == "" and entry.is_significant is False
    assert (
        chronology_page(membership=lead, pupil=sally, filters=Filters(significant_only=True)).rows
        == []
    )
    assert (
        chronology_page(membership=lead, pupil=sally, filters=Filters(risk_level="high")).rows == []
    )
    decisions = Filters(entry_type="decision")
    assert chronology_page(membership=lead, pupil=sally, filters=decisions).rows == []

    after = review(
        lead,
        incident,
        risk_level="medium",
        risk_reason="Reviewed again for Sally.",
        decision=decision(school, "Monitor"),
        rationale="Watch at break times.",
    )
    sallys = chronology_page(membership=lead, pupil=sally, filters=Filters())
    reviews = [e.pk for e in sallys.rows if e.type == EntryType.REVIEW]
    assert reviews == [after.pk]
    [entry] = [e for e in sallys.rows if e.type == EntryType.INCIDENT]
    assert entry.facts["risk"] == "Medium"
    assert [
        e.pk for e in chronology_page(membership=lead, pupil=sally, filters=decisions).rows
    ] == [after.pk]

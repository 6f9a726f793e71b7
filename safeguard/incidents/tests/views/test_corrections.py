"""The correction pages and "Report a mistake to the DSL", as staff use them."""

import pytest
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import (
    Alert,
    AlertReason,
    CorrectionKind,
    Incident,
    IncidentCorrection,
    IncidentReview,
)
from safeguard.incidents.tests.factories import category, record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

CORRECTIONS = [
    "incident-recategorise",
    "incident-move",
    "incident-withdraw",
    "incident-status",
    "incident-keep-with-leads",
]


@pytest.fixture
def incident(teacher, membership_of):
    return record_test_incident(membership_of(teacher))


def url(name: str, incident) -> str:
    return reverse(f"incidents:{name}", args=[incident.pk])


def detail(incident) -> str:
    return reverse("incidents:incident-detail", args=[incident.pk])


def review_of(incident) -> IncidentReview:
    return IncidentReview.objects.for_school(incident.school).get(incident=incident)


# Who may correct -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORRECTIONS)
@pytest.mark.parametrize("role", [Role.TEACHER, Role.SLT])
def test_staff_who_are_not_leads_are_refused_every_correction(
    name, role, persona, client_as, incident
):
    response = client_as(persona(role)).post(url(name, incident), {"reason": "x"})
    assert response.status_code == 403
    assert not IncidentCorrection.objects.for_school(incident.school).exists()


def test_the_author_cannot_post_a_status_change(client_as, teacher, incident):
    response = client_as(teacher).post(
        url("incident-status", incident), {"status": "closed", "reason": "Done."}
    )
    assert response.status_code == 403
    assert review_of(incident).status == "new"


@pytest.mark.parametrize("name", CORRECTIONS)
def test_another_schools_dsl_cannot_correct_our_incident(
    name, client_as, dsl_other_school, incident
):
    assert client_as(dsl_other_school).get(url(name, incident)).status_code == 404


# Each correction by a DSL ----------------------------------------------------------------


def test_a_dsl_changes_the_categories(client_as, dsl, school, incident):
    protection = category(school, "Child protection")
    response = client_as(dsl).post(
        url("incident-recategorise", incident),
        {"categories": [protection.pk], "reason": "Disclosure."},
    )
    assert response.status_code == 302
    assert response["Location"] == detail(incident)
    assert list(review_of(incident).categories.all()) == [protection]
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_CORRECTED).count() == 1


def test_the_category_page_offers_restricted_categories_to_a_dsl(client_as, dsl, incident):
    page = client_as(dsl).get(url("incident-recategorise", incident))
    assert "Child protection" in page.content.decode()


def test_a_category_change_without_a_reason_keeps_the_choice_and_says_why(
    client_as, dsl, school, incident
):
    bullying = category(school, "Bullying")
    response = client_as(dsl).post(
        url("incident-recategorise", incident), {"categories": [bullying.pk], "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why: it is kept with the record." in html
    assert f'value="{bullying.pk}"' in html and "checked" in html
    assert list(review_of(incident).categories.all()) != [bullying]


def test_another_schools_category_is_not_a_valid_choice(client_as, dsl, other_school, incident):
    theirs = category(other_school, "Bullying")
    response = client_as(dsl).post(
        url("incident-recategorise", incident), {"categories": [theirs.pk], "reason": "x"}
    )
    assert response.status_code == 400
    assert "Choose categories from the list." in response.content.decode()


def test_a_dsl_finds_the_right_pupil_by_a_posted_search(client_as, dsl, school, incident):
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Marsh")
    response = client_as(dsl).post(url("incident-move", incident), {"search": "marsh"})
    assert response.status_code == 200
    assert "Sally Marsh" in response.content.decode()


def test_a_dsl_moves_the_incident_to_the_right_pupil(client_as, dsl, school, incident):
    right = PupilFactory(school=school)
    response = client_as(dsl).post(
        url("incident-move", incident),
        {"step": "move", "search": right.legal_last_name, "pupil": right.pk, "reason": "Wrong."},
    )
    assert response.status_code == 302
    assert review_of(incident).pupil == right
    assert Incident.objects.for_school(school).get(pk=incident.pk).pupil_id == incident.pupil_id


def test_moving_to_another_schools_pupil_is_refused(client_as, dsl, other_school, incident):
    theirs = PupilFactory(school=other_school)
    response = client_as(dsl).post(
        url("incident-move", incident),
        {"step": "move", "search": "x", "pupil": theirs.pk, "reason": "Wrong."},
    )
    assert response.status_code == 400
    assert "Choose a pupil from your school." in response.content.decode()
    assert review_of(incident).pupil_id == incident.pupil_id


def test_a_search_never_lists_another_schools_pupil(client_as, dsl, other_school, incident):
    PupilFactory(school=other_school, legal_last_name="Elsewhere")
    response = client_as(dsl).post(url("incident-move", incident), {"search": "Elsewhere"})
    assert "No other pupil matches that name." in response.content.decode()


def test_a_dsl_withdraws_a_record(client_as, dsl, incident):
    response = client_as(dsl).post(url("incident-withdraw", incident), {"reason": "Wrong child."})
    assert response.status_code == 302
    assert review_of(incident).is_withdrawn


def test_the_author_still_sees_a_withdrawn_record_with_its_notice(
    client_as, dsl, teacher, incident
):
    client_as(dsl).post(url("incident-withdraw", incident), {"reason": "Wrong child."})
    page = client_as(teacher).get(detail(incident))
    assert page.status_code == 200
    assert "A DSL withdrew this record" in page.content.decode()


def test_a_dsl_sets_the_status_from_the_incident_page(client_as, dsl, incident):
    response = client_as(dsl).post(
        url("incident-status", incident), {"status": "monitoring", "reason": "Watch and wait."}
    )
    assert response.status_code == 302
    assert review_of(incident).status == "monitoring"
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_STATUS_CHANGED).count() == 1


def test_a_status_change_without_a_reason_is_shown_again_with_the_message(client_as, dsl, incident):
    response = client_as(dsl).post(url("incident-status", incident), {"status": "closed"})
    assert response.status_code == 400
    assert "Say why: it is kept with the record." in response.content.decode()
    assert review_of(incident).status == "new"


def test_the_history_of_corrections_shows_each_change(client_as, dsl, school, incident):
    client = client_as(dsl)
    client.post(
        url("incident-recategorise", incident),
        {"categories": [category(school, "Bullying").pk], "reason": "It was bullying."},
    )
    client.post(url("incident-status", incident), {"status": "open", "reason": "Looking into it."})
    html = client.get(detail(incident)).content.decode()
    assert "Safeguarding concern → Bullying" in html
    assert "Awaiting DSL review → Open" in html
    assert "It was bullying." in html


def test_the_correction_panel_is_shown_to_leads_only(client_as, dsl, teacher, incident):
    assert "Correct this record" in client_as(dsl).get(detail(incident)).content.decode()
    teacher_page = client_as(teacher).get(detail(incident)).content.decode()
    assert "Correct this record" not in teacher_page
    assert url("incident-report-mistake", incident) in teacher_page


def test_a_dsl_keeps_the_incident_with_the_leads_and_releases_it_from_its_page(
    client_as, dsl, incident
):
    client = client_as(dsl)
    page = client.get(detail(incident)).content.decode()
    assert "Keep with the leads" in page
    form = client.get(url("incident-keep-with-leads", incident))
    assert form.status_code == 200
    assert 'name="keep" value="yes"' in form.content.decode()
    response = client.post(
        url("incident-keep-with-leads", incident), {"keep": "yes", "reason": "Police asked."}
    )
    assert response.status_code == 302
    assert review_of(incident).is_kept_with_leads
    page = client.get(detail(incident)).content.decode()
    assert "Kept with the leads" in page and "Police asked." in page
    assert "Release from the leads" in page
    assert 'name="keep" value="no"' in client.get(url("incident-keep-with-leads", incident)).text
    response = client.post(
        url("incident-keep-with-leads", incident), {"keep": "no", "reason": "Case closed."}
    )
    assert response.status_code == 302
    assert not review_of(incident).is_kept_with_leads
    html = client.get(detail(incident)).content.decode()
    assert "Released from the leads" in html and "Case closed." in html


def test_keeping_with_the_leads_without_a_reason_is_shown_again_with_the_message(
    client_as, dsl, incident
):
    response = client_as(dsl).post(url("incident-keep-with-leads", incident), {"keep": "yes"})
    assert response.status_code == 400
    assert "Say why: it is kept with the record." in response.content.decode()
    assert not review_of(incident).is_kept_with_leads


def test_a_page_left_open_cannot_undo_another_leads_keeping(client_as, dsl, deputy, incident):
    client_as(deputy).post(
        url("incident-keep-with-leads", incident), {"keep": "yes", "reason": "Police asked."}
    )
    response = client_as(dsl).post(
        url("incident-keep-with-leads", incident), {"keep": "yes", "reason": "Me too."}
    )
    assert response.status_code == 400
    assert "already kept with the leads" in response.content.decode()
    assert IncidentCorrection.objects.for_school(incident.school).count() == 1


# Report a mistake ------------------------------------------------------------------------


def test_the_author_reports_a_mistake_and_the_dsls_are_alerted(
    client_as, teacher, dsl, deputy, incident
):
    before = Incident.objects.for_school(incident.school).filter(pk=incident.pk).values().get()
    response = client_as(teacher).post(
        url("incident-report-mistake", incident), {"note": "I picked the wrong Sally."}
    )
    assert response.status_code == 302
    alerted = Alert.objects.for_school(incident.school).filter(reason=AlertReason.MISTAKE)
    assert {a.recipient for a in alerted} == {dsl, deputy}
    after = Incident.objects.for_school(incident.school).filter(pk=incident.pk).values().get()
    assert after == before
    assert AuditEvent.objects.filter(action=AuditAction.MISTAKE_REPORTED).count() == 1


def test_a_dsl_sees_the_authors_note_in_the_history(client_as, teacher, dsl, incident):
    client_as(teacher).post(
        url("incident-report-mistake", incident), {"note": "I picked the wrong Sally."}
    )
    correction = IncidentCorrection.objects.for_school(incident.school).get()
    assert correction.kind == CorrectionKind.MISTAKE_REPORTED
    assert "I picked the wrong Sally." in client_as(dsl).get(detail(incident)).content.decode()


def test_an_empty_mistake_report_is_refused_with_a_message(client_as, teacher, incident):
    response = client_as(teacher).post(url("incident-report-mistake", incident), {"note": " "})
    assert response.status_code == 400
    assert "Say what is wrong, so the DSL can put it right." in response.content.decode()


def test_a_mistake_report_over_2000_characters_keeps_the_text(client_as, teacher, incident):
    note = "a" * 2001
    response = client_as(teacher).post(url("incident-report-mistake", incident), {"note": note})
    assert response.status_code == 400
    assert "Keep this to 2,000 characters." in response.content.decode()
    assert note in response.content.decode()


def test_staff_who_cannot_see_the_incident_cannot_report_a_mistake(client_as, midday, incident):
    response = client_as(midday).post(url("incident-report-mistake", incident), {"note": "x"})
    assert response.status_code == 404


def test_a_governor_cannot_report_a_mistake(client_as, governor, incident):
    response = client_as(governor).post(url("incident-report-mistake", incident), {"note": "x"})
    assert response.status_code == 403

import pytest
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _log(client, pupil):
    return client.get(reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk}))


def test_dsl_sees_each_member_of_staff_who_opened_the_pupils_record(client_as, school, dsl, deputy):
    pupil = PupilFactory(school=school)
    client_as(deputy).get(reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk}))
    client_as(dsl).get(reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk}))
    response = _log(client_as(dsl), pupil)
    assert response.status_code == 200
    rows = response.context["rows"]
    # Each visit to the pupil page is its own view of the record, and, for the leads, of the
    # profile and the chronology's latest entries shown on it: newest visit first.
    actors = [row["event"].actor for row in rows]
    assert [a for i, a in enumerate(actors) if i == 0 or actors[i - 1] != a] == [dsl, deputy]
    assert {row["event"].action for row in rows if row["event"].actor == dsl} == {
        "pupil_viewed",
        "profile_viewed",
        "chronology_viewed",
    }
    assert {row["subject"].label for row in rows} == {"Pupil record"}
    assert b"deputy@larkspur.example" in response.content


def test_views_of_the_pupils_incidents_are_listed_with_the_incident(
    client_as, school, dsl, teacher, membership_of
):
    pupil = PupilFactory(school=school)
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    response = _log(client_as(dsl), pupil)
    [row] = response.context["rows"]
    assert row["event"].actor == teacher
    assert row["event"].action == AuditAction.INCIDENT_VIEWED
    assert row["subject"].label == f"Incident {incident.reference}"
    assert row["role"] == "Teacher"


def test_another_pupils_views_are_not_listed(client_as, school, dsl):
    pupil, other = PupilFactory(school=school), PupilFactory(school=school)
    client_as(dsl).get(reverse("pupils:pupil-detail", kwargs={"pupil_id": other.pk}))
    assert list(_log(client_as(dsl), pupil).context["rows"]) == []


def test_the_role_shown_is_the_one_held_when_the_record_was_opened(
    client_as, school, dsl, persona, membership_of
):
    promoted = persona(Role.TEACHER)
    pupil = PupilFactory(school=school)
    record(actor=promoted, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    change_role(changed_by=dsl, membership=membership_of(promoted), role=Role.DEPUTY_DSL)
    [row] = _log(client_as(dsl), pupil).context["rows"]
    assert row["role"] == "Teacher"


def test_the_access_log_is_paginated_fifty_to_a_page(client_as, school, dsl):
    pupil = PupilFactory(school=school)
    for _ in range(51):
        record(actor=dsl, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    client = client_as(dsl)
    first = _log(client, pupil).context
    assert len(first["rows"]) == 50
    url = reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk})
    second = client.get(url, {"older": first["page"].older})  # the "Older" link
    assert len(second.context["rows"]) == 1
    assert f'?newer={second.context["page"].newer}" rel="prev">Newer' in second.text


def test_reading_the_access_log_is_audited(client_as, school, dsl):
    pupil = PupilFactory(school=school)
    _log(client_as(dsl), pupil)
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_VIEWED)
    assert (event.actor, event.school, event.pupil_id) == (dsl, school, pupil.pk)


def test_reading_the_access_log_does_not_list_itself(client_as, school, dsl):
    pupil = PupilFactory(school=school)
    client = client_as(dsl)
    _log(client, pupil)
    assert list(_log(client, pupil).context["rows"]) == []


def test_the_pupil_page_links_the_dsl_to_the_access_log(client_as, school, dsl):
    pupil = PupilFactory(school=school)
    response = client_as(dsl).get(reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk}))
    assert reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk}).encode() in response.content


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SLT, Role.GOVERNOR, Role.MIDDAY])
def test_staff_other_than_the_safeguarding_leads_are_refused(client_as, persona, school, role):
    pupil = PupilFactory(school=school)
    assert _log(client_as(persona(role)), pupil).status_code == 403


def test_another_schools_pupil_is_not_found(client_as, dsl, other_school):
    assert _log(client_as(dsl), PupilFactory(school=other_school)).status_code == 404


def test_downloads_of_files_on_the_pupils_incidents_are_listed(
    client_as, school, dsl, teacher, membership_of
):
    from safeguard.incidents.models import Attachment

    pupil = PupilFactory(school=school)
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    attachment = Attachment.objects.create(
        school=school,
        incident=incident,
        uploaded_by=teacher,
        stored_name="a1b2c3",
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
    )
    record(
        actor=teacher,
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        school=school,
        target=attachment,
        detail={"incident": incident.pk},
    )
    [row] = _log(client_as(dsl), pupil).context["rows"]
    assert row["subject"].label == f"File on incident {incident.reference}"


def test_views_of_an_incident_naming_the_pupil_as_another_child_involved_are_listed(
    client_as, school, dsl, teacher, membership_of
):
    from safeguard.incidents.models import LinkedPupil

    involved = PupilFactory(school=school)
    incident = record_test_incident(membership_of(teacher))
    LinkedPupil.objects.create(school=school, incident=incident, pupil=involved)
    client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    [row] = _log(client_as(dsl), involved).context["rows"]
    assert row["event"].target_id == str(incident.pk)


def test_each_showing_print_and_download_of_the_chronology_is_in_the_access_log(
    client_as, school, dsl, deputy
):
    pupil = PupilFactory(school=school)
    chronology = reverse("casework:chronology", kwargs={"pupil_id": pupil.pk})
    client_as(deputy).get(chronology)
    client_as(deputy).post(reverse("casework:chronology-print", kwargs={"pupil_id": pupil.pk}))
    rows = _log(client_as(dsl), pupil).context["rows"]
    assert [row["event"].action for row in rows] == [
        AuditAction.CHRONOLOGY_PRINTED,
        AuditAction.CHRONOLOGY_VIEWED,
    ]
    assert {row["event"].actor for row in rows} == {deputy}

"""The printable incident: the whole record on paper, for those who may see it, audited."""

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.services.bodymap import Mark
from safeguard.incidents.tests.factories import record_test_incident


@pytest.fixture
def incident(teacher, membership_of):
    return record_test_incident(
        membership_of(teacher),
        text="Sally said <b>her uncle</b> hurt her arm.",
        location="Playground",
        marks=[Mark(side="front", x=300, y=400, mark_type="bruise", note="Size of a coin")],
    )


def print_url(incident) -> str:
    return reverse("incidents:incident-print", args=[incident.pk])


def test_the_author_prints_the_whole_incident(client_as, teacher, incident):
    response = client_as(teacher).get(print_url(incident))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sally said &lt;b&gt;her uncle&lt;/b&gt; hurt her arm." in html
    assert "Playground" in html
    assert "Confidential: safeguarding record. Printed by" in html


def test_printing_is_audited(client_as, dsl, incident):
    client_as(dsl).get(print_url(incident))
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_PRINTED)
    assert (event.actor, event.target_id) == (dsl, str(incident.pk))
    assert event.detail == {"pupil": incident.pupil_id}


def test_staff_who_may_not_see_the_incident_cannot_print_it(client_as, midday, incident):
    assert client_as(midday).get(print_url(incident)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.INCIDENT_PRINTED).exists()


def test_a_governor_cannot_print_an_incident(client_as, governor, incident):
    assert client_as(governor).get(print_url(incident)).status_code == 403


def test_another_schools_dsl_cannot_print_the_incident(client_as, dsl_other_school, incident):
    assert client_as(dsl_other_school).get(print_url(incident)).status_code == 404


def test_the_print_view_lists_actions_and_files(client_as, dsl, incident):
    html = client_as(dsl).get(print_url(incident)).content.decode()
    assert "No actions recorded yet." in html
    assert "No files were attached." in html

"""Fixtures of the hostile-input modules: a pupil, another school's people and records,
and an incident submitted through the views."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.incidents.models import Attachment, Incident
from safeguard.incidents.tests.factories import CategoryFactory, record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile import files
from tests.hostile.helpers import ADD, action_data, incident_data, membership


@pytest.fixture
def pupil(school) -> Pupil:
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def elsewhere(other_school, dsl_other_school):
    """The other school's people and records, with names that must never show here."""
    pupil = PupilFactory(
        school=other_school, legal_first_name="Zebedee", legal_last_name="Quartermaine"
    )
    colleague = member(
        other_school, Role.TEACHER, first_name="Xanthe", last_name="Faraway", email="x@fern.example"
    )
    group = StaffGroup.objects.create(school=other_school, name="Fernhill Zephyr Team")
    group.members.add(membership(colleague, other_school))
    cat = CategoryFactory(school=other_school, name="Fernhill Secret Category")
    incident = record_test_incident(
        membership(dsl_other_school, other_school),
        pupil=pupil,
        text="Fernhill confidential account.",
    )
    return {
        "school": other_school,
        "pupil": pupil,
        "colleague": colleague,
        "membership": membership(colleague, other_school),
        "dsl": dsl_other_school,
        "dsl_membership": membership(dsl_other_school, other_school),
        "group": group,
        "category": cat,
        "incident": incident,
    }


@pytest.fixture
def submitted(dsl, teacher, school, client_as, pupil):
    """An incident with an action and a file, recorded through the views."""
    client = client_as(teacher)
    data = incident_data(school, pupil, files=[files.upload("notes.txt", b"Typed notes.")])
    client.post(ADD, data)
    incident = Incident.objects.for_school(school).get(submit_key=data["submit_key"])
    added = client.post(reverse("incidents:action-add", args=[incident.pk]), action_data())
    assert added.status_code == 302
    attachment = Attachment.objects.for_school(school).get(incident=incident)
    return {"incident_id": incident.pk, "attachment_id": attachment.pk}

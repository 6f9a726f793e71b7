"""A task's due date reads the same in the follow-up form, "Your tasks" and the incident page."""

import datetime

import pytest
from django.urls import reverse

from safeguard.incidents.tests.factories import add_test_action, record_test_incident

pytestmark = pytest.mark.django_db

DUE_ON = datetime.date(2030, 12, 3)


@pytest.fixture
def due_3_december_2030(teacher, slt, membership_of):
    """An assignment for the SLT member, due on a date every format writes differently."""
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    return add_test_action(
        membership_of(teacher),
        incident,
        text="Please meet mum.",
        assigned_to=membership_of(slt),
        due_on=DUE_ON,
    )


@pytest.mark.parametrize(
    "page",
    ["follow-up form", "task list", "incident page"],
)
def test_the_due_date_is_shown_in_the_one_date_format(client_as, slt, due_3_december_2030, page):
    assignment = due_3_december_2030
    url = {
        "follow-up form": reverse("incidents:action-add", args=[assignment.incident_id]),
        "task list": reverse("incidents:assignment-list"),
        "incident page": reverse("incidents:incident-detail", args=[assignment.incident_id]),
    }[page]
    content = client_as(slt).get(url).content.decode()
    assert "3 Dec 2030" in content
    assert "03/12/2030" not in content
    assert "December" not in content

"""A task's due date reads the same in the follow-up form, "Your tasks" and the incident page."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.incidents.services.actions import submit_action
from safeguard.incidents.tests.factories import record_test_incident

pytestmark = pytest.mark.django_db

DUE_ON = datetime.date(2030, 12, 3)


@pytest.fixture
def task(teacher, slt, membership_of):
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    action = submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Please meet mum.",
        occurred_at=timezone.now(),
        assigned_to=membership_of(slt),
        due_on=DUE_ON,
    ).record
    return action


@pytest.mark.parametrize(
    "page",
    ["follow-up form", "task list", "incident page"],
)
def test_the_due_date_is_shown_in_the_one_date_format(client_as, slt, task, page):
    url = {
        "follow-up form": reverse("incidents:action-add", args=[task.incident_id]),
        "task list": reverse("incidents:assignment-list"),
        "incident page": reverse("incidents:incident-detail", args=[task.incident_id]),
    }[page]
    content = client_as(slt).get(url).content.decode()
    assert "3 Dec 2030" in content
    assert "03/12/2030" not in content
    assert "December" not in content

"""An incident submitted just as the session times out is kept as a draft, never lost."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from safeguard.incidents.models import Draft, Incident
from safeguard.incidents.tests.test_recording_views import SALLY_TEXT, form_data
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def test_a_submit_after_the_idle_limit_is_kept_as_the_authors_draft(
    client_as, midday, school, sally
):
    client = client_as(midday)
    client.get(reverse("incidents:incident-add"))
    data = form_data(school, sally)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=25)):
        response = client.post(reverse("incidents:incident-add"), data)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Incident.objects.for_school(school).exists()
    draft = Draft.objects.for_school(school).get(author=midday)
    assert str(draft.submit_key) == data["submit_key"]
    assert draft.data["text"] == [SALLY_TEXT]
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "kept as a draft" in said


def test_an_idle_timeout_on_another_page_keeps_nothing_and_says_so_honestly(
    client_as, midday, school
):
    client = client_as(midday)
    client.get(reverse("dashboard"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=25)):
        response = client.get(reverse("incidents:incident-list"))
    assert not Draft.objects.for_school(school).exists()
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "20 minutes without activity" in said
    assert "kept as a draft" not in said

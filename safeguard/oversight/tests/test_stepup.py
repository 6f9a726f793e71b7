"""Reading or exporting the audit trail needs a fresh second factor."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

AUDIT_PAGES = ["audit:trail", "audit:export"]


@pytest.mark.parametrize("name", AUDIT_PAGES)
def test_audit_trail_asks_for_the_second_factor_again_after_ten_minutes(client_as, dsl, name):
    client = client_as(dsl)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.get(reverse(name))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]


@pytest.mark.parametrize("name", AUDIT_PAGES)
def test_audit_trail_opens_straight_after_a_second_factor_check(client_as, dsl, name):
    assert client_as(dsl).get(reverse(name)).status_code == 200


def test_pupil_access_log_asks_again_after_ten_minutes(client_as, dsl, school):
    from safeguard.pupils.tests.factories import PupilFactory

    pupil = PupilFactory(school=school)
    client = client_as(dsl)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.get(reverse("audit:pupil-access", args=[pupil.pk]))
    assert "reauthenticate" in response["Location"]

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_signed_in_persons_refusal_is_logged_without_names(client_as, teacher, caplog):
    missing = reverse("incidents:incident-detail", args=[424242])
    with caplog.at_level(logging.WARNING, logger="safeguard.security"):
        client_as(teacher).get(missing)
        client_as(teacher).get(reverse("school:staff-list"))
    lines = [r.getMessage() for r in caplog.records if r.name == "safeguard.security"]
    assert any("status=404" in line and missing in line for line in lines)
    assert any("status=403" in line and f"user={teacher.pk}" in line for line in lines)
    assert not any(teacher.email in line or teacher.last_name in line for line in lines)


def test_a_log_line_cannot_be_forged_through_the_path(client_as, teacher, caplog):
    with caplog.at_level(logging.WARNING, logger="safeguard.security"):
        client_as(teacher).get("/incidents/1/%0Afake%20line")
    lines = [r.getMessage() for r in caplog.records if r.name == "safeguard.security"]
    assert lines and all("\n" not in line for line in lines)


def test_signed_out_visitors_are_not_logged_as_refusals(client, caplog):
    with caplog.at_level(logging.WARNING, logger="safeguard.security"):
        client.get("/no-such-page/")
    assert not [r for r in caplog.records if r.name == "safeguard.security"]

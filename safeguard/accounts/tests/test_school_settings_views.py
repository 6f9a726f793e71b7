"""The school details screen."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import School
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Larkspur Primary School",
    "urn": "1234567",
    "email_domains": "@Larkspur.sch.uk  larkspur-trust.org",
    "idle_timeout_minutes": "15",
    "mfa_required_for_all": "on",
}


def test_saving_school_details_updates_and_audits_them(school, dsl, client_as):
    response = client_as(dsl).post(reverse("school:school-settings"), VALID)

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.name == "Larkspur Primary School"
    assert school.email_domains == "larkspur.sch.uk, larkspur-trust.org"
    assert school.idle_timeout_minutes == 15
    assert school.mfa_required_for_all
    event = AuditEvent.objects.get(action=AuditAction.SCHOOL_UPDATED)
    assert event.detail == {
        "fields": ["email_domains", "idle_timeout_minutes", "mfa_required_for_all", "name", "urn"]
    }


@pytest.mark.parametrize("urn", ["12345", "12345678", "12a456"])
def test_a_urn_that_is_not_6_or_7_digits_is_refused(school, dsl, client_as, urn):
    response = client_as(dsl).post(reverse("school:school-settings"), {**VALID, "urn": urn})

    assert response.context["form"].errors["urn"] == [
        "Enter the URN as 6 or 7 digits, for example 123456."
    ]
    school.refresh_from_db()
    assert school.urn == ""


@pytest.mark.parametrize("domains", ["larkspur", "larkspur.sch.uk, not a domain", "a@b.com"])
def test_email_domains_that_are_not_domains_are_refused(school, dsl, client_as, domains):
    response = client_as(dsl).post(
        reverse("school:school-settings"), {**VALID, "email_domains": domains}
    )

    assert (
        "doesn't look like an email domain" in response.context["form"].errors["email_domains"][0]
    )


def test_an_idle_timeout_out_of_range_is_refused(dsl, client_as):
    response = client_as(dsl).post(
        reverse("school:school-settings"), {**VALID, "idle_timeout_minutes": "1"}
    )

    assert "idle_timeout_minutes" in response.context["form"].errors


def test_a_refused_form_keeps_the_school_name_in_the_header(school, dsl, client_as):
    response = client_as(dsl).post(
        reverse("school:school-settings"), {**VALID, "name": "Typed Name", "urn": "1"}
    )

    assert 'value="Typed Name"' in response.text
    assert response.context["current_school"].name == "Larkspur Primary"
    assert School.objects.get(pk=school.pk).name == "Larkspur Primary"


def test_an_idle_timeout_above_the_limit_says_the_limit(dsl, client_as):
    response = client_as(dsl).post(
        reverse("school:school-settings"), {**VALID, "idle_timeout_minutes": "500"}
    )

    assert response.context["form"].errors["idle_timeout_minutes"] == ["Enter at most 240 minutes."]

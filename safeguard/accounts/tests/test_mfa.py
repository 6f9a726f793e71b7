"""Who must have a second factor, and what they reach until they have one (docs/security.md A6)."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from safeguard.accounts.mfa import ENROL_MESSAGE
from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TOTP_SECRET,
    MembershipFactory,
    member,
)

pytestmark = pytest.mark.django_db

ENROL = reverse("mfa_index")


@pytest.fixture
def keyless_dsl(school):
    return member(school, Role.DSL, with_key=False, email="new-dsl@larkspur.example")


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL, Role.SLT])
def test_a_role_that_needs_a_key_is_sent_to_enrol_from_the_dashboard(school, client_as, role):
    person = member(school, role, with_key=False)
    response = client_as(person).get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == ENROL


def test_dsl_without_a_key_cannot_open_the_pupil_list(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(reverse("pupils:pupil-list"))
    assert response["Location"] == ENROL


def test_dsl_without_a_key_is_told_why(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(reverse("dashboard"), follow=True)
    assert ENROL_MESSAGE in response.content.decode()


def test_dsl_without_a_key_cannot_post_either(client_as, keyless_dsl, teacher, school):
    membership = Membership.objects.for_school(school).get(user=teacher)
    response = client_as(keyless_dsl).post(
        reverse("school:staff-deactivate", kwargs={"membership_id": membership.pk})
    )
    assert response["Location"] == ENROL
    membership.refresh_from_db()
    assert membership.is_active


def test_dsl_with_an_authenticator_app_reaches_the_dashboard(client_as, dsl):
    assert client_as(dsl).get(reverse("dashboard")).status_code == 200


def test_recovery_codes_alone_are_not_a_key(client_as, keyless_dsl):
    RecoveryCodes.activate(keyless_dsl)
    assert client_as(keyless_dsl).get(reverse("dashboard"))["Location"] == ENROL


def test_teacher_without_a_key_reaches_the_dashboard(client_as, teacher):
    assert client_as(teacher).get(reverse("dashboard")).status_code == 200


def test_teacher_is_sent_to_enrol_when_the_school_requires_a_key_of_everyone(
    client_as, teacher, school
):
    school.mfa_required_for_all = True
    school.save()
    assert client_as(teacher).get(reverse("dashboard"))["Location"] == ENROL


def test_the_requirement_follows_the_school_being_used(client_as, teacher, school, other_school):
    """A DSL there and a teacher here needs a key only while working as the DSL."""
    MembershipFactory(user=teacher, school=other_school, role=Role.DSL)
    client = client_as(teacher)
    assert client.get(reverse("dashboard"))["Location"] == ENROL
    response = client.post(reverse("accounts:switch-school"), {"school": school.pk})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_enrolment_page_opens_and_explains(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(ENROL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Set up your second factor first." in html
    assert reverse("mfa_activate_totp") in html
    assert reverse("mfa_add_webauthn") in html


def test_setting_up_an_app_is_not_itself_sent_back_to_enrolment(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(reverse("mfa_activate_totp"))
    # allauth first asks for the password again; either way, not back to the enrolment page.
    assert response.status_code in {200, 302}
    assert response.get("Location", "") != ENROL


def test_dsl_without_a_key_can_sign_out(client_as, keyless_dsl):
    client = client_as(keyless_dsl)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_session_status_still_answers_without_a_key(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(reverse("accounts:session-status"))
    assert response.status_code == 200


def test_htmx_request_without_a_key_is_sent_to_enrol_as_a_whole_page(client_as, keyless_dsl):
    response = client_as(keyless_dsl).get(reverse("dashboard"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == ENROL


def test_signing_in_without_a_key_lands_on_enrolment(client, keyless_dsl):
    response = client.post(
        reverse("account_login"),
        {"login": keyless_dsl.email, "password": DEFAULT_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ENROL


def test_dsl_enrols_an_app_then_signs_in_with_password_and_code(client, keyless_dsl):
    client.post(
        reverse("account_login"), {"login": keyless_dsl.email, "password": DEFAULT_PASSWORD}
    )
    # allauth asks for the password again before a key is added.
    confirm = client.get(reverse("mfa_activate_totp"))
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    done = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("dashboard")).status_code == 200

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": keyless_dsl.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("dashboard")).status_code == 200


def test_factory_keys_are_authenticator_apps_with_the_known_secret(dsl):
    authenticator = Authenticator.objects.get(user=dsl)
    assert authenticator.type == Authenticator.Type.TOTP
    assert authenticator.wrap().validate_code(pyotp.TOTP(TOTP_SECRET).now())

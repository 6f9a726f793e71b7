import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, give_totp
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_staff_sign_in_with_school_email_in_any_case(client, teacher):
    response = sign_in(client, "Teacher@Larkspur.EXAMPLE")
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_in_is_audited(client, teacher):
    sign_in(client, teacher.email)
    event = AuditEvent.objects.filter(action=AuditAction.SIGNED_IN).last()
    assert event.actor == teacher


def test_wrong_password_is_refused_and_audited_without_the_password(client, teacher):
    response = sign_in(client, teacher.email, "Wrong-Password-1!")
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).last()
    assert event.detail == {"email": teacher.email, "known_account": True}
    assert "Wrong-Password" not in str(event.detail)


def test_unknown_and_known_addresses_get_the_same_refusal(client, teacher):
    known = sign_in(client, teacher.email, "Wrong-Password-1!")
    unknown = sign_in(client, "nobody@larkspur.example", "Wrong-Password-1!")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_person_whose_only_role_is_deactivated_cannot_sign_in(client, teacher):
    Membership.objects.active_for_user(teacher).update(is_active=False)
    sign_in(client, teacher.email)
    assert client.get(reverse("dashboard")).status_code == 302


def test_deactivation_ends_an_open_session_at_the_next_request(client_as, teacher):
    client = client_as(teacher)
    assert client.get(reverse("dashboard")).status_code == 200
    Membership.objects.active_for_user(teacher).update(is_active=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_role_change_takes_effect_on_the_next_request(client_as, teacher, school):
    give_totp(teacher)  # a DSL must have a second factor
    client = client_as(teacher)
    assert client.get(reverse("school:staff-list")).status_code == 403
    Membership.objects.for_school(school).filter(user=teacher).update(role=Role.DSL)
    assert client.get(reverse("school:staff-list")).status_code == 200


def test_person_in_two_schools_can_switch_between_them(client_as, teacher, other_school):
    MembershipFactory(user=teacher, school=other_school, role=Role.DSL)
    give_totp(teacher)  # a DSL must have a second factor
    client = client_as(teacher)
    client.post(reverse("accounts:switch-school"), {"school": other_school.pk})
    response = client.get(reverse("dashboard"))
    assert response.context["current_school"] == other_school
    assert client.get(reverse("school:staff-list")).status_code == 200


def test_switching_to_a_school_without_a_role_is_refused(client_as, teacher, other_school, school):
    client = client_as(teacher)
    client.post(reverse("accounts:switch-school"), {"school": other_school.pk})
    assert client.get(reverse("dashboard")).context["current_school"] == school


def test_switch_school_refuses_get(client_as, teacher):
    assert client_as(teacher).get(reverse("accounts:switch-school")).status_code == 405


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code in {200, 302}
    assert client.post(
        "/accounts/signup/",
        {"email": "x@y.example", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    ).status_code in {200, 302}
    from safeguard.accounts.models import User

    assert not User.objects.filter(email="x@y.example").exists()


def test_new_passwords_are_hashed_with_argon2(settings, teacher):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    teacher.set_password("A-Fresh-Passw0rd!")
    assert teacher.password.startswith("argon2$")

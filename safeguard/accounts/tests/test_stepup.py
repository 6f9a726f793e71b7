"""Step-up: changing a role needs a second factor passed within ten minutes."""

import time
from urllib.parse import quote

import pyotp
import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import TOTP_SECRET, member, passed_second_factor

pytestmark = pytest.mark.django_db

CONFIRM = reverse("mfa_reauthenticate")


@pytest.fixture
def teachers_membership(school, teacher):
    return Membership.objects.for_school(school).get(user=teacher)


def role_url(membership: Membership) -> str:
    return reverse("school:staff-change-role", kwargs={"membership_id": membership.pk})


def promote(client: Client, membership: Membership, **headers):
    return client.post(role_url(membership), {"role": Role.DEPUTY_DSL}, headers=headers)


def dsl_signed_in(user, *, second_factor_at: float | None) -> Client:
    client = Client()
    client.force_login(user)
    if second_factor_at is not None:
        passed_second_factor(client, user, at=second_factor_at)
    return client


def role_of(membership: Membership) -> str:
    membership.refresh_from_db()
    return membership.role


def test_without_a_recent_second_factor_the_dsl_is_asked_to_confirm(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=None)
    response = promote(client, teachers_membership)
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM}?next={quote(role_url(teachers_membership), '')}"
    assert role_of(teachers_membership) == Role.TEACHER


def test_with_a_second_factor_a_minute_ago_the_change_goes_ahead(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=time.time() - 60)
    response = promote(client, teachers_membership)
    assert response["Location"] == reverse(
        "school:staff-detail", kwargs={"membership_id": teachers_membership.pk}
    )
    assert role_of(teachers_membership) == Role.DEPUTY_DSL


def test_after_eleven_minutes_the_dsl_is_asked_again(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=time.time() - 11 * 60)
    response = promote(client, teachers_membership)
    assert response["Location"].startswith(CONFIRM)
    assert role_of(teachers_membership) == Role.TEACHER


def test_the_window_follows_the_setting(dsl, teachers_membership, settings):
    settings.STEP_UP_SECONDS = 30
    client = dsl_signed_in(dsl, second_factor_at=time.time() - 60)
    assert promote(client, teachers_membership)["Location"].startswith(CONFIRM)


def test_confirming_with_the_password_alone_is_not_enough(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=time.time() - 11 * 60)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] += [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session.save()
    assert promote(client, teachers_membership)["Location"].startswith(CONFIRM)
    assert role_of(teachers_membership) == Role.TEACHER


def test_confirming_with_a_code_carries_out_the_waiting_change(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=None)
    confirm_url = promote(client, teachers_membership)["Location"]
    response = client.post(confirm_url, {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert role_of(teachers_membership) == Role.DEPUTY_DSL
    assert response["Location"] == reverse(
        "school:staff-detail", kwargs={"membership_id": teachers_membership.pk}
    )


def test_a_wrong_code_changes_nothing(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=None)
    confirm_url = promote(client, teachers_membership)["Location"]
    response = client.post(confirm_url, {"code": "000000"})
    assert "Incorrect code." in response.content.decode()
    assert role_of(teachers_membership) == Role.TEACHER


def test_the_confirm_page_offers_no_password_only_way_for_a_step_up(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=None)
    html = client.get(promote(client, teachers_membership)["Location"]).content.decode()
    assert "Confirm it&#x27;s you" in html
    assert reverse("account_reauthenticate") not in html


def test_a_security_key_holder_is_asked_for_the_key(school, teachers_membership):
    holder = member(school, Role.DSL, with_key=False)
    # Only the kind matters here: the page asks for a key, not a code.
    Authenticator.objects.create(user=holder, type=Authenticator.Type.WEBAUTHN, data={})
    client = dsl_signed_in(holder, second_factor_at=None)
    response = promote(client, teachers_membership)
    assert response["Location"].startswith(reverse("mfa_reauthenticate_webauthn"))
    assert role_of(teachers_membership) == Role.TEACHER


def test_htmx_request_is_sent_to_confirm_as_a_whole_page(dsl, teachers_membership):
    client = dsl_signed_in(dsl, second_factor_at=None)
    detail = reverse("school:staff-detail", kwargs={"membership_id": teachers_membership.pk})
    response = promote(
        client, teachers_membership, HX_Request="true", HX_Current_URL=f"http://testserver{detail}"
    )
    assert response["HX-Redirect"] == f"{CONFIRM}?next={quote(detail, '')}"


def test_the_capability_is_checked_before_the_second_factor(slt, teachers_membership):
    client = dsl_signed_in(slt, second_factor_at=None)
    assert promote(client, teachers_membership).status_code == 403

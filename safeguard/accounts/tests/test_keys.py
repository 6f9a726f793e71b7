"""Lost keys: a DSL or deputy revokes a member of staff's second factor (docs/security.md A13)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt_membership(school, slt):
    RecoveryCodes.activate(slt)
    return Membership.objects.for_school(school).get(user=slt)


def keys_url(membership: Membership) -> str:
    return reverse("school:staff-keys", kwargs={"membership_id": membership.pk})


def revoke_url(membership: Membership) -> str:
    return reverse("school:staff-keys-revoke", kwargs={"membership_id": membership.pk})


def test_dsl_sees_what_a_member_of_staff_can_sign_in_with(client_as, dsl, slt_membership):
    html = client_as(dsl).get(keys_url(slt_membership)).content.decode()
    assert "Authenticator app" in html
    assert "Recovery codes" in html
    assert revoke_url(slt_membership) in html


def test_staff_page_links_to_their_keys(client_as, dsl, slt_membership):
    detail = reverse("school:staff-detail", kwargs={"membership_id": slt_membership.pk})
    assert keys_url(slt_membership) in client_as(dsl).get(detail).content.decode()


def test_dsl_revokes_every_key_and_recovery_code(client_as, dsl, slt, slt_membership):
    response = client_as(dsl).post(revoke_url(slt_membership))
    assert response["Location"] == reverse(
        "school:staff-detail", kwargs={"membership_id": slt_membership.pk}
    )
    assert not Authenticator.objects.filter(user=slt).exists()


def test_deputy_can_revoke_too(client_as, deputy, slt, slt_membership):
    client_as(deputy).post(revoke_url(slt_membership))
    assert not Authenticator.objects.filter(user=slt).exists()


def test_revoking_is_audited_with_ids_only(client_as, dsl, slt, school, slt_membership):
    client_as(dsl).post(revoke_url(slt_membership))
    event = AuditEvent.objects.get(action=AuditAction.KEYS_REVOKED)
    assert event.actor == dsl
    assert event.school == school
    assert event.target_id == str(slt.pk)
    assert event.detail == {
        "membership": slt_membership.pk,
        "types": ["recovery_codes", "totp"],
        "removed": 2,
        "sessions_ended": 0,
    }


def test_revoking_signs_them_out_everywhere(client_as, dsl, slt, slt_membership):
    their_client = client_as(slt)
    assert their_client.get(reverse("dashboard")).status_code == 200
    client_as(dsl).post(revoke_url(slt_membership))
    assert their_client.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))


def test_after_revoking_they_must_enrol_again_when_they_sign_in(
    client, client_as, dsl, slt, slt_membership
):
    client_as(dsl).post(revoke_url(slt_membership))
    client.post(reverse("account_login"), {"login": slt.email, "password": DEFAULT_PASSWORD})
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_index")


def test_revoking_emails_them_naming_the_dsl(
    client_as, dsl, slt, slt_membership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_as(dsl).post(revoke_url(slt_membership))
    (message,) = [m for m in mail.outbox if slt.email in m.to]
    assert message.subject.endswith("Your second factor was removed")
    assert f"Your Safeguard second factor was removed by {dsl.full_name} on " in message.body
    assert "If you didn't expect this, tell your DSL." in message.body


def test_a_dsl_cannot_revoke_their_own_keys_here(client_as, dsl, school):
    own = Membership.objects.for_school(school).get(user=dsl)
    response = client_as(dsl).post(revoke_url(own), follow=True)
    assert "use your Second factor page" in response.content.decode()
    assert Authenticator.objects.filter(user=dsl).exists()


def test_revoking_someone_without_keys_says_so(client_as, dsl, teacher, school):
    membership = Membership.objects.for_school(school).get(user=teacher)
    response = client_as(dsl).post(revoke_url(membership), follow=True)
    assert "has no second factor to revoke" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.KEYS_REVOKED).exists()


@pytest.mark.parametrize("role_fixture", ["slt", "teacher", "governor"])
def test_other_roles_may_not_revoke(request, client_as, dsl, slt_membership, role_fixture):
    person = request.getfixturevalue(role_fixture)
    assert client_as(person).post(revoke_url(slt_membership)).status_code == 403
    assert client_as(person).get(keys_url(slt_membership)).status_code == 403
    assert Authenticator.objects.filter(user=slt_membership.user).count() == 2


def test_another_schools_staff_are_not_found(client_as, dsl_other_school, slt_membership):
    client = client_as(dsl_other_school)
    assert client.get(keys_url(slt_membership)).status_code == 404
    assert client.post(revoke_url(slt_membership)).status_code == 404
    assert Authenticator.objects.filter(user=slt_membership.user).count() == 2


def test_revoking_refuses_get(client_as, dsl, slt_membership):
    assert client_as(dsl).get(revoke_url(slt_membership)).status_code == 405


def test_revoking_needs_a_recent_second_factor(client, dsl, slt, slt_membership):
    client.force_login(dsl)  # no second factor in this session
    response = client.post(revoke_url(slt_membership))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(user=slt).count() == 2

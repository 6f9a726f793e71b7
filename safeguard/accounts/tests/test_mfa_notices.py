"""Changes to how someone signs in are emailed to them and audited (docs/security.md A12)."""

import datetime

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from safeguard.accounts.notices import Change, notify
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, member
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-Kettle-42-Lamp"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def confirmed(client, user):
    """Signed in, with the password just confirmed (allauth asks before key changes)."""
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    if (
        client.get(reverse("dashboard")).status_code == 302
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    return client


def notices_to(user) -> list[str]:
    return [str(m.subject) for m in mail.outbox if user.email in m.to]


def test_setting_up_an_app_emails_the_holder_and_is_audited(client, school, on_commit):
    person = member(school, Role.SLT, with_key=False)
    confirmed(client, person)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    with on_commit():
        client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert notices_to(person) == ["[Safeguard] An authenticator app was added"]
    added = AuditEvent.objects.get(action=AuditAction.KEY_ADDED)
    assert added.actor == person and added.detail["type"] == "totp"
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_GENERATED).exists()


def test_removing_the_app_emails_the_holder_and_is_audited(client, dsl, on_commit):
    confirmed(client, dsl)
    with on_commit():
        client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=dsl).exists()
    assert notices_to(dsl) == ["[Safeguard] Your authenticator app was removed"]
    removed = AuditEvent.objects.get(action=AuditAction.KEY_REMOVED, detail__type="totp")
    assert removed.actor == dsl


def test_removing_their_only_key_sends_a_dsl_straight_back_to_enrol(client, dsl):
    confirmed(client, dsl)
    client.post(reverse("mfa_deactivate_totp"))
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_index")


def test_new_recovery_codes_are_emailed_about_and_audited(client, dsl, on_commit):
    confirmed(client, dsl)
    with on_commit():
        client.post(reverse("mfa_generate_recovery_codes"))
    assert notices_to(dsl) == ["[Safeguard] New recovery codes"]
    assert AuditEvent.objects.filter(
        action=AuditAction.RECOVERY_CODES_GENERATED, actor=dsl
    ).exists()


def test_changing_the_password_emails_the_holder(client_as, teacher, on_commit):
    with on_commit():
        client_as(teacher).post(
            reverse("account_change_password"),
            {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    (message,) = [m for m in mail.outbox if teacher.email in m.to]
    assert message.subject == "[Safeguard] Your password was changed"
    assert "Your Safeguard password was changed on " in message.body
    assert "someone else may have your password" in message.body
    assert NEW_PASSWORD not in message.body


def test_a_wrong_code_is_audited_as_a_failed_sign_in(client, dsl):
    client.post(reverse("account_login"), {"login": dsl.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.target_id == str(dsl.pk)
    assert event.detail == {"step": "second_factor", "type": "totp", "reauthentication": False}


def test_notice_gives_the_time_in_uk_time(dsl):
    at = datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)
    notify(user=dsl, change=Change.TOTP_ADDED, at=at)
    (message,) = mail.outbox
    assert "on 1 Jul 2026 at 10:30." in message.body

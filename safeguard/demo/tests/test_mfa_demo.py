"""The demo's DSLs, deputies and senior leaders have authenticator apps with printed keys."""

from io import StringIO

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safeguard.accounts.models import User
from safeguard.demo.people import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRETS,
)

pytestmark = pytest.mark.django_db

DSL = "dsl@larkspur.example"


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_prints_each_setup_key_with_an_otpauth_link():
    output = load_demo()
    for email, secret in DEMO_TOTP_SECRETS.items():
        assert f"setup key {secret}" in output
        assert f"otpauth://totp/{email.replace('@', '%40')}?secret={secret}&issuer=Safeguard" in (
            output
        )
    assert "http://localhost:8000" in output


def test_demo_dsl_signs_in_with_the_password_and_a_code_from_the_printed_key():
    load_demo()
    client = Client()
    response = client.post(reverse("account_login"), {"login": DSL, "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(DEMO_TOTP_SECRETS[DSL]).now()})
    assert client.get(reverse("dashboard")).status_code == 200


def test_rerunning_the_demo_puts_back_a_removed_or_changed_app():
    load_demo()
    Authenticator.objects.filter(user__email="slt@larkspur.example").delete()
    Authenticator.objects.filter(user__email=DSL).delete()
    TOTP.activate(User.objects.get(email=DSL), pyotp.random_base32())
    load_demo()
    for email, secret in DEMO_TOTP_SECRETS.items():
        app = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert app.wrap().validate_code(pyotp.TOTP(secret).now())


def test_the_fernhill_dsl_is_left_to_enrol():
    load_demo()
    assert not Authenticator.objects.filter(user__email="dsl@fernhill.example").exists()

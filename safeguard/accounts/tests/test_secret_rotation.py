"""Rotating SECRET_KEY: the old key, kept in SECRET_KEY_FALLBACKS, lets open sessions and
emailed links survive the change (docs/security.md, "Rotating secrets")."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import invite_staff

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-" + "o" * 60
NEW_KEY = "new-key-" + "n" * 60
LINK_RE = re.compile(r"https?://[^/\s]+(/accounts/invitation/\S+/)")


@pytest.fixture
def signed_in_with_old_key(settings, client_as, teacher):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    client = client_as(teacher)
    assert client.get(reverse("dashboard")).status_code == 200
    return client


def rotate(settings, *, keep_old: bool) -> None:
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY] if keep_old else []


def test_a_session_from_before_the_rotation_still_works_while_the_old_key_is_a_fallback(
    settings, signed_in_with_old_key
):
    rotate(settings, keep_old=True)

    response = signed_in_with_old_key.get(reverse("dashboard"))

    assert response.status_code == 200


def test_a_session_from_before_the_rotation_ends_when_the_old_key_is_dropped_at_once(
    settings, signed_in_with_old_key
):
    rotate(settings, keep_old=False)

    response = signed_in_with_old_key.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_session_used_during_the_rotation_survives_the_old_key_being_dropped(
    settings, signed_in_with_old_key
):
    rotate(settings, keep_old=True)
    signed_in_with_old_key.get(reverse("dashboard"))
    settings.SECRET_KEY_FALLBACKS = []

    response = signed_in_with_old_key.get(reverse("dashboard"))

    assert response.status_code == 200


def test_an_invitation_sent_before_the_rotation_still_opens_while_the_old_key_is_a_fallback(
    settings, school, dsl, client, django_capture_on_commit_callbacks
):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    with django_capture_on_commit_callbacks(execute=True):
        invite_staff(
            school=school,
            invited_by=dsl,
            email="new.teacher@larkspur.example",
            first_name="Nia",
            last_name="Okafor",
            role=Role.TEACHER,
        )
    match = LINK_RE.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    rotate(settings, keep_old=True)

    response = client.get(match.group(1))

    assert response.status_code == 302
    assert response.url == reverse("accounts:invitation-set-password")


def test_the_fallback_keys_come_from_the_environment_comma_separated():
    project = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeguard.settings",
        "SECRET_KEY": NEW_KEY,
        "SECRET_KEY_FALLBACKS": f" {OLD_KEY} , second-old-key ",
    }
    env.pop("SECRET_KEY_FALLBACKS_FILE", None)
    script = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"

    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script, no shell)
        [sys.executable, "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == repr([OLD_KEY, "second-old-key"])

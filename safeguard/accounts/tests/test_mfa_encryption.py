"""Second-factor secrets are encrypted at rest with a key from the environment, and the key
can be rotated (docs/security.md A9, Secrets; docs/deploying.md, MFA_ENCRYPTION_KEYS)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, give_totp

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PROJECT = Path(__file__).resolve().parents[3]


def stored(authenticator: Authenticator) -> str:
    """The row exactly as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return str(cursor.fetchone()[0])


def signs_in_with_code(client, user, secret: str = TOTP_SECRET) -> bool:
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    return client.get("/").status_code == 200


def test_an_authenticator_app_secret_is_not_stored_in_clear(dsl):
    app = Authenticator.objects.get(user=dsl, type=Authenticator.Type.TOTP)
    assert TOTP_SECRET not in stored(app)


def test_the_recovery_code_seed_is_not_stored_in_clear(dsl):
    codes = RecoveryCodes.activate(dsl)
    seed = codes.instance.data["seed"]
    from allauth.mfa.utils import decrypt

    plain = decrypt(seed)
    assert plain != seed
    assert plain not in stored(codes.instance)
    assert codes.get_unused_codes()


def test_signing_in_with_an_encrypted_secret_still_works(client, dsl):
    assert signs_in_with_code(client, dsl)


def test_a_secret_stored_before_encryption_still_works(client, dsl):
    Authenticator.objects.filter(user=dsl).update(data={"secret": TOTP_SECRET})
    assert signs_in_with_code(client, dsl)


def test_rotating_re_encrypts_every_secret_so_the_old_key_can_go(settings, client, teacher):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    app = give_totp(teacher)
    codes = RecoveryCodes.activate(teacher)
    before = codes.get_unused_codes()
    Authenticator.objects.filter(pk=app.pk).update(data={"secret": app.data["secret"]})
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    call_command("reencrypt_mfa_secrets", stdout=out)
    assert "2" in out.getvalue()
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    codes.instance.refresh_from_db()
    assert RecoveryCodes(codes.instance).get_unused_codes() == before
    assert signs_in_with_code(client, teacher)


def test_rotating_also_encrypts_secrets_stored_in_clear(settings, dsl):
    Authenticator.objects.filter(user=dsl).update(data={"secret": TOTP_SECRET})
    call_command("reencrypt_mfa_secrets", stdout=StringIO())
    assert TOTP_SECRET not in stored(Authenticator.objects.get(user=dsl))


def test_a_secret_under_an_unknown_key_is_a_clear_error(settings, teacher):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    give_totp(teacher)
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    from allauth.mfa.utils import decrypt

    with pytest.raises(Exception, match="MFA_ENCRYPTION_KEYS"):
        decrypt(Authenticator.objects.get(user=teacher).data["secret"])


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "MFA_"))}
    environ.update(
        SECRET_KEY="k" * 50,
        SITE_URL="https://safeguard.example.org",
        DJANGO_SETTINGS_MODULE="safeguard.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.MFA_ENCRYPTION_KEYS"],
        cwd=PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_key():
    result = _settings_with()
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_a_key_that_is_not_a_fernet_key():
    result = _settings_with(MFA_ENCRYPTION_KEYS="not-a-key")
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEYS" in result.stderr


def test_the_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "mfa-key"
    key_file.write_text(f"{NEW_KEY}\n")
    assert _settings_with(MFA_ENCRYPTION_KEYS_FILE=str(key_file)).returncode == 0

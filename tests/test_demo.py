"""`make demo` (scripts/prepare_demo): it prints the address it serves, and runs with DEBUG off
like a school's server, so an unknown address shows the generic page, not Django's debug page
listing every URL."""

import json
import os
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from io import StringIO
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prepare_demo() -> ModuleType:
    """scripts/prepare_demo, imported without running it."""
    loader = SourceFileLoader("prepare_demo", str(PROJECT / "scripts" / "prepare_demo"))
    spec = spec_from_loader("prepare_demo", loader)
    assert spec is not None
    module = module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_demo_is_at_localhost_8000_by_default(prepare_demo):
    assert prepare_demo.demo_address({}) == ("http://localhost:8000", "127.0.0.1:8000")


def test_the_demo_listens_on_the_port_site_url_names(prepare_demo):
    address = prepare_demo.demo_address({"SITE_URL": "http://localhost:8101/"})
    assert address == ("http://localhost:8101", "127.0.0.1:8101")


def test_port_moves_the_demo_to_that_port(prepare_demo):
    address = prepare_demo.demo_address({"PORT": "8102"})
    assert address == ("http://localhost:8102", "127.0.0.1:8102")


@pytest.mark.parametrize(
    "environ",
    [
        {"SITE_URL": "http://localhost:8101", "PORT": "8102"},
        {"SITE_URL": "https://localhost:8101"},
        {"SITE_URL": "localhost:8101"},
    ],
    ids=["site-url-and-port-disagree", "https", "no-scheme"],
)
def test_an_address_the_demo_cannot_serve_is_refused_with_a_reason(prepare_demo, environ):
    with pytest.raises(SystemExit, match="SITE_URL"):
        prepare_demo.demo_address(environ)


def test_the_demo_makes_its_secret_key_once_readable_by_its_owner_only(prepare_demo, tmp_path):
    key = tmp_path / "demo-secret-key"
    mfa = tmp_path / "demo-mfa-key"
    first = prepare_demo.demo_environment({}, secret_key_path=key, mfa_key_path=mfa)
    second = prepare_demo.demo_environment({}, secret_key_path=key, mfa_key_path=mfa)
    assert first["SECRET_KEY_FILE"] == second["SECRET_KEY_FILE"] == str(key)
    assert len(key.read_text()) >= 50
    assert key.stat().st_mode & 0o777 == 0o600


def test_the_demo_makes_its_authenticator_encryption_key_once(prepare_demo, tmp_path):
    from cryptography.fernet import Fernet

    secret, mfa = tmp_path / "demo-secret-key", tmp_path / "demo-mfa-key"
    first = prepare_demo.demo_environment({}, secret_key_path=secret, mfa_key_path=mfa)
    second = prepare_demo.demo_environment({}, secret_key_path=secret, mfa_key_path=mfa)
    assert first["MFA_ENCRYPTION_KEYS_FILE"] == second["MFA_ENCRYPTION_KEYS_FILE"] == str(mfa)
    Fernet(mfa.read_text().strip())  # raises ValueError if it is not a Fernet key
    assert mfa.stat().st_mode & 0o777 == 0o600
    given = {"MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    assert "MFA_ENCRYPTION_KEYS_FILE" not in prepare_demo.demo_environment(
        given, secret_key_path=secret, mfa_key_path=mfa
    )


@pytest.mark.django_db
def test_the_demo_prints_the_address_it_serves(settings):
    settings.SITE_URL = "http://localhost:8101"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Open http://localhost:8101 and sign in" in out.getvalue()
    assert "8000" not in out.getvalue()


# Run in a fresh interpreter with the demo's environment: the settings it gets, and what an
# unknown address shows a visitor. Only static file names come from the plain storage, since
# the compressed manifest exists once `make demo` has collected the files.
DEMO_SCRIPT = """
import json
import django
from django.conf import settings
django.setup()
configured_static_backend = settings.STORAGES["staticfiles"]["BACKEND"]
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.test import Client
response = Client(HTTP_HOST="localhost:8101").get("/no-such-page/")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "STATIC_BACKEND": configured_static_backend,
    "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "status": response.status_code,
    "page": response.content.decode(),
}))
"""


@pytest.fixture(scope="module")
def demo(prepare_demo, tmp_path_factory) -> dict:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "SECRET_KEY_FILE",
            "MFA_ENCRYPTION_KEYS",
            "MFA_ENCRYPTION_KEYS_FILE",
            "DATABASE_URL",
            "SITE_URL",
        }
    }
    folder = tmp_path_factory.mktemp("demo")
    environ.update(SITE_URL="http://localhost:8101", SQLITE_PATH=str(folder / "demo.sqlite3"))
    environ.update(
        prepare_demo.demo_environment(
            environ,
            secret_key_path=folder / "demo-secret-key",
            mfa_key_path=folder / "demo-mfa-key",
        )
    )
    environ["DJANGO_SETTINGS_MODULE"] = "safeguard.settings"
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script, no shell)
        [sys.executable, "-c", DEMO_SCRIPT],
        cwd=PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_demo_runs_with_debug_off_and_static_files_from_the_whitenoise_manifest(demo):
    assert demo["DEBUG"] is False
    assert demo["STATIC_BACKEND"] == ("whitenoise.storage.CompressedManifestStaticFilesStorage")


def test_an_unknown_address_in_the_demo_shows_the_generic_not_found_page(demo):
    assert demo["status"] == 404
    assert "Page not found" in demo["page"]
    assert "URLconf" not in demo["page"]
    assert "no-such-page" not in demo["page"]


def test_demo_cookies_work_over_plain_http_on_localhost(demo):
    assert demo["SESSION_COOKIE_NAME"] == "sessionid"
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["CSRF_COOKIE_SECURE"] is False
    assert demo["CSRF_TRUSTED_ORIGINS"] == ["http://localhost:8101"]

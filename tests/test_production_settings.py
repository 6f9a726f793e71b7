"""What a production configuration (https SITE_URL, DEBUG unset) turns on, and the headers and
error page every response gets (docs/security.md, rows H1, H3, S5 and L7)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

PROJECT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "production-like-but-not-secret" + "y" * 20,
    "SITE_URL": "https://safeguard.example.org",
    "ALLOWED_HOSTS": "safeguard.example.org",
}
SHOWN = [
    "DEBUG",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
]
SECRET_IN_ERROR = "Sally Pupilname disclosed"


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY_FILE"}}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="safeguard.settings")
    env["SQLITE_PATH"] = str(tmp_path_factory.mktemp("production") / "unused.sqlite3")
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script, no shell)
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_runs_with_debug_off(production):
    assert production["DEBUG"] is False


def test_production_cookies_carry_the_host_prefix(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


def test_production_cookies_are_secure_http_only_and_same_site(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_redirects_to_https_and_sends_hsts_for_a_year_with_subdomains(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
def test_pages_forbid_sniffing_and_keep_the_address_to_this_site(signed_in, client_as, teacher):
    client = client_as(teacher) if signed_in else Client()
    response = client.get(reverse("dashboard") if signed_in else reverse("account_login"))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_lets_another_site_read_it(client_as, teacher):
    response = client_as(teacher).get(reverse("dashboard"), HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@login_not_required
def _failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_IN_ERROR)


urlpatterns = [path("fails/", _failing_view)]
handler500 = "safeguard.views.server_error"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_unexpected_error_shows_the_generic_page_with_no_details():
    response = Client(raise_request_exception=False).get("/fails/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert SECRET_IN_ERROR not in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page

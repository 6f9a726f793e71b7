"""Headers every response must carry, checked on every URL the project has.

Signed-in pages hold children's records, so browsers and proxies must not keep
them (Cache-Control: no-store). Every response carries a Content-Security-Policy
that forbids framing and allows scripts only from us or with this response's
nonce, so an injected inline script can't run.
"""

import re

import pytest
from django.urls import reverse

from safeguard.accounts.permissions import Role
from tests.routes import OURS, ROUTES, fetch, signed_out_url

NONCE_IN_PAGE = re.compile(r'<script[^>]*\snonce="([^"]+)"')


def csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_csp_forbids_framing(response) -> None:
    policy = csp(response)
    assert policy, f"no Content-Security-Policy on a {response.status_code} response"
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert response.headers["X-Frame-Options"] == "DENY"


def assert_page_nonce_matches_header(response) -> None:
    page_nonces = set(NONCE_IN_PAGE.findall(response.content.decode()))
    assert page_nonces, "an HTML page without a nonced script: base.html loads one"
    [nonce] = page_nonces
    assert f"'nonce-{nonce}'" in csp(response)["script-src"]


@pytest.fixture
def lead(persona):
    """Holds every capability, so every one of our pages renders."""
    return persona(Role.DSL)


@pytest.mark.parametrize("route", OURS, ids=str)
def test_signed_in_responses_are_never_stored(route, lead, client_as, ids_here):
    response = fetch(client_as(lead), route.url(ids_here))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_sign_in_page_is_never_stored(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_refused_page_is_never_stored(client_as, teacher):
    response = client_as(teacher).get(reverse("incidents:category-list"))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("route", OURS, ids=str)
def test_signed_in_responses_carry_the_content_security_policy(route, lead, client_as, ids_here):
    response = fetch(client_as(lead), route.url(ids_here))
    assert_csp_forbids_framing(response)
    if is_whole_page(response):
        assert_page_nonce_matches_header(response)


def is_whole_page(response) -> bool:
    """An HTML page, not a fragment (type-ahead suggestions) that a page's script inserts."""
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and b"<html" in response.content
    )


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_signed_out_responses_carry_the_content_security_policy(route, client, ids_here):
    response = client.get(signed_out_url(route, ids_here))
    assert_csp_forbids_framing(response)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_page_nonce_matches_header(response)


def test_the_sign_in_page_scripts_carry_this_responses_nonce(client):
    response = client.get(reverse("account_login"))
    assert_page_nonce_matches_header(response)


def test_each_response_gets_a_fresh_nonce(client):
    first = csp(client.get(reverse("account_login")))["script-src"]
    second = csp(client.get(reverse("account_login")))["script-src"]
    assert first != second


@pytest.mark.parametrize("status", [403, 404])
def test_error_pages_carry_the_policy_and_nonce(client_as, teacher, status):
    url = reverse("incidents:category-list") if status == 403 else "/no-such-page/"
    response = client_as(teacher).get(url)
    assert response.status_code == status
    assert_csp_forbids_framing(response)
    assert_page_nonce_matches_header(response)

"""Requests no honest browser sends, and pages that must not be kept.

A POST without the CSRF token, with another session's token or from another origin; GET,
HEAD and OPTIONS on views that change things; PUT-like paths under a record; a forged Host,
forwarded host, htmx or X-Forwarded-For header; a User-Agent holding control characters;
too many fields or too big a body. Record pages tell browsers and proxies not to keep them.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import passed_second_factor
from safeguard.audit.models import AuditEvent
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.helpers import (
    ADD,
    KWARGS_OF,
    LOGIN,
    RESET,
    assert_nothing_from_elsewhere,
    html,
    incident_data,
    membership,
    recorded,
)
from tests.hostile.state import changes, snapshot
from tests.routes import PLACEHOLDER_KWARGS, ROUTES

pytestmark = pytest.mark.django_db


# CSRF on every state-changing view ---------------------------------------------------------
# A forged cross-site form carries the victim's cookies but not the page's token. Every URL
# in the project (ours, allauth's, second factor) refuses such a POST before its view runs.


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
        passed_second_factor(client, user)
    # The victim's browser holds a CSRF cookie, as after any page with a form.
    client.get(LOGIN if user is None else reverse("dashboard"))
    assert "csrftoken" in client.cookies
    return client


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_the_csrf_token_is_refused_everywhere(route, dsl, ids_for):
    url = route.url({**PLACEHOLDER_KWARGS, **ids_for(dsl)})
    client = _csrf_client(None if route.is_public else dsl)
    before = snapshot()
    audited = AuditEvent.objects.count()

    response = client.post(
        url,
        {"text": "Forged.", "role": Role.DSL, "school": "1", "name": "Forged", "login": dsl.email},
    )

    assert response.status_code == 403
    assert changes(before, snapshot()) == {}
    assert AuditEvent.objects.count() == audited


def test_a_post_with_a_token_from_another_session_is_refused(dsl, teacher, school):
    """A token stolen from (or planted in) another session doesn't fit this one."""
    attacker = _csrf_client(teacher)
    token = attacker.cookies["csrftoken"].value
    victim = _csrf_client(dsl)
    target = membership(teacher, school)
    before = snapshot()
    response = victim.post(
        reverse("school:staff-change-role", args=[target.pk]),
        {"role": Role.DSL, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 403
    assert changes(before, snapshot()) == {}
    # The control: the victim's own token is accepted.
    own = victim.cookies["csrftoken"].value
    assert victim.post(
        reverse("school:staff-change-role", args=[target.pk]),
        {"role": Role.DSL, "csrfmiddlewaretoken": own},
    ).status_code in (200, 302)


def test_a_post_from_another_origin_is_refused_even_with_a_token(dsl, school, teacher):
    """Over HTTPS Django also checks the Origin: a page on evil.example can't post here."""
    client = _csrf_client(dsl)
    token = client.cookies["csrftoken"].value
    target = membership(teacher, school)
    before = snapshot()
    response = client.post(
        reverse("school:staff-deactivate", args=[target.pk]),
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert changes(before, snapshot()) == {}
    # The control: from our own origin the same request works.
    assert (
        client.post(
            reverse("school:staff-deactivate", args=[target.pk]),
            {"csrfmiddlewaretoken": token},
            HTTP_ORIGIN="http://testserver",
        ).status_code
        == 302
    )


# Sensitive pages cached --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "incidents:incident-detail",
        "incidents:incident-print",
        "incidents:attachment-download",
        "pupils:pupil-detail",
        "incidents:incident-list",
    ],
)
def test_a_record_page_tells_browsers_and_proxies_not_to_keep_it(
    url_name, submitted, client_as, dsl, pupil
):
    response = client_as(dsl).get(KWARGS_OF[url_name].url({**submitted, "pupil_id": pupil.pk}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_not_found_page_for_a_signed_in_person_is_not_kept_either(client_as, dsl):
    response = client_as(dsl).get("/incidents/2000000000/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


# Methods, hosts and paths --------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["x.css", "x.js", "style.css/", ".png", "%2e%2e/%2e%2e/settings.py"]
)
def test_web_cache_deception_paths_under_a_record_are_404(suffix, submitted, client_as, dsl):
    client = client_as(dsl)
    response = client.get(f"/incidents/{submitted['incident_id']}/{suffix}")
    assert response.status_code == 404
    assert "She said she was hungry" not in html(response)


POST_ONLY = [
    "incidents:pupil-search",
    "incidents:staff-search",
    "incidents:recipients-preview",
    "incidents:draft-save",
    "incidents:draft-discard",
    "incidents:alert-read",
    "incidents:alert-acknowledge",
    "incidents:alert-read-by-number",
    "incidents:alert-acknowledge-by-number",
    "accounts:switch-school",
    "accounts:session-keep-alive",
    "school:staff-change-role",
    "school:staff-resend-invitation",
    "school:staff-deactivate",
    "school:staff-reactivate",
    "pupils:pupil-restore",
    "incidents:category-retire",
    "incidents:category-reinstate",
    "incidents:category-move-up",
    "incidents:category-move-down",
]


@pytest.mark.parametrize("method", ["get", "head", "options"])
@pytest.mark.parametrize("url_name", POST_ONLY)
def test_a_state_change_cannot_be_triggered_by_a_get_or_head(
    url_name, method, dsl, client_as, ids_for
):
    client = client_as(dsl)
    url = KWARGS_OF[url_name].url(ids_for(dsl))
    before = snapshot()
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "host", ["evil.example", "localhost.evil.example", "localhost:8000@evil.example", "[::1"]
)
def test_a_forged_host_header_is_refused(host, client):
    response = client.get(LOGIN, HTTP_HOST=host)
    assert response.status_code == 400


def test_a_forwarded_host_cannot_poison_the_reset_link(client, teacher):
    mail.outbox.clear()
    client.post(RESET, {"email": teacher.email}, HTTP_X_FORWARDED_HOST="evil.example")
    assert mail.outbox
    for message in mail.outbox:
        assert "evil.example" not in message.body


# Forged htmx, forwarding and User-Agent headers ----------------------------------------------


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "https://evil.example/"}


def test_a_forged_htmx_request_gets_no_more_than_a_normal_one(client_as, teacher):
    response = client_as(teacher).get(reverse("pupils:pupil-list"), **HTMX)
    assert response.status_code == 403


def test_a_forged_htmx_request_for_another_schools_pupil_is_a_404(client_as, dsl, elsewhere):
    url = reverse("pupils:pupil-detail", args=[elsewhere["pupil"].pk])
    response = client_as(dsl).get(url, **HTMX, HTTP_HX_TARGET="body", HTTP_HX_BOOSTED="true")
    assert response.status_code == 404
    assert_nothing_from_elsewhere(html(response))


def test_a_forged_htmx_search_of_the_pupil_list_returns_only_this_schools_pupils(
    client_as, dsl, school, elsewhere
):
    PupilFactory(school=school, legal_first_name="Quentin", legal_last_name="Quartermaine")
    response = client_as(dsl).post(reverse("pupils:pupil-list"), {"q": "Quarterm"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in html(response)  # only the results fragment
    assert "Quentin" in html(response) and "Zebedee" not in html(response)


def test_the_session_clock_asked_as_json_says_nothing_about_records(client_as, teacher):
    response = client_as(teacher).get(
        reverse("accounts:session-status"), HTTP_ACCEPT="application/json", **HTMX
    )
    assert set(response.json()) == {"signed_in", "seconds_remaining", "limit"}


def test_a_user_agent_with_null_and_control_characters_is_no_error_and_no_log_forgery(
    client_as, teacher, school
):
    incident = recorded(membership(teacher, school))
    agent = "Mozilla/5.0\x00\r\nFAKE AUDIT LINE\x1b[2J"
    response = client_as(teacher).get(
        reverse("incidents:incident-detail", args=[incident.pk]), HTTP_USER_AGENT=agent
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="incident_viewed").latest("pk")
    assert "\x00" not in event.user_agent


def test_a_spoofed_forwarded_for_header_is_not_recorded_as_the_address(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    client_as(teacher).get(
        reverse("incidents:incident-detail", args=[incident.pk]),
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_REAL_IP="6.6.6.6",
        REMOTE_ADDR="198.51.100.20",
    )
    event = AuditEvent.objects.filter(action="incident_viewed").latest("pk")
    assert event.ip_address == "198.51.100.20"


# Too much at once ----------------------------------------------------------------------------


def test_too_many_form_fields_are_refused_without_an_error(client_as, teacher):
    data = {f"field{n}": "x" for n in range(2500)}
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 400


def test_a_request_body_too_big_for_memory_is_refused_without_an_error(
    client_as, teacher, pupil, school
):
    before = snapshot()
    data = incident_data(school, pupil, location="y" * (6 * 1024 * 1024))
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 400
    assert changes(before, snapshot()) == {}

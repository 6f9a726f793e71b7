"""The permission safety nets, generated from the URL configuration.

Nobody lists views here: every URL is found by walking the URL configuration,
so a new view is checked the moment it is wired up. For each of our views and
each role: no capability, 403; the capability, in; another school's object,
404 (the same as a missing one); signed out, sent to sign in.
"""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from safeguard.accounts.permissions import Capability, Role, capabilities_of
from tests.routes import KWARG_NAMES, OURS, ROUTES, fetch, signed_out_url

SIGNED_IN_ONLY = [route for route in ROUTES if not route.is_public]
# Statuses that mean "let in": a page, a redirect after a change, or a refusal
# of the (empty) data posted, which is the form's business, not permission's.
LET_IN = {200, 204, 302, 303, 400}


def cases(*, has_capability: bool, with_kwargs: bool = False) -> list:
    return [
        pytest.param(route, role, id=f"{route}-{role.value}")
        for route in OURS
        for role in Role
        if route.capability is not None
        and (route.capability in capabilities_of(role)) == has_capability
        and (route.kwargs or not with_kwargs)
    ]


# The walk itself


def test_the_url_walk_finds_our_views():
    names = {route.name for route in OURS}
    assert {"dashboard", "accounts:switch-school", "incidents:category-edit"} <= names


def test_every_view_declares_a_capability():
    offenders = [
        f"{route.pattern} ({route.module})"
        for route in ROUTES
        if route.capability is None and not route.is_public and not route.is_third_party
    ]
    assert offenders == [], (
        "These views neither declare @requires(Capability.X) nor are marked "
        "@login_not_required:\n" + "\n".join(offenders)
    )


def test_every_declared_capability_is_a_real_one():
    wrong = [
        str(r)
        for r in ROUTES
        if r.capability is not None and not isinstance(r.capability, Capability)
    ]
    assert wrong == []


def test_every_one_of_our_urls_has_a_name():
    assert [route.pattern for route in OURS if not route.name] == []


def test_every_url_keyword_of_ours_is_one_the_matrix_can_fill():
    unknown = [f"{route}: {kw}" for route in OURS for kw in route.kwargs if kw not in KWARG_NAMES]
    assert unknown == [], (
        "Use a shared keyword name, or add the new one to kwarg_objects():\n" + "\n".join(unknown)
    )


# The matrix


@pytest.mark.parametrize(("route", "role"), cases(has_capability=False))
def test_role_without_the_capability_is_refused(route, role, persona, client_as, ids_for):
    person = persona(role)
    response = fetch(client_as(person), route.url(ids_for(person)))
    assert response.status_code == 403, (
        f"{role.label} lacks {route.capability} but got {response.status_code} from {route}"
    )


@pytest.mark.parametrize(("route", "role"), cases(has_capability=True))
def test_role_with_the_capability_gets_in(route, role, persona, client_as, ids_for):
    person = persona(role)
    response = fetch(client_as(person), route.url(ids_for(person)))
    assert response.status_code in LET_IN, (
        f"{role.label} holds {route.capability} but got {response.status_code} from {route}"
    )
    if response.status_code in {302, 303}:
        assert not response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize(("route", "role"), cases(has_capability=True, with_kwargs=True))
def test_another_schools_object_is_not_found(route, role, persona, client_as, ids_elsewhere):
    response = fetch(client_as(persona(role)), route.url(ids_elsewhere))
    assert response.status_code == 404, (
        f"{role.label} reached another school's object at {route}: {response.status_code}"
    )


# Signed out


@pytest.mark.parametrize("route", SIGNED_IN_ONLY, ids=str)
def test_signed_out_visitor_is_sent_to_sign_in(route, client, ids_here):
    url = signed_out_url(route, ids_here)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"


@pytest.mark.parametrize("route", SIGNED_IN_ONLY, ids=str)
def test_signed_out_post_is_sent_to_sign_in(route, client, ids_here):
    url = signed_out_url(route, ids_here)
    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")

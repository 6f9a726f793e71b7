"""Every pupil URL: only DSLs and deputies; another school's ids are missing."""

import pytest
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db

# (url name, needs a pupil, needs a status, methods the view answers)
PUPIL_URLS = [
    ("pupils:pupil-list", False, False, ["get", "post"]),
    ("pupils:pupil-add", False, False, ["get", "post"]),
    ("pupils:pupil-detail", True, False, ["get"]),
    ("pupils:pupil-edit", True, False, ["get", "post"]),
    ("pupils:pupil-archive", True, False, ["get", "post"]),
    ("pupils:pupil-restore", True, False, ["post"]),
    ("pupils:status-add", True, False, ["get", "post"]),
    ("pupils:status-end", True, True, ["get", "post"]),
]
REFUSED_ROLES = [
    Role.SLT,
    Role.TEACHER,
    Role.TEACHING_ASSISTANT,
    Role.OFFICE,
    Role.MIDDAY,
    Role.OTHER,
    Role.GOVERNOR,
]
CASES = [(name, method) for name, _, _, methods in PUPIL_URLS for method in methods]


def url_for(name, status):
    _, needs_pupil, needs_status, _ = next(u for u in PUPIL_URLS if u[0] == name)
    kwargs = {}
    if needs_pupil:
        kwargs["pupil_id"] = status.pupil_id
    if needs_status:
        kwargs["status_id"] = status.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def status(school):
    return PupilStatusFactory(pupil=PupilFactory(school=school))


def test_every_pupil_url_is_covered_here():
    from safeguard.pupils.urls import urlpatterns

    assert {f"pupils:{p.name}" for p in urlpatterns} == {u[0] for u in PUPIL_URLS}


@pytest.mark.parametrize("role", REFUSED_ROLES)
@pytest.mark.parametrize(("name", "method"), CASES)
def test_roles_without_manage_pupils_are_refused(persona, client_as, status, role, name, method):
    client = client_as(persona(role))
    response = getattr(client, method)(url_for(name, status))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), CASES)
def test_signed_out_visitors_are_sent_to_sign_in(client, status, name, method):
    response = getattr(client, method)(url_for(name, status))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [(n, m) for n, m in CASES if n not in {"pupils:pupil-list", "pupils:pupil-add"}],
)
def test_another_schools_pupil_is_not_found(client_as, dsl_other_school, status, name, method):
    response = getattr(client_as(dsl_other_school), method)(url_for(name, status))
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_pupils_status_is_not_found(client_as, dsl, school, status, method):
    other_pupil = PupilFactory(school=school)
    url = reverse("pupils:status-end", kwargs={"pupil_id": other_pupil.pk, "status_id": status.pk})
    assert getattr(client_as(dsl), method)(url).status_code == 404


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL])
@pytest.mark.parametrize("name", [n for n, _, _, methods in PUPIL_URLS if "get" in methods])
def test_dsl_and_deputy_can_open_every_pupil_page(persona, client_as, status, role, name):
    response = client_as(persona(role)).get(url_for(name, status))
    assert response.status_code == 200


def test_state_changing_pupil_urls_refuse_get(client_as, dsl, status):
    assert client_as(dsl).get(url_for("pupils:pupil-restore", status)).status_code == 405

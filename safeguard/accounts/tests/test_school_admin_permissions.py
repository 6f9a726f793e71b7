"""Only DSLs and deputies reach the staff, group and school screens; ids stay in their school."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import StaffGroupFactory

pytestmark = pytest.mark.django_db

REFUSED_ROLES = [Role.TEACHER, Role.MIDDAY, Role.SLT, Role.GOVERNOR, Role.OFFICE]

# (url name, needs membership_id, needs group_id, method)
VIEWS = [
    ("school:staff-list", False, False, "get"),
    ("school:staff-invite", False, False, "get"),
    ("school:staff-invite", False, False, "post"),
    ("school:staff-detail", True, False, "get"),
    ("school:staff-detail", True, False, "post"),
    ("school:staff-change-role", True, False, "post"),
    ("school:staff-resend-invitation", True, False, "post"),
    ("school:staff-deactivate", True, False, "post"),
    ("school:staff-reactivate", True, False, "post"),
    ("school:group-list", False, False, "get"),
    ("school:group-create", False, False, "get"),
    ("school:group-create", False, False, "post"),
    ("school:group-update", False, True, "get"),
    ("school:group-update", False, True, "post"),
    ("school:group-members", False, True, "get"),
    ("school:group-members", False, True, "post"),
    ("school:group-delete", False, True, "get"),
    ("school:group-delete", False, True, "post"),
    ("school:school-settings", False, False, "get"),
    ("school:school-settings", False, False, "post"),
]
OBJECT_VIEWS = [v for v in VIEWS if v[1] or v[2]]


def _url(name: str, needs_membership: bool, needs_group: bool, membership, group) -> str:
    kwargs = {}
    if needs_membership:
        kwargs["membership_id"] = membership.pk
    if needs_group:
        kwargs["group_id"] = group.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", REFUSED_ROLES)
@pytest.mark.parametrize(("name", "needs_membership", "needs_group", "method"), VIEWS)
def test_staff_without_admin_capability_are_refused(
    role, name, needs_membership, needs_group, method, school, persona, teacher, client_as
):
    user = persona(role)
    target = Membership.objects.for_school(school).get(user=teacher)
    group = StaffGroupFactory(school=school, name="SEND team")
    url = _url(name, needs_membership, needs_group, target, group)

    response = getattr(client_as(user), method)(url)

    assert response.status_code == 403
    assert Membership.objects.for_school(school).get(user=teacher).is_active
    assert StaffGroup.objects.for_school(school).filter(pk=group.pk).exists()


@pytest.mark.parametrize(("name", "needs_membership", "needs_group", "method"), OBJECT_VIEWS)
def test_another_schools_staff_and_groups_are_not_found(
    name, needs_membership, needs_group, method, dsl, other_school, dsl_other_school, client_as
):
    elsewhere = Membership.objects.for_school(other_school).get(user=dsl_other_school)
    group = StaffGroupFactory(school=other_school, name="Pastoral team")
    url = _url(name, needs_membership, needs_group, elsewhere, group)

    response = getattr(client_as(dsl), method)(url, {"role": Role.TEACHER, "name": "Taken"})

    assert response.status_code == 404
    assert Membership.objects.for_school(other_school).get(pk=elsewhere.pk).role == Role.DSL
    assert StaffGroup.objects.for_school(other_school).get(pk=group.pk).name == "Pastoral team"


@pytest.mark.parametrize(("name", "needs_membership", "needs_group", "method"), VIEWS[:1])
def test_signed_out_visitors_are_sent_to_sign_in(
    name, needs_membership, needs_group, method, client
):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL])
@pytest.mark.parametrize(
    "name",
    [
        "school:staff-list",
        "school:staff-invite",
        "school:group-list",
        "school:group-create",
        "school:school-settings",
    ],
)
def test_dsl_and_deputy_open_every_admin_page(role, name, persona, client_as):
    response = client_as(persona(role)).get(reverse(name))

    assert response.status_code == 200

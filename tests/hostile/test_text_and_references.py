"""Direction-control characters, and record numbers that leak another school's activity.

A right-to-left override (U+202E) in a name or a record makes it read differently from
what it says ("Trojan Source"): names refuse them, and record text keeps them as typed
but shows each one as a visible marker. Record numbers used to be shared by every
school, so the gap between two of your own numbers counted another school's incidents:
people now see a per-school reference, and incident addresses carry an opaque key.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup, User
from safeguard.accounts.permissions import Role
from safeguard.incidents import actions
from safeguard.incidents.models import Category, Incident
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.models import Pupil

pytestmark = pytest.mark.django_db

# Embeddings, overrides and isolates (the issue), and the three invisible marks.
DIRECTION_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
NAMES_MESSAGE = "Names cannot contain invisible direction-control characters."


def marker(char: str) -> str:
    return f"[U+{ord(char):04X}]"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def membership(user, school=None) -> Membership:
    return Membership.objects.for_school(school or user.memberships.first().school).get(user=user)


# Names: refused with a specific message, nothing stored ------------------------------------


@pytest.mark.parametrize("char", DIRECTION_CONTROLS, ids=marker)
def test_a_staff_name_with_a_direction_control_is_refused(client_as, dsl, school, char):
    users = User.objects.count()
    response = client_as(dsl).post(
        reverse("school:staff-invite"),
        {
            "first_name": f"Nia{char}",
            "last_name": "Okafor",
            "email": "nia.okafor@larkspur.example",
            "role": Role.TEACHER,
            "job_title": "",
        },
    )
    assert response.context["form"].errors["first_name"] == [NAMES_MESSAGE]
    assert User.objects.count() == users
    assert f"Nia{char}" in page(response)  # what was typed stays in the form


def test_a_group_name_with_an_override_is_refused(client_as, dsl, school):
    response = client_as(dsl).post(
        reverse("school:group-create"), {"name": "Year 6\u202eTEAM", "description": ""}
    )
    assert response.context["form"].errors["name"] == [NAMES_MESSAGE]
    assert not StaffGroup.objects.for_school(school).filter(name__contains="TEAM").exists()


def test_a_school_name_with_an_override_is_refused(client_as, dsl, school):
    response = client_as(dsl).post(
        reverse("school:school-settings"),
        {
            "name": "Larkspur\u202e Primary",
            "urn": "",
            "email_domains": "",
            "idle_timeout_minutes": 20,
        },
    )
    assert response.context["form"].errors["name"] == [NAMES_MESSAGE]
    school.refresh_from_db()
    assert school.name == "Larkspur Primary"


def test_a_category_name_with_an_override_is_refused(client_as, dsl, school):
    count = Category.objects.for_school(school).count()
    response = client_as(dsl).post(
        reverse("categories:category-add"), {"name": "Bull\u202eying", "description": ""}
    )
    assert NAMES_MESSAGE in page(response)
    assert Category.objects.for_school(school).count() == count


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200f"], ids=marker)
def test_a_pupil_name_with_a_direction_control_is_refused(client_as, dsl, school, char):
    response = client_as(dsl).post(
        reverse("pupils:pupil-add"),
        {
            "legal_first_name": f"Amelia{char}",
            "legal_last_name": "Okafor",
            "date_of_birth": "2017-03-14",
            "sex": "F",
            "upn": "",
            "year_group": "3",
            "registration_group": "3B",
            "on_roll_on": "2021-09-01",
        },
    )
    assert NAMES_MESSAGE in page(response)
    assert not Pupil.objects.for_school(school).filter(legal_last_name="Okafor").exists()


# Record text: stored as typed, shown with each control made visible -------------------------


@pytest.mark.parametrize("char", DIRECTION_CONTROLS, ids=marker)
def test_incident_text_keeps_a_control_but_the_pages_show_it_as_a_marker(
    client_as, teacher, school, char
):
    text = f"She said he hit her {char}not{char} on purpose."
    incident = record_test_incident(membership(teacher, school), text=text)

    assert Incident.objects.for_school(school).get(pk=incident.pk).text == text
    client = client_as(teacher)
    for name in ("incidents:incident-detail", "incidents:incident-print"):
        html = page(client.get(reverse(name, args=[incident.pk])))
        assert char not in html, name
        assert f"hit her {marker(char)}not{marker(char)} on purpose" in html, name


def test_action_text_is_shown_with_the_override_visible(client_as, dsl, teacher, school):
    incident = record_test_incident(membership(teacher, school))
    actions.add_action(
        membership=membership(dsl, school),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Mum agreed \u202eto call\u202c back.",
        occurred_at=timezone.now(),
    )
    html = page(client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk])))
    assert "\u202e" not in html
    assert "Mum agreed [U+202E]to call[U+202C] back." in html

"""Direction-control characters, and record numbers that leak another school's activity.

A right-to-left override (U+202E) in a name or a record makes it read differently from
what it says ("Trojan Source"): names and descriptions refuse them, and record text keeps
them as typed but shows each one as a visible marker. Record numbers used to be shared by every
school, so the gap between two of your own numbers counted another school's incidents:
people now see a per-school reference, and incident addresses carry an opaque key.
"""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.incidents import models as incident_models
from safeguard.incidents.models import Category, Incident
from safeguard.incidents.services import actions
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.immutable import allow_purge
from safeguard.lib.tests.app_role import database_owner
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
        reverse("incidents:category-add"), {"name": "Bull\u202eying", "description": ""}
    )
    assert NAMES_MESSAGE in page(response)
    assert Category.objects.for_school(school).count() == count


DESCRIPTIONS_MESSAGE = "Descriptions cannot contain invisible direction-control characters."


@pytest.mark.parametrize("char", DIRECTION_CONTROLS, ids=marker)
def test_a_category_description_with_a_direction_control_is_refused(client_as, dsl, school, char):
    count = Category.objects.for_school(school).count()
    typed = f"Money or food taken{char} from a pupil"
    response = client_as(dsl).post(
        reverse("incidents:category-add"), {"name": "Extortion", "description": typed}
    )
    assert response.context["form"].errors["description"] == [DESCRIPTIONS_MESSAGE]
    assert Category.objects.for_school(school).count() == count
    assert response.context["form"]["description"].value() == typed  # kept to correct


def test_a_category_description_cannot_gain_an_override_when_edited(client_as, dsl, school):
    cat = Category.objects.for_school(school).get(name="Bullying")
    before = cat.description
    response = client_as(dsl).post(
        reverse("incidents:category-edit", args=[cat.pk]),
        {"name": "Bullying", "description": "Ignore\u202e this"},
    )
    assert DESCRIPTIONS_MESSAGE in page(response)
    cat.refresh_from_db()
    assert cat.description == before


@pytest.mark.parametrize("char", DIRECTION_CONTROLS, ids=marker)
def test_a_group_description_with_a_direction_control_is_refused(client_as, dsl, school, char):
    typed = f"Alert us{char} about SEND pupils"
    response = client_as(dsl).post(
        reverse("school:group-create"), {"name": "SEND team", "description": typed}
    )
    assert response.context["form"].errors["description"] == [DESCRIPTIONS_MESSAGE]
    assert not StaffGroup.objects.for_school(school).filter(name="SEND team").exists()
    assert response.context["form"]["description"].value() == typed


def test_the_slt_group_description_cannot_gain_an_override(client_as, dsl, school):
    slt = StaffGroup.objects.for_school(school).get(is_slt=True)
    before = slt.description
    response = client_as(dsl).post(
        reverse("school:group-update", args=[slt.pk]),
        {"name": slt.name, "description": "Senior\u202e leaders"},
    )
    assert DESCRIPTIONS_MESSAGE in page(response)
    slt.refresh_from_db()
    assert slt.description == before


def test_descriptions_stored_with_an_override_are_shown_with_it_visible(client_as, dsl, school):
    """Descriptions saved before they were checked still show each control as a marker."""
    Category.objects.for_school(school).filter(name="Bullying").update(
        description="Name-calling\u202e gnillac-emaN"
    )
    group = StaffGroup.objects.create(
        school=school, name="Year 6 team", description="Year 6\u2067 staff"
    )
    client = client_as(dsl)
    pages = {
        "category list": page(client.get(reverse("incidents:category-list"))),
        "group list": page(client.get(reverse("school:group-list"))),
        "group members": page(client.get(reverse("school:group-members", args=[group.pk]))),
    }
    assert "Name-calling[U+202E] gnillac-emaN" in pages["category list"]
    assert "Year 6[U+2067] staff" in pages["group list"]
    assert "Year 6[U+2067] staff" in pages["group members"]
    for name, text in pages.items():
        assert "\u202e" not in text and "\u2067" not in text, name


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
    actions.submit_action(
        membership=membership(dsl, school),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Mum agreed \u202eto call\u202c back.",
        occurred_at=timezone.now(),
    )
    html = page(client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk])))
    assert "\u202e" not in html
    assert "Mum agreed [U+202E]to call[U+202C] back." in html


# References: per school, unique, and addresses that count nothing --------------------------


def reference_of(incident: Incident) -> str:
    return (
        incident_models.IncidentReference.objects.for_school(incident.school_id)
        .get(incident=incident)
        .reference
    )


def test_each_school_counts_its_own_incidents(school, other_school, teacher):
    fern_teacher = member(other_school, Role.TEACHER, email="t@fernhill.example")
    year = timezone.localdate().year
    lark = [record_test_incident(membership(teacher, school)) for _ in range(2)]
    fern = record_test_incident(membership(fern_teacher, other_school))
    lark.append(record_test_incident(membership(teacher, school)))

    assert [reference_of(i) for i in lark] == [
        f"LAR-{year}-0001",
        f"LAR-{year}-0002",
        f"LAR-{year}-0003",
    ]
    assert reference_of(fern) == f"FER-{year}-0001"


def test_a_fernhill_teacher_sees_only_fernhill_references(client_as, school, other_school, teacher):
    fern_teacher = member(other_school, Role.TEACHER, email="t@fernhill.example")
    first = record_test_incident(membership(fern_teacher, other_school))
    for _ in range(3):
        record_test_incident(membership(teacher, school))
    second = record_test_incident(membership(fern_teacher, other_school))
    client = client_as(fern_teacher)

    listing = page(client.get(reverse("incidents:my-incidents")))
    assert reference_of(first) in listing and reference_of(second) in listing
    assert reference_of(second).endswith("-0002")
    assert "LAR-" not in listing
    for incident in (first, second):
        for name in ("incidents:incident-detail", "incidents:incident-print"):
            html = page(client.get(reverse(name, args=[incident.pk])))
            assert reference_of(incident) in html
            assert not re.search(rf"[Ii]ncident {incident.pk}\b", html)


def test_a_double_submit_gets_one_reference(client_as, teacher, school):
    key = uuid.uuid4()
    first = record_test_incident(membership(teacher, school), submit_key=key)
    again = record_test_incident(membership(teacher, school), submit_key=key)
    assert first.pk == again.pk
    assert incident_models.IncidentReference.objects.for_school(school).count() == 1


def test_the_database_refuses_a_reference_used_twice_in_a_school(teacher, school):
    incident = record_test_incident(membership(teacher, school))
    other = record_test_incident(membership(teacher, school))
    taken = incident_models.IncidentReference.objects.for_school(school).get(incident=incident)
    with pytest.raises(IntegrityError), transaction.atomic():
        with database_owner(), allow_purge():  # only the tables' owner may purge
            incident_models.IncidentReference.objects.for_school(school).filter(
                incident=other
            ).delete()
        incident_models.IncidentReference.objects.create(
            school=school, incident=other, year=taken.year, number=taken.number, reference="X"
        )


def test_a_reference_cannot_be_changed_afterwards(teacher, school):
    incident = record_test_incident(membership(teacher, school))
    # As the tables' owner, so the trigger itself answers (the app's PostgreSQL role may not
    # even try an UPDATE on a protected table).
    with (
        database_owner(),
        pytest.raises(Exception, match="cannot be changed"),
        transaction.atomic(),
    ):
        incident_models.IncidentReference.objects.for_school(school).filter(
            incident=incident
        ).update(reference="LAR-1999-0001")


def test_incident_addresses_carry_no_sequential_number(teacher, school):
    incident = record_test_incident(membership(teacher, school))
    url = reverse("incidents:incident-detail", args=[incident.pk])
    assert not re.search(r"/\d+/", url), url
    assert str(incident.pk) not in url.strip("/").split("/")


def test_pages_link_to_incidents_by_their_opaque_address(client_as, teacher, school):
    incident = record_test_incident(membership(teacher, school))
    listing = page(client_as(teacher).get(reverse("incidents:my-incidents")))
    assert reverse("incidents:incident-detail", args=[incident.pk]) in listing
    assert f"/incidents/{incident.pk}/" not in listing


@pytest.mark.parametrize("suffix", ["", "print/"])
def test_an_old_link_by_number_still_opens_the_incident(client_as, teacher, school, suffix):
    incident = record_test_incident(membership(teacher, school))
    response = client_as(teacher).get(f"/incidents/{incident.pk}/{suffix}?from=email")
    assert response.status_code == 302
    assert response.url == reverse("incidents:incident-detail", args=[incident.pk]) + (
        f"{suffix}?from=email"
    )
    assert client_as(teacher).get(response.url).status_code == 200


def test_an_old_link_to_another_schools_incident_is_not_found(
    client_as, school, other_school, teacher
):
    other = other_school
    fern_teacher = member(other, Role.TEACHER, email="t@fernhill.example")
    incident = record_test_incident(membership(fern_teacher, other))
    assert client_as(teacher).get(f"/incidents/{incident.pk}/").status_code == 404
    assert client_as(teacher).get(f"/incidents/{incident.pk + 999}/").status_code == 404


def test_an_opaque_address_made_up_or_tampered_with_is_not_found(client_as, teacher, school):
    incident = record_test_incident(membership(teacher, school))
    url = reverse("incidents:incident-detail", args=[incident.pk])
    key = url.rstrip("/").rsplit("/", 1)[-1]
    tampered = ("a" if key[0] != "a" else "b") + key[1:]
    assert client_as(teacher).get(url.replace(key, tampered)).status_code == 404


def test_another_teacher_gets_not_found_on_an_old_link_to_an_incident_they_cannot_see(
    client_as, teacher, school
):
    incident = record_test_incident(membership(teacher, school))
    colleague = member(school, Role.TEACHER, email="colleague@larkspur.example")
    assert client_as(colleague).get(f"/incidents/{incident.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_incidents_recorded_at_the_same_moment_get_different_numbers(school, teacher):
    """Two submits racing on PostgreSQL: the counter row lock makes the second wait."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the race needs PostgreSQL's row locks")
    author = membership(teacher, school)
    record_test_incident(author)  # the year's counter row exists, as it usually will

    def submit(_: int) -> str:
        try:
            return reference_of(record_test_incident(author))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        references = list(pool.map(submit, range(8)))
    assert len(set(references)) == 8
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(2, 10))


def test_a_post_to_an_old_link_is_not_found_and_changes_nothing(client_as, teacher, school):
    incident = record_test_incident(membership(teacher, school))
    response = client_as(teacher).post(
        f"/incidents/{incident.pk}/actions/add/",
        {"submit_key": str(uuid.uuid4()), "text": "Phoned home.", "occurred_at": "2026-01-01"},
    )
    assert response.status_code == 404
    assert not incident_models.Action.objects.for_school(school).filter(incident=incident).exists()


@pytest.mark.parametrize("suffix", ["x.css", "edit/", "../../settings.py"])
def test_an_old_link_to_a_page_that_does_not_exist_is_not_redirected(
    client_as, teacher, school, suffix
):
    incident = record_test_incident(membership(teacher, school))
    assert client_as(teacher).get(f"/incidents/{incident.pk}/{suffix}").status_code == 404

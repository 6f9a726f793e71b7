"""Your details: every signed-in person changes their own name, in all their schools."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

DETAILS = reverse("accounts:own-details")


def renamed(first: str = "Theresa", last: str = "Okafor") -> dict[str, str]:
    return {"first_name": first, "last_name": last}


@pytest.mark.parametrize("role", Role.values)
def test_every_role_can_open_and_change_their_own_details(client_as, persona, role):
    person = persona(role, first_name="Sam", last_name="Lee")
    client = client_as(person)

    page = client.get(DETAILS)
    response = client.post(DETAILS, renamed())

    assert page.status_code == 200
    assert 'value="Sam"' in page.content.decode()
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Theresa", "Okafor")


def test_the_account_menu_links_to_your_details(client_as, teacher):
    html = client_as(teacher).get(reverse("dashboard")).content.decode()
    assert f'<a href="{DETAILS}">Your details</a>' in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(DETAILS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_change_is_audited_with_the_changed_field_names_only(client_as, teacher, school):
    client_as(teacher).post(DETAILS, renamed(first="Terence", last=teacher.last_name))

    [event] = AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED)
    assert event.school == school
    assert event.actor == teacher
    assert event.detail == {"fields": ["first_name"]}
    assert "Terence" not in str(event.detail)


def test_nothing_changed_is_not_audited(client_as, teacher):
    client_as(teacher).post(DETAILS, renamed(teacher.first_name, teacher.last_name))
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED).exists()


def test_a_person_in_two_schools_is_audited_in_each(client_as, teacher, school, other_school):
    Membership.objects.create(school=other_school, user=teacher, role=Role.MIDDAY)

    client_as(teacher).post(DETAILS, renamed())

    events = AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED)
    assert sorted(e.school_id for e in events) == sorted([school.pk, other_school.pk])
    assert {tuple(e.detail["fields"]) for e in events} == {("first_name", "last_name")}


def test_a_former_schools_trail_is_not_told(client_as, teacher, school, other_school):
    Membership.objects.create(school=other_school, user=teacher, role=Role.SLT, is_active=False)

    client_as(teacher).post(DETAILS, renamed())

    events = AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED)
    assert [e.school_id for e in events] == [school.pk]


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        pytest.param(renamed(first=""), "first_name", "Enter your first name.", id="empty-first"),
        pytest.param(renamed(last="   "), "last_name", "Enter your last name.", id="blank-last"),
        pytest.param(
            renamed(first="T" * 101),
            "first_name",
            "Keep this to 100 characters or fewer (it has 101).",
            id="too-long",
        ),
        pytest.param(
            renamed(last="Okafor\u202e"),
            "last_name",
            "Names cannot contain invisible direction-control characters.",
            id="direction-control",
        ),
        pytest.param(
            renamed(first="Theresa\nBcc: x@example.com"),
            "first_name",
            "This contains control characters that aren't allowed.",
            id="line-break",
        ),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(client_as, teacher, typed, field, message):
    before = (teacher.first_name, teacher.last_name)

    response = client_as(teacher).post(DETAILS, typed)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"][field].value() == typed[field]
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.last_name) == before
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED).exists()


def test_the_email_address_is_shown_but_not_changed_here(client_as, teacher):
    client = client_as(teacher)
    html = client.get(DETAILS).content.decode()

    client.post(DETAILS, {**renamed(), "email": "terry@personal.example"})

    assert teacher.email in html
    assert reverse("account_email") in html
    teacher.refresh_from_db()
    assert teacher.email == "teacher@larkspur.example"


def test_a_name_typed_by_a_school_gives_way_to_the_persons_own(client_as, school, other_school):
    """A school that added an existing account typed a name for its screens; once the person
    sets their name themself, every school shows theirs."""
    nell = member(other_school, Role.TEACHER, first_name="Eleanor", last_name="Whitlock")
    here = Membership.objects.create(
        school=school, user=nell, role=Role.TEACHER, first_name="Nell", last_name="Typed"
    )

    client_as(nell).post(DETAILS, renamed("Nell", "Whitlock"))

    here.refresh_from_db()
    assert here.display_name == "Nell Whitlock"
    assert not here.is_named_here

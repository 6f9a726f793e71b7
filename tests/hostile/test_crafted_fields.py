"""Forms posted with fields they don't have, and ids that aren't the asker's to choose.

Fields the forms don't have are ignored: the author is always the person signed in, the
school always theirs, the times the server's own, the review state the DSL's business.
Everything chosen is posted by id; ids from elsewhere, archived pupils, retired categories,
deactivated colleagues and ids that aren't numbers are refused with a message next to the
field, and nothing is stored.
"""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.incidents.models import Action, Draft, Incident, IncidentReview
from safeguard.incidents.tests.factories import CategoryFactory, record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.helpers import (
    ADD,
    action_data,
    assert_nothing_from_elsewhere,
    category,
    errors_of,
    html,
    incident_data,
    membership,
    recorded,
)
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db


# Mass assignment through crafted POSTs ------------------------------------------------------
# Fields the forms don't have are ignored: the author is always the person signed in, the
# school always theirs, the times the server's own, the review state the DSL's business.


def test_crafted_author_school_times_and_status_fields_are_ignored_when_recording(
    client_as, teacher, dsl, pupil, school, elsewhere
):
    data = incident_data(
        school,
        pupil,
        author=str(dsl.pk),
        author_id=str(dsl.pk),
        school=str(elsewhere["school"].pk),
        school_id=str(elsewhere["school"].pk),
        recorded_at="2001-01-01T00:00:00Z",
        status="closed",
        is_withdrawn="on",
        id="1",
        pk="1",
    )
    started = timezone.now()
    response = client_as(teacher).post(ADD, data)

    assert response.status_code == 302
    incident = Incident.objects.for_school(school).get(submit_key=data["submit_key"])
    assert incident.author == teacher
    assert incident.school_id == school.pk
    assert incident.recorded_at >= started
    review = IncidentReview.objects.for_school(school).get(incident=incident)
    assert (review.status, review.is_withdrawn) == ("new", False)
    assert Incident.objects.for_school(elsewhere["school"]).count() == 1


def test_a_submit_key_used_by_someone_else_records_nothing_and_reveals_nothing(
    client_as, teacher, midday, pupil, school
):
    first = incident_data(school, pupil, text="The first, genuine account.")
    client_as(teacher).post(ADD, first)
    before = snapshot()

    second = incident_data(school, pupil, submit_key=first["submit_key"], text="Overwrite it.")
    response = client_as(midday).post(ADD, second)

    assert response.status_code == 200
    assert "This form was already used by someone else. Start a new incident." in errors_of(
        response
    )
    assert "The first, genuine account." not in html(response)
    assert changes(before, snapshot()) == {}


def test_a_teacher_crafting_a_restricted_category_records_nothing(
    client_as, teacher, pupil, school
):
    restricted = category(school, "Child protection")
    before = snapshot()
    response = client_as(teacher).post(
        ADD, incident_data(school, pupil, categories=[str(restricted.pk)])
    )
    assert response.status_code == 200
    assert any("Only a DSL can allocate “Child protection”" in m for m in errors_of(response))
    assert changes(before, snapshot()) == {}


def test_crafted_author_and_incident_fields_are_ignored_when_adding_an_action(
    client_as, teacher, dsl, school, elsewhere
):
    incident = recorded(membership(teacher, school))
    other = recorded(membership(dsl, school))
    data = action_data(
        author=str(dsl.pk),
        incident=str(other.pk),
        school=str(elsewhere["school"].pk),
        recorded_at="2001-01-01T00:00",
    )
    response = client_as(teacher).post(reverse("incidents:action-add", args=[incident.pk]), data)
    assert response.status_code == 302
    action = Action.objects.for_school(school).get(submit_key=data["submit_key"])
    assert (action.author, action.incident, action.school_id) == (teacher, incident, school.pk)
    assert action.recorded_at.year == timezone.now().year
    assert Action.objects.for_school(school).filter(incident=other).count() == 0


def test_the_staff_details_form_ignores_role_email_and_superuser_fields(
    client_as, dsl, teacher, school, elsewhere
):
    target = membership(teacher, school)
    url = reverse("school:staff-detail", args=[target.pk])
    response = client_as(dsl).post(
        url,
        {
            "first_name": "Terry",
            "last_name": "Renamed",
            "job_title": "Year 4",
            "role": Role.DSL,
            "email": "attacker@evil.example",
            "is_superuser": "on",
            "is_staff": "on",
            "school": str(elsewhere["school"].pk),
            "is_active": "",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    teacher.refresh_from_db()
    assert teacher.last_name == "Renamed"
    assert target.role == Role.TEACHER
    assert target.is_active
    assert teacher.email == "teacher@larkspur.example"
    assert not teacher.is_superuser and not teacher.is_staff
    assert target.school_id == school.pk


@pytest.mark.parametrize("role", [Role.SLT, Role.TEACHER, Role.MIDDAY, Role.GOVERNOR])
def test_a_non_dsl_cannot_change_their_own_role(role, persona, client_as, school):
    person = persona(role)
    own = membership(person, school)
    before = snapshot()
    response = client_as(person).post(
        reverse("school:staff-change-role", args=[own.pk]), {"role": Role.DSL}
    )
    assert response.status_code == 403
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        pytest.param(
            "pupils:pupil-add",
            {
                "legal_first_name": "Ava",
                "legal_last_name": "Stone",
                "date_of_birth": "2017-05-10",
                "year_group": "3",
                "sex": "F",
                "is_archived": "on",
            },
            id="pupil",
        ),
        pytest.param(
            "incidents:category-add",
            {"name": "Bullying online", "is_retired": "on", "position": "0"},
            id="category",
        ),
        pytest.param("school:group-create", {"name": "Sports team", "is_slt": "on"}, id="group"),
    ],
)
def test_a_crafted_school_field_still_creates_in_the_dsls_own_school(
    url_name, data, client_as, dsl, school, elsewhere
):
    theirs_before = {
        label: count_in(label, elsewhere["school"])
        for label in ("pupils.Pupil", "incidents.Category", "accounts.StaffGroup")
    }
    crafted = {**data, "school": elsewhere["school"].pk, "school_id": elsewhere["school"].pk}
    response = client_as(dsl).post(reverse(url_name), crafted)
    assert response.status_code == 302
    for label, number in theirs_before.items():
        assert count_in(label, elsewhere["school"]) == number
    if url_name == "pupils:pupil-add":
        assert not Pupil.objects.for_school(school).get(legal_last_name="Stone").is_archived
    elif url_name == "incidents:category-add":
        assert not category(school, "Bullying online").is_retired
    else:
        assert not StaffGroup.objects.for_school(school).get(name="Sports team").is_slt


def count_in(label: str, school) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.for_school(school).count()


def test_school_settings_change_only_the_dsls_own_school(client_as, dsl, school, elsewhere):
    other = elsewhere["school"]
    name_before = other.name
    response = client_as(dsl).post(
        reverse("school:school-settings"),
        {
            "id": other.pk,
            "pk": other.pk,
            "name": "Larkspur Primary School",
            "urn": "",
            "email_domains": "",
            "idle_timeout_minutes": "20",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    other.refresh_from_db()
    school.refresh_from_db()
    assert other.name == name_before
    assert school.name == "Larkspur Primary School"


def test_a_draft_saved_with_a_crafted_author_belongs_to_whoever_saved_it(
    client_as, teacher, dsl, school
):
    key = uuid.uuid4()
    response = client_as(teacher).post(
        reverse("incidents:draft-save"),
        {"submit_key": str(key), "text": "Half written.", "author": dsl.pk, "school": 999},
    )
    assert response.status_code == 200
    draft = Draft.objects.for_school(school).get(submit_key=key)
    assert draft.author == teacher


def test_saving_a_draft_over_someone_elses_draft_is_refused(client_as, teacher, midday, school):
    key = uuid.uuid4()
    client_as(teacher).post(
        reverse("incidents:draft-save"), {"submit_key": str(key), "text": "Mine."}
    )
    before = snapshot()
    response = client_as(midday).post(
        reverse("incidents:draft-save"), {"submit_key": str(key), "text": "Overwritten."}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "This draft belongs to someone else."}
    assert changes(before, snapshot()) == {}


# Bad references when recording --------------------------------------------------------------
# Everything chosen is posted by id; ids from elsewhere, archived pupils and retired
# categories are refused with a message next to the field, and nothing is stored.


def _archived_pupil(school):
    return PupilFactory(school=school, legal_first_name="Old", is_archived=True)


def _retired_category(school):
    return CategoryFactory(school=school, name="Old category", is_retired=True)


BAD_REFERENCES = {
    "archived-pupil": (
        lambda s, e: {"pupil": str(_archived_pupil(s).pk)},
        "This pupil is archived. Speak to your DSL if the incident is about them.",
    ),
    "other-schools-pupil": (
        lambda s, e: {"pupil": str(e["pupil"].pk)},
        "Choose the pupil from the list.",
    ),
    "other-schools-category": (
        lambda s, e: {"categories": [str(e["category"].pk)]},
        "Choose categories from the list.",
    ),
    "retired-category": (
        lambda s, e: {"categories": [str(_retired_category(s).pk)]},
        "Choose categories from the list.",
    ),
    "other-schools-group": (
        lambda s, e: {"groups": [str(e["group"].pk)]},
        "Choose groups from the list.",
    ),
    "other-schools-colleague": (
        lambda s, e: {"people": [str(e["membership"].pk)]},
        "Choose people from the list.",
    ),
    "own-schools-governor": (
        lambda s, e: {"people": [str(membership(member(s, Role.GOVERNOR), s).pk)]},
        "Choose people from the list.",
    ),
    "deactivated-colleague": (
        lambda s, e: {"people": [str(_deactivated(s).pk)]},
        "Choose people from the list.",
    ),
    "other-schools-dsl-spoken-to": (
        lambda s, e: {"spoke_to_dsl": "yes", "dsl_spoken_to": str(e["dsl_membership"].pk)},
        "Choose the DSL from the list.",
    ),
    "other-schools-linked-pupil": (
        lambda s, e: {"link_pupil": [str(e["pupil"].pk)]},
        "Choose linked pupils from the list.",
    ),
    "archived-linked-pupil": (
        lambda s, e: {"link_pupil": [str(_archived_pupil(s).pk)]},
        "Old is archived: only a DSL can link them.",
    ),
    "pupil-id-not-a-number": (
        lambda s, e: {"pupil": "1 OR 1=1"},
        "Choose the pupil from the list.",
    ),
    "linked-pupil-id-in-hex": (
        lambda s, e: {"link_pupil": ["0x1"]},
        "Choose linked pupils from the list.",
    ),
    "unknown-link-role": (lambda s, e: _unknown_role(s), "Choose how Kit is involved."),
    "unknown-kind": (
        lambda s, e: {"kind": "rumour"},
        "Say what you are recording: choose one of the options.",
    ),
}


def _deactivated(school) -> Membership:
    gone = membership(member(school, Role.TEACHER, first_name="Gone"), school)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return gone


def _unknown_role(school) -> dict:
    kit = PupilFactory(school=school, legal_first_name="Kit")
    return {"link_pupil": [str(kit.pk)], f"link_role_{kit.pk}": "instigator"}


@pytest.mark.parametrize("case", BAD_REFERENCES)
def test_a_bad_reference_posted_by_a_teacher_is_refused_and_records_nothing(
    case, client_as, teacher, pupil, school, elsewhere
):
    make, message = BAD_REFERENCES[case]
    data = incident_data(school, pupil, **make(school, elsewhere))
    before = snapshot()
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert changes(before, snapshot()) == {}
    assert_nothing_from_elsewhere(html(response))


def test_a_teachers_action_refuses_another_schools_colleagues_and_groups(
    client_as, teacher, school, elsewhere
):
    incident = recorded(membership(teacher, school))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(
            assigned_to=str(elsewhere["membership"].pk),
            due_on=f"{tomorrow:%Y-%m-%d}",
            people=[str(elsewhere["dsl_membership"].pk)],
            groups=[str(elsewhere["group"].pk)],
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["assigned_to"] == ["Choose from the list."]
    assert form.errors["people"] == ["Choose from the list."]
    assert form.errors["groups"] == ["Choose from the list."]
    assert changes(before, snapshot()) == {}
    assert_nothing_from_elsewhere(html(response))


def test_following_up_a_task_assigned_to_someone_else_is_refused(
    client_as, teacher, midday, dsl, school
):
    incident = recorded(membership(teacher, school))
    due = timezone.localdate() + datetime.timedelta(days=2)
    client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(assigned_to=str(membership(dsl, school).pk), due_on=f"{due:%Y-%m-%d}"),
    )
    task = Action.objects.for_school(school).get(incident=incident, assigned_to__isnull=False)
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]), action_data(follows_up=str(task.pk))
    )
    assert response.status_code == 400
    assert response.context["form"].errors["follows_up"] == [
        "Choose one of your tasks on this incident."
    ]
    assert changes(before, snapshot()) == {}


def test_moving_an_incident_to_another_schools_pupil_is_refused(
    client_as, dsl, teacher, pupil, school, elsewhere
):
    incident = record_test_incident(membership(teacher, school), pupil=pupil)
    before = snapshot()
    response = client_as(dsl).post(
        reverse("incidents:incident-move", args=[incident.pk]),
        {"step": "move", "pupil": str(elsewhere["pupil"].pk), "reason": "Wrong child."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["pupil"] == ["Choose a pupil from your school."]
    assert changes(before, snapshot()) == {}


def test_recategorising_with_another_schools_category_is_refused(
    client_as, dsl, teacher, school, elsewhere
):
    incident = record_test_incident(membership(teacher, school))
    before = snapshot()
    response = client_as(dsl).post(
        reverse("incidents:incident-recategorise", args=[incident.pk]),
        {"categories": [str(elsewhere["category"].pk)], "reason": "Reclassify."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["categories"] == ["Choose categories from the list."]
    assert changes(before, snapshot()) == {}


def test_a_group_cannot_gain_another_schools_staff(client_as, dsl, school, elsewhere):
    group = StaffGroup.objects.create(school=school, name="Year 3 team")
    before = snapshot()
    response = client_as(dsl).post(
        reverse("school:group-members", args=[group.pk]),
        {"members": [str(elsewhere["membership"].pk)]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"] == [
        "Choose active staff of your own school only."
    ]
    assert changes(before, snapshot()) == {}


def test_switching_to_a_school_you_have_no_role_in_is_refused(
    client_as, teacher, school, elsewhere
):
    client = client_as(teacher)
    response = client.post(
        reverse("accounts:switch-school"), {"school": elsewhere["school"].pk}, follow=True
    )
    assert escape("You don't have a role in that school.") in html(response)
    assert response.context["request"].school == school
    assert_nothing_from_elsewhere(html(client.get(reverse("incidents:my-incidents"))))


# Accepting an invitation ---------------------------------------------------------------------


def test_accepting_an_invitation_ignores_crafted_email_and_superuser_fields(client, dsl, school):
    from safeguard.accounts import services
    from safeguard.accounts.tasks import invitation_url

    invited = services.invite_staff(
        school=school,
        invited_by=dsl,
        first_name="Nia",
        last_name="Cole",
        email="nia@larkspur.example",
        role=Role.TEACHER,
        job_title="",
    ).user
    client.get(invitation_url(invited).removeprefix("http://localhost:8000"))
    response = client.post(
        reverse("accounts:invitation-set-password"),
        {
            "password1": "Brand-New-Pass-42!",
            "password2": "Brand-New-Pass-42!",
            "email": "attacker@evil.example",
            "is_superuser": "on",
            "is_staff": "on",
            "role": Role.DSL,
        },
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.email == "nia@larkspur.example"
    assert not invited.is_superuser and not invited.is_staff
    assert membership(invited, school).role == Role.TEACHER

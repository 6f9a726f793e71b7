"""The hostile-input suite: what a careful attacker tries, and the refusal each one gets.

Every test makes one attack through the real views, as a signed-in member of staff (or a
stranger), and checks two things: the specific refusal (status, message) and that nothing
was stored, changed or shown that should not be (a snapshot of every table before and
after, other schools' names absent from the page, the emails sent). Cases generated from
the URL walk (tests/routes.py) cover every view, including ones added later.

Categories, and how many inputs each tries (parametrised cases count one each):

 1. IDOR on object URLs: another school's id in each keyword of each URL, and a
    colleague's record, alert or draft, answer the same 404 as a missing id
    (one case per URL keyword, per same-school URL, plus the emailed alert link).
 2. IDOR through searches and autocomplete: pupil, staff and recipients suggestions,
    the pupil list search, the move-incident search, audit filters.
 3. Mass assignment: extra fields for author, times, school, status, withdrawal,
    superuser, role; a submit key reused by someone else; restricted categories.
 4. Editing or deleting a submitted incident: PUT, PATCH, DELETE and POST on every
    incident URL, and guessed edit/delete URLs.
 5. Bad references when recording: archived, retired, other schools' pupils,
    categories, groups, colleagues, DSLs and linked pupils; in actions too.
 6. CSRF: a POST without a token to every URL in the project.
 7. Stored XSS: five payloads in every text field staff can type, and in file names,
    shown escaped on every page that shows them.
 8. Files: disguised HTML/SVG/programs, archives that explode or climb out, path
    traversal and direction-override names, oversized and too many files.
 9. Brute force and enumeration on sign-in and reset.
10. TOTP replay.
11. Open redirects through `next` on sign-in, sign-out, switch school and "stay signed in".
12. Email header injection through names.
13. Sensitive pages cached.
14. Alert emails carrying more than author and category.
15. Double submits of incidents and actions, including a lost race.
16. Other bad input: NUL bytes and invalid UTF-8 in every form, huge text, future dates,
    overflowing and negative ids, web cache deception, method tampering, Host header
    injection, SQL-ish searches, forged htmx headers, odd page numbers, CSV formulas,
    too many fields.

The total is printed by `pytest tests/test_hostile_inputs.py --collect-only -q`.
"""

import datetime
import re
import uuid
from email.message import Message

import pyotp
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import Role, capabilities_of
from safeguard.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TOTP_SECRET,
    MembershipFactory,
    member,
    passed_second_factor,
)
from safeguard.audit.models import AuditEvent
from safeguard.incidents.models import (
    Action,
    Alert,
    Attachment,
    Category,
    Draft,
    Incident,
    IncidentReview,
)
from safeguard.incidents.tests.factories import CategoryFactory, record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile import files
from tests.hostile.payloads import (
    TEMPLATE_INJECTION,
    XSS_IMG,
    XSS_JS_URL,
    XSS_PAYLOADS,
    XSS_SCRIPT,
    assert_shown_as_text,
    shown_escaped,
)
from tests.hostile.state import changes, comparable, snapshot
from tests.routes import OURS, PLACEHOLDER_KWARGS, ROUTES, fetch

pytestmark = pytest.mark.django_db

ADD = reverse("incidents:incident-add")
LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
LET_IN = {200, 204, 302, 303, 400}


# Shared helpers -----------------------------------------------------------------------------


def category(school, name: str) -> Category:
    return Category.objects.for_school(school).get(name=name)


def slt_group(school) -> StaffGroup:
    return StaffGroup.objects.for_school(school).get(is_slt=True)


def membership(user, school) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def incident_data(school, pupil, /, **changes) -> dict:
    """What the Add Incident form posts, with changes."""
    now = timezone.localtime() - datetime.timedelta(minutes=5)
    data = {
        "submit_key": str(uuid.uuid4()),
        "pupil": str(pupil.pk),
        "kind": "conversation",
        "text": "She said she was hungry at home.",
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "location": "Playground",
        "spoke_to_dsl": "no",
        "categories": [str(category(school, "Family / home circumstances").pk)],
        "action": "submit",
    }
    data.update(changes)
    return data


def action_data(**changes) -> dict:
    when = timezone.localtime() - datetime.timedelta(minutes=5)
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": f"{when:%Y-%m-%dT%H:%M}",
    }
    data.update(changes)
    return data


def recorded(author_membership, pupil=None, **extra) -> Incident:
    """An incident recorded through the service, an hour ago (so actions can follow it)."""
    from safeguard.incidents import recording

    school = author_membership.school
    incident, _ = recording.record_incident(
        membership=author_membership,
        submit_key=uuid.uuid4(),
        pupil=pupil or PupilFactory(school=school),
        kind="conversation",
        text=extra.pop("text", "Sally said she was sad."),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        categories=[category(school, "Safeguarding concern")],
        **extra,
    )
    return incident


def errors_of(response) -> list[str]:
    """Every message in the Add Incident form's error summary."""
    return [message for _, message in response.context["error_summary"]]


def html(response) -> str:
    return response.content.decode()


def missing_value(kwarg: str):
    """A value no row has: an id far beyond any made here, or a fresh alert key."""
    return uuid.uuid4() if kwarg == "key" else 2_000_000_000


@pytest.fixture
def pupil(school) -> Pupil:
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def elsewhere(other_school, dsl_other_school):
    """The other school's people and records, with names that must never show here."""
    pupil = PupilFactory(
        school=other_school, legal_first_name="Zebedee", legal_last_name="Quartermaine"
    )
    colleague = member(
        other_school, Role.TEACHER, first_name="Xanthe", last_name="Faraway", email="x@fern.example"
    )
    group = StaffGroup.objects.create(school=other_school, name="Fernhill Zephyr Team")
    group.members.add(membership(colleague, other_school))
    cat = CategoryFactory(school=other_school, name="Fernhill Secret Category")
    incident = record_test_incident(
        membership(dsl_other_school, other_school),
        pupil=pupil,
        text="Fernhill confidential account.",
    )
    return {
        "school": other_school,
        "pupil": pupil,
        "colleague": colleague,
        "membership": membership(colleague, other_school),
        "dsl": dsl_other_school,
        "dsl_membership": membership(dsl_other_school, other_school),
        "group": group,
        "category": cat,
        "incident": incident,
    }


ELSEWHERE_WORDS = ("Zebedee", "Quartermaine", "Xanthe", "Faraway", "Zephyr", "Fernhill")


def assert_nothing_from_elsewhere(text: str) -> None:
    leaked = [word for word in ELSEWHERE_WORDS if word in text]
    assert leaked == [], f"another school's data in the response: {leaked}"


# 1. IDOR on object URLs -----------------------------------------------------------------------
# Each keyword of each URL, in turn, names the other school's object while the rest name
# the asker's own: the answer is the 404 a missing id gets, byte for byte, and nothing changes.

OBJECT_ROUTES = [route for route in OURS if route.kwargs]
IDOR_CASES = [
    pytest.param(route, kwarg, id=f"{route}-{kwarg}")
    for route in OBJECT_ROUTES
    for kwarg in route.kwargs
]


@pytest.mark.parametrize(("route", "kwarg"), IDOR_CASES)
def test_another_schools_id_gets_the_same_404_as_a_missing_one(
    route, kwarg, dsl, client_as, ids_for, ids_elsewhere
):
    client = client_as(dsl)
    mine = ids_for(dsl)
    before = snapshot()

    theirs = fetch(client, route.url({**mine, kwarg: ids_elsewhere[kwarg]}))
    missing = fetch(client, route.url({**mine, kwarg: missing_value(kwarg)}))

    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs) == comparable(missing)
    assert changes(before, snapshot()) == {}
    # The control: the same URL with the asker's own ids is not a 404.
    assert fetch(client, route.url(mine)).status_code in LET_IN


# A colleague's incident (not alerted to me), its action, file and alerts, and their draft:
# to a member of staff these don't exist.
STAFF_OBJECT_ROUTES = [
    route
    for route in OBJECT_ROUTES
    if route.capability is not None and route.capability in capabilities_of(Role.TEACHER)
]


@pytest.mark.parametrize("route", STAFF_OBJECT_ROUTES, ids=str)
def test_a_colleagues_record_is_a_404_identical_to_a_missing_one_for_staff(
    route, teacher, client_as, ids_here
):
    client = client_as(teacher)
    before = snapshot()

    colleagues = fetch(client, route.url(ids_here))
    missing = fetch(client, route.url({k: missing_value(k) for k in ids_here}))

    assert colleagues.status_code == missing.status_code == 404
    assert comparable(colleagues) == comparable(missing)
    assert "Sally said she was sad." not in html(colleagues)
    assert changes(before, snapshot()) == {}


PERSONAL_ROUTES = [
    route for route in OBJECT_ROUTES if {"alert_id", "key", "draft_id"} & set(route.kwargs)
]


@pytest.mark.parametrize("route", PERSONAL_ROUTES, ids=str)
def test_even_a_dsl_cannot_open_a_colleagues_alert_or_draft(route, dsl, client_as, ids_here):
    """A DSL sees every incident, but an alert belongs to its recipient and a draft to its
    author: the DSL gets the 404 a missing one gets, and the alert stays unread."""
    client = client_as(dsl)
    before = snapshot()

    colleagues = fetch(client, route.url(ids_here))
    missing = fetch(client, route.url({k: missing_value(k) for k in ids_here}))

    assert colleagues.status_code == missing.status_code == 404
    assert comparable(colleagues) == comparable(missing)
    assert changes(before, snapshot()) == {}


def test_a_malformed_alert_key_in_the_emailed_link_is_a_plain_404(client_as, teacher):
    client = client_as(teacher)
    for key in ("not-a-uuid", "00000000-0000-0000-0000-00000000000g", "%00", "..%2F..%2F"):
        assert client.get(f"/alerts/{key}/").status_code == 404


# 2. IDOR through searches and autocomplete ----------------------------------------------------


def test_pupil_suggestions_never_offer_another_schools_pupil(client_as, teacher, school, elsewhere):
    PupilFactory(school=membership(teacher, school).school, legal_first_name="Zebedina")
    response = client_as(teacher).post(reverse("incidents:pupil-search"), {"term": "Zebed"})
    assert response.status_code == 200
    assert "Zebedina" in html(response)  # the search works: our own pupil is found
    assert "Quartermaine" not in html(response)


def test_staff_suggestions_never_offer_another_schools_staff(client_as, teacher, elsewhere):
    response = client_as(teacher).post(reverse("incidents:staff-search"), {"term": "Xanthe"})
    assert response.status_code == 200
    assert "Faraway" not in html(response)


def test_who_will_be_told_ignores_another_schools_groups_people_and_categories(
    client_as, teacher, pupil, school, elsewhere
):
    data = incident_data(
        school,
        pupil,
        groups=[str(elsewhere["group"].pk)],
        people=[str(elsewhere["membership"].pk), str(elsewhere["dsl_membership"].pk)],
        categories=[str(elsewhere["category"].pk)],
    )
    response = client_as(teacher).post(reverse("incidents:recipients-preview"), data)
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))
    assert elsewhere["dsl"].email not in html(response)


def test_the_pupil_list_search_never_finds_another_schools_pupil(client_as, dsl, elsewhere):
    response = client_as(dsl).post(reverse("pupils:pupil-list"), {"q": "Quarterm"})
    assert response.status_code == 200
    assert response.context["pupils"] == []
    assert "Zebedee" not in html(response)


def test_the_move_incident_search_never_finds_another_schools_pupil(
    client_as, dsl, teacher, pupil, elsewhere
):
    incident = record_test_incident(membership(teacher, pupil.school), pupil=pupil)
    url = reverse("incidents:incident-move", args=[incident.pk])
    response = client_as(dsl).post(url, {"search": "Quarterm"})
    assert response.context["found"] == []
    assert "Zebedee" not in html(response)


def test_the_audit_trail_refuses_a_filter_on_another_schools_person(client_as, dsl, elsewhere):
    person = elsewhere["dsl"].pk
    response = client_as(dsl).get(reverse("audit:trail"), {"person": person})
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert "rows" not in response.context
    assert elsewhere["dsl"].email not in html(response)


def test_the_audit_export_refuses_a_filter_on_another_schools_person(client_as, dsl, elsewhere):
    response = client_as(dsl).get(reverse("audit:export"), {"person": elsewhere["dsl"].pk})
    assert response.status_code == 400
    assert elsewhere["dsl"].email not in html(response)


def test_the_incident_list_shows_a_dsl_nothing_from_another_school(client_as, dsl, elsewhere):
    response = client_as(dsl).get(reverse("incidents:incident-list"))
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))


def test_the_alert_list_of_someone_in_two_schools_shows_only_the_current_schools(
    client_as, school, elsewhere
):
    both = member(school, Role.TEACHER, first_name="Bea")
    MembershipFactory(user=both, school=elsewhere["school"], role=Role.TEACHER)
    Alert.objects.create(
        school=elsewhere["school"],
        incident=elsewhere["incident"],
        recipient=both,
        created_by=elsewhere["dsl"],
        reason="named",
        category_label="Fernhill Secret Category",
    )
    client = client_as(both)
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
    response = client.get(reverse("alerts:alert-list"))
    assert response.status_code == 200
    assert response.context["request"].school == school
    assert response.context["page"].paginator.count == 0
    # (Fernhill itself is named in the school switcher: they work there too.)
    assert "Fernhill Secret Category" not in html(response)


# 3. Mass assignment through crafted POSTs ------------------------------------------------------
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
            "categories:category-add",
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
    elif url_name == "categories:category-add":
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


# 4. Editing or deleting a submitted incident --------------------------------------------------
# No URL and no method changes a submitted incident, its actions or files.

RECORD_ROUTES = [
    "incidents:incident-detail",
    "incidents:incident-print",
    "incidents:action-add",
    "incidents:attachment-download",
    "incidents:incident-recategorise",
    "incidents:incident-move",
    "incidents:incident-withdraw",
    "incidents:incident-status",
    "incidents:incident-report-mistake",
]
KWARGS_OF = {route.name: route for route in OURS}


@pytest.fixture
def submitted(dsl, teacher, school, client_as, pupil):
    """An incident with an action and a file, recorded through the views."""
    client = client_as(teacher)
    data = incident_data(school, pupil, files=[files.upload("notes.txt", b"Typed notes.")])
    client.post(ADD, data)
    incident = Incident.objects.for_school(school).get(submit_key=data["submit_key"])
    added = client.post(reverse("incidents:action-add", args=[incident.pk]), action_data())
    assert added.status_code == 302
    attachment = Attachment.objects.for_school(school).get(incident=incident)
    return {"incident_id": incident.pk, "attachment_id": attachment.pk}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url_name", RECORD_ROUTES)
def test_put_patch_and_delete_on_any_incident_url_are_refused(
    url_name, method, submitted, client_as, dsl
):
    url = KWARGS_OF[url_name].url(submitted)
    before = snapshot()
    response = getattr(client_as(dsl), method)(
        url, "text=Rewritten&pupil=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 405
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "url_name",
    ["incidents:incident-detail", "incidents:incident-print", "incidents:attachment-download"],
)
def test_posting_new_text_to_a_read_only_incident_url_is_refused(
    url_name, submitted, client_as, dsl
):
    before = snapshot()
    response = client_as(dsl).post(
        KWARGS_OF[url_name].url(submitted), {"text": "Rewritten.", "location": "Nowhere"}
    )
    assert response.status_code == 405
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/{incident_id}/edit/",
        "/incidents/{incident_id}/delete/",
        "/incidents/{incident_id}/update/",
        "/incidents/{incident_id}/files/{attachment_id}/delete/",
        "/operator-admin/incidents/incident/{incident_id}/change/",
        "/operator-admin/incidents/incident/{incident_id}/delete/",
    ],
)
def test_guessed_edit_and_delete_urls_do_not_exist(path, submitted, client_as, dsl):
    before = snapshot()
    client = client_as(dsl)
    url = path.format(**submitted)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Rewritten.", "post": "yes"}).status_code == 404
    assert changes(before, snapshot()) == {}


# 5. Bad references when recording --------------------------------------------------------------
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
    assert_nothing_from_elsewhere(html(client.get(reverse("incidents:incident-list"))))


# 6. CSRF on every state-changing view ---------------------------------------------------------
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


# 7. Stored XSS in every text field ------------------------------------------------------------
# Each payload goes in through the real form, is stored exactly as typed, and comes out
# escaped on every page that shows it (and never as an active javascript: link).


class World:
    """A school with a DSL and a teacher, each with a signed-in browser."""

    def __init__(self, school, dsl, teacher, client_as):
        self.school = school
        self.dsl = dsl
        self.teacher = teacher
        self.lead = client_as(dsl)
        self.staff = client_as(teacher)
        self.pupil = PupilFactory(school=school, legal_first_name="Sally")

    def record(self, **changes) -> Incident:
        """The teacher records an incident that alerts the DSL."""
        data = incident_data(
            self.school,
            self.pupil,
            people=[str(membership(self.dsl, self.school).pk)],
            **changes,
        )
        response = self.staff.post(ADD, data)
        assert response.status_code == 302, errors_of(response)
        return Incident.objects.for_school(self.school).get(submit_key=data["submit_key"])

    def incident_pages(self, incident: Incident) -> list[tuple[Client, str]]:
        detail = reverse("incidents:incident-detail", args=[incident.pk])
        printed = reverse("incidents:incident-print", args=[incident.pk])
        return [
            (self.lead, detail),
            (self.staff, detail),
            (self.lead, printed),
            (self.lead, reverse("incidents:incident-list")),
            (self.lead, reverse("alerts:alert-list")),
            (self.lead, reverse("dashboard")),
        ]


def _post_ok(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    form = response.context.get("form") if response.context else None
    assert response.status_code == 302, form.errors if form is not None else response


def xss_incident_text(w: World, p: str):
    incident = w.record(text=f"She said: {p}")
    assert incident.text == f"She said: {p}"
    return w.incident_pages(incident)


def xss_location(w: World, p: str):
    incident = w.record(location=p)
    assert incident.location == p
    return w.incident_pages(incident)


def xss_body_map(w: World, p: str):
    marks = {
        "mark-1-side": "front",
        "mark-1-x": "500",
        "mark-1-y": "260",
        "mark-1-type": "bruise",
        "mark-1-colour": p,
        "mark-1-shape": p,
        "mark-1-size": p,
        "mark-1-note": p,
    }
    incident = w.record(**marks)
    mark = incident.marks.get()
    assert (mark.colour, mark.shape, mark.size, mark.note) == (p, p, p, p)
    return w.incident_pages(incident)


def xss_action_text(w: World, p: str):
    incident = w.record()
    due = timezone.localdate() + datetime.timedelta(days=3)
    _post_ok(
        w.staff,
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(
            text=p,
            assigned_to=str(membership(w.dsl, w.school).pk),
            due_on=f"{due:%Y-%m-%d}",
        ),
    )
    assert incident.actions.get().text == p
    return [*w.incident_pages(incident), (w.lead, reverse("incidents:task-list"))]


def xss_file_name(w: World, p: str):
    incident = w.record(files=[files.upload(f"{p}.txt", b"Notes.", "text/plain")])
    stored = incident.attachments.get().original_name
    assert stored.endswith(".txt")
    return w.incident_pages(incident)


def xss_pupil_name(w: World, p: str):
    _post_ok(
        w.lead,
        reverse("pupils:pupil-add"),
        {
            "legal_first_name": p,
            "legal_last_name": "Jones",
            "preferred_first_name": p,
            "date_of_birth": "2017-05-10",
            "year_group": "3",
            "sex": "F",
        },
    )
    pupil = Pupil.objects.for_school(w.school).get(legal_last_name="Jones")
    assert pupil.legal_first_name == p
    w.pupil = pupil
    incident = w.record()
    return [
        *w.incident_pages(incident),
        (w.lead, reverse("pupils:pupil-list")),
        (w.lead, reverse("pupils:pupil-detail", args=[pupil.pk])),
        (w.lead, reverse("audit:pupil-access", args=[pupil.pk])),
        (w.staff, ("POST", reverse("incidents:pupil-search"), {"term": "Jones"})),
        (w.staff, ("POST", ADD, {"action": "search-pupil", "pupil_query": "Jones"})),
    ]


def xss_staff_name(w: World, p: str):
    own = membership(w.teacher, w.school)
    _post_ok(
        w.lead,
        reverse("school:staff-detail", args=[own.pk]),
        {"first_name": p, "last_name": p, "job_title": p},
    )
    w.teacher.refresh_from_db()
    assert (w.teacher.first_name, w.teacher.last_name) == (p, p)
    incident = w.record()
    slt = slt_group(w.school)
    slt.members.add(own)
    return [
        *w.incident_pages(incident),
        (w.lead, reverse("school:staff-list")),
        (w.lead, reverse("school:staff-detail", args=[own.pk])),
        (w.lead, reverse("school:group-members", args=[slt.pk])),
        (w.lead, reverse("audit:trail")),
        (w.lead, ("POST", reverse("incidents:staff-search"), {"term": "Year"})),
        (w.lead, reverse("incidents:action-add", args=[incident.pk])),
    ]


def xss_group(w: World, p: str):
    _post_ok(w.lead, reverse("school:group-create"), {"name": p, "description": p})
    group = StaffGroup.objects.for_school(w.school).get(description=p)
    assert group.name == p
    group.members.add(membership(w.teacher, w.school))
    preview = incident_data(w.school, w.pupil, groups=[str(group.pk)])
    return [
        (w.lead, reverse("school:group-list")),
        (w.lead, reverse("school:group-members", args=[group.pk])),
        (w.lead, reverse("school:group-update", args=[group.pk])),
        (w.lead, reverse("school:group-delete", args=[group.pk])),
        (w.staff, ADD),
        (w.staff, ("POST", reverse("incidents:recipients-preview"), preview)),
        (w.lead, reverse("school:staff-detail", args=[membership(w.teacher, w.school).pk])),
    ]


def xss_category(w: World, p: str):
    _post_ok(w.lead, reverse("categories:category-add"), {"name": p, "description": p})
    made = Category.objects.for_school(w.school).get(description=p)
    assert made.name == p
    incident = w.record(categories=[str(made.pk)])
    return [
        *w.incident_pages(incident),
        (w.lead, reverse("categories:category-list")),
        (w.lead, reverse("categories:category-edit", args=[made.pk])),
        (w.staff, ADD),
    ]


def _correction(url_name: str, data_of):
    def attack(w: World, p: str):
        incident = w.record()
        _post_ok(w.lead, reverse(url_name, args=[incident.pk]), data_of(w, p))
        assert incident.corrections.filter(reason=p).exists()
        return w.incident_pages(incident)

    return attack


def xss_school_name(w: World, p: str):
    _post_ok(
        w.lead,
        reverse("school:school-settings"),
        {"name": p, "urn": "", "email_domains": "", "idle_timeout_minutes": "20"},
    )
    w.school.refresh_from_db()
    assert w.school.name == p
    return [
        (w.lead, reverse("dashboard")),
        (w.staff, reverse("dashboard")),
        (w.lead, reverse("school:school-settings")),
        (w.lead, reverse("school:staff-list")),
    ]


def xss_pupil_status_note(w: World, p: str):
    url = reverse("pupils:status-add", args=[w.pupil.pk])
    _post_ok(w.lead, url, {"kind": "sen_support", "started_on": "2024-09-02", "note": p})
    return [(w.lead, reverse("pupils:pupil-detail", args=[w.pupil.pk]))]


def xss_leaving_destination(w: World, p: str):
    url = reverse("pupils:pupil-archive", args=[w.pupil.pk])
    _post_ok(w.lead, url, {"left_on": "", "leaving_destination": p})
    return [
        (w.lead, reverse("pupils:pupil-detail", args=[w.pupil.pk])),
        (w.lead, reverse("pupils:pupil-list") + "?archived=on"),
    ]


XSS_FIELDS = {
    "incident-text": xss_incident_text,
    "incident-location": xss_location,
    "body-map-notes": xss_body_map,
    "action-text": xss_action_text,
    "file-name": xss_file_name,
    "pupil-names": xss_pupil_name,
    "staff-names-and-job-title": xss_staff_name,
    "group-name-and-description": xss_group,
    "category-name-and-description": xss_category,
    "withdraw-reason": _correction("incidents:incident-withdraw", lambda w, p: {"reason": p}),
    "status-reason": _correction(
        "incidents:incident-status", lambda w, p: {"status": "monitoring", "reason": p}
    ),
    "recategorise-reason": _correction(
        "incidents:incident-recategorise",
        lambda w, p: {
            "categories": [str(category(w.school, "Child protection").pk)],
            "reason": p,
        },
    ),
    "move-reason": _correction(
        "incidents:incident-move",
        lambda w, p: {
            "step": "move",
            "pupil": str(PupilFactory(school=w.school).pk),
            "reason": p,
        },
    ),
    "mistake-note": _correction("incidents:incident-report-mistake", lambda w, p: {"note": p}),
    "school-name": xss_school_name,
    "pupil-status-note": xss_pupil_status_note,
    "leaving-destination": xss_leaving_destination,
}


def _get(client: Client, target):
    if isinstance(target, tuple):
        _, url, data = target
        return client.post(url, data)
    return client.get(target)


@pytest.mark.parametrize("payload", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())
@pytest.mark.parametrize("field", XSS_FIELDS)
def test_script_typed_into_a_field_is_stored_as_typed_and_shown_as_text_everywhere(
    field, payload, school, dsl, teacher, client_as
):
    w = World(school, dsl, teacher, client_as)
    pages = XSS_FIELDS[field](w, payload)
    shown_somewhere = False
    for client, target in pages:
        response = _get(client, target)
        assert response.status_code == 200, target
        text = html(response)
        assert_shown_as_text(text, payload, where=str(target))
        shown_somewhere |= shown_escaped(text, payload)
    if field != "file-name":  # folders are cut from file names, so the payload is changed
        assert shown_somewhere, "the payload shows on none of the pages: the test is blind"


def test_template_syntax_typed_into_a_record_is_shown_literally(client_as, school, dsl, teacher):
    w = World(school, dsl, teacher, client_as)
    incident = w.record(text=TEMPLATE_INJECTION)
    page = html(w.lead.get(reverse("incidents:incident-detail", args=[incident.pk])))
    assert escape(TEMPLATE_INJECTION) in page
    assert "DEFAULT_PASSWORD" not in page and "<pre>" not in page


REFLECTED = {
    "pupil-list-search": lambda c: c.post(reverse("pupils:pupil-list"), {"q": XSS_IMG}),
    "pupil-suggestions": lambda c: c.post(reverse("incidents:pupil-search"), {"term": XSS_IMG}),
    "staff-suggestions": lambda c: c.post(reverse("incidents:staff-search"), {"term": XSS_IMG}),
    "add-incident-pupil-search": lambda c: c.post(
        ADD, {"action": "search-pupil", "pupil_query": XSS_IMG}
    ),
    "pupil-list-filters": lambda c: c.get(reverse("pupils:pupil-list"), {"group": XSS_IMG}),
    "audit-trail-filters": lambda c: c.get(
        reverse("audit:trail"), {"from": XSS_IMG, "action": XSS_IMG}
    ),
    "staff-list-filters": lambda c: c.get(reverse("school:staff-list"), {"role": XSS_IMG}),
    "page-number": lambda c: c.get(reverse("incidents:incident-list"), {"page": XSS_IMG}),
}


@pytest.mark.parametrize("attack", REFLECTED)
def test_script_in_a_search_or_filter_is_reflected_only_as_text(attack, client_as, dsl):
    response = REFLECTED[attack](client_as(dsl))
    assert response.status_code in (200, 400)
    assert_shown_as_text(html(response), XSS_IMG, where=attack)


@pytest.mark.parametrize("payload", [XSS_IMG, XSS_SCRIPT, XSS_JS_URL])
def test_script_in_the_sign_in_next_parameter_is_never_reflected_as_markup(client, payload):
    response = client.get(LOGIN, {"next": payload})
    assert response.status_code == 200
    assert_shown_as_text(html(response), payload, where="sign-in page")


# 8. Files ---------------------------------------------------------------------------------------
# Checked by content, not by name; stored under generated names; nothing is written when
# any file is refused; downloads are attachments the browser won't run.


@pytest.mark.parametrize("kind", files.DISGUISED)
def test_a_disguised_or_dangerous_file_is_refused_and_nothing_is_stored(
    kind, client_as, teacher, pupil, school
):
    before = snapshot()
    upload = files.disguised(kind)
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=[upload]))
    assert response.status_code == 200
    [problem] = response.context["file_errors"]
    assert "can't be attached" in problem or " is not " in problem or "archive" in problem
    assert changes(before, snapshot()) == {}


def test_a_disguised_file_on_an_action_is_refused_too(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(files=[files.upload("scan.pdf", files.HTML)]),
    )
    assert response.status_code == 400
    assert response.context["file_errors"] == [
        "'scan.pdf' is not a PDF: its content looks like HTML (a web page)."
    ]
    assert changes(before, snapshot()) == {}


def test_a_picture_of_absurd_size_is_refused_before_it_is_decoded(
    client_as, teacher, pupil, school
):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    before = snapshot()
    response = client_as(teacher).post(
        ADD, incident_data(school, pupil, files=[files.upload("flood.png", out.getvalue())])
    )
    [problem] = response.context["file_errors"]
    assert problem.startswith("'flood.png'") and "pixels" in problem
    assert changes(before, snapshot()) == {}


TRAVERSAL_NAMES = {
    "dot-dot-slash": ("../../../../etc/passwd.txt", "passwd.txt"),
    "dot-dot-backslash": ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    "absolute": ("/etc/cron.d/job.txt", "job.txt"),
    "drive-letter": ("C:\\Windows\\System32\\evil.txt", "evil.txt"),
    "hidden-file": (".htaccess.txt", "htaccess.txt"),
    "rtl-override": ("report\u202efdp.txt", "reportfdp.txt"),
    "escape-codes": ("\x1b[31mred\x1b[0m.txt", "[31mred[0m.txt"),
    "zero-width-and-bom": ("\ufeffnotes\u200f.txt", "notes.txt"),
}


@pytest.mark.parametrize("case", TRAVERSAL_NAMES)
def test_a_file_name_with_folders_or_tricks_is_kept_only_as_a_clean_display_name(
    case, client_as, teacher, pupil, school, settings
):
    from pathlib import Path

    name, shown = TRAVERSAL_NAMES[case]
    data = incident_data(school, pupil, files=[files.upload(name, b"Plain notes.")])
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 302
    attachment = Attachment.objects.for_school(school).get()
    assert attachment.original_name == shown
    assert re.fullmatch(rf"attachments/{school.pk}/[0-9a-f]{{32}}", attachment.stored_name)
    root = Path(settings.MEDIA_ROOT).resolve()
    assert (root / attachment.stored_name).resolve().is_relative_to(root / "attachments")
    download = client_as(teacher).get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1] and "\\" not in disposition


def test_a_file_name_smuggling_multipart_headers_is_refused_and_stores_nothing(
    client_as, teacher, pupil, school
):
    name = 'a"; filename=evil.html\r\nX-Injected: yes\r\n\r\n<script>.txt'
    before = snapshot()
    response = client_as(teacher).post(
        ADD, incident_data(school, pupil, files=[files.upload(name, b"Plain notes.")])
    )
    [problem] = response.context["file_errors"]
    assert problem.startswith("'evil.html' can't be attached: .html files aren't accepted.")
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param(
            'report"; filename="evil.html.txt', 'report"; filename="evil.html.txt', id="quotes"
        ),
        pytest.param("résumé «final».txt", "résumé «final».txt", id="non-ascii"),
    ],
)
def test_a_file_name_cannot_break_out_of_the_download_header(
    name, shown, client_as, teacher, pupil, school
):
    """(Browsers escape quotes in the upload itself; the stored name here is as a careless
    client might send it.)"""

    from safeguard.incidents.attachments import store_uploads

    client = client_as(teacher)
    incident = recorded(membership(teacher, school), pupil=pupil)
    [stored], problems = store_uploads([files.upload(name, b"Plain notes.")], school=school)
    assert problems == []
    attachment = Attachment.objects.create(
        school=school, incident=incident, uploaded_by=teacher, **vars(stored)
    )
    response = client.get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    header = Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    assert header.get_content_disposition() == "attachment"
    assert header.get_filename() == shown
    assert "\r" not in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        pytest.param("page.txt", files.HTML, "text/plain", id="html-in-a-text-file"),
        pytest.param(
            "scan.pdf", b"%PDF-1.4\n" + files.HTML, "application/pdf", id="pdf-html-polyglot"
        ),
    ],
)
def test_an_accepted_file_with_markup_inside_downloads_inert(
    name, data, content_type, client_as, teacher, pupil, school
):
    client = client_as(teacher)
    assert (
        client.post(ADD, incident_data(school, pupil, files=[files.upload(name, data)])).status_code
        == 302
    )
    attachment = Attachment.objects.for_school(school).get()
    response = client.get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    before = snapshot()
    big = files.upload("big.txt", b"a" * 1025, "text/plain")
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=[big]))
    assert response.context["file_errors"] == [
        "'big.txt' is 1.0\xa0KB; each file can be at most 1.0\xa0KB."
    ]
    assert changes(before, snapshot()) == {}


def test_more_files_than_allowed_are_refused_and_none_is_stored(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_FILES = 2
    before = snapshot()
    uploads = [files.upload(f"n{n}.txt", b"notes", "text/plain") for n in range(3)]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    assert response.context["file_errors"] == ["You chose 3 files; attach at most 2 at a time."]
    assert changes(before, snapshot()) == {}


def test_files_over_the_total_limit_are_refused_and_none_is_stored(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_TOTAL_BYTES = 2000
    before = snapshot()
    uploads = [files.upload(f"n{n}.txt", b"a" * 900, "text/plain") for n in range(3)]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    [problem] = response.context["file_errors"]
    assert "the limit is 2.0\xa0KB at a time" in problem
    assert changes(before, snapshot()) == {}


def test_one_bad_file_among_good_ones_stores_none_of_them(client_as, teacher, pupil, school):
    before = snapshot()
    uploads = [
        files.upload("good.txt", b"notes", "text/plain"),
        files.upload("photo.png", files.png_bytes(), "image/png"),
        files.upload("bad.pdf", files.HTML, "application/pdf"),
    ]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    assert len(response.context["file_errors"]) == 1
    assert changes(before, snapshot()) == {}


# 9. Brute force and user enumeration ----------------------------------------------------------

WRONG = "Wrong-Password-1!"


def _sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _without(text: str, *words: str) -> str:
    for word in words:
        text = text.replace(word, "<typed>")
    return text


def test_a_known_and_an_unknown_address_get_the_same_sign_in_refusal(client, teacher):
    known = _sign_in(client, teacher.email, WRONG)
    unknown = _sign_in(Client(), "nobody@larkspur.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert _without(comparable(known), teacher.email) == _without(
        comparable(unknown), "nobody@larkspur.example"
    )
    assert not known.cookies.get("sessionid") or "_auth_user_id" not in client.session


def test_guessing_a_password_is_throttled_after_five_tries(client, teacher):
    for _ in range(5):
        _sign_in(client, teacher.email, WRONG)
    response = _sign_in(client, teacher.email)
    assert "Too many failed login attempts. Try again later." in html(response)
    assert client.get(reverse("dashboard")).status_code == 302


def test_guessing_many_accounts_from_one_address_is_throttled(client, teacher):
    for n in range(10):
        _sign_in(client, f"guess{n}@larkspur.example", WRONG, REMOTE_ADDR="203.0.113.5")
    response = _sign_in(client, teacher.email, REMOTE_ADDR="203.0.113.5")
    assert "Too many failed login attempts. Try again later." in html(response)


def test_a_known_and_an_unknown_address_get_the_same_reset_answer(client, teacher):
    known = client.post(RESET, {"email": teacher.email}, follow=True)
    unknown = Client().post(RESET, {"email": "nobody@larkspur.example"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _without(comparable(known), teacher.email) == _without(
        comparable(unknown), "nobody@larkspur.example"
    )


def test_reset_requests_for_one_address_are_throttled(client, teacher):
    for _ in range(5):
        client.post(RESET, {"email": teacher.email})
    mail.outbox.clear()
    response = client.post(RESET, {"email": teacher.email})
    assert response.status_code == 429
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("uidb36", "key"),
    [("1", "abc-def"), ("zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "x"), ("0", "set-password")],
)
def test_a_forged_invitation_link_shows_the_same_invalid_page(client, uidb36, key):
    response = client.get(f"/accounts/invitation/{uidb36}-{key}/")
    assert response.status_code == 200
    assert "accounts/invitation_invalid.html" in [t.name for t in response.templates]


# 10. TOTP replay -------------------------------------------------------------------------------

NOON = datetime.datetime(2026, 11, 16, 12, 0, 5, tzinfo=datetime.UTC)


def _code_at(moment: datetime.datetime) -> str:
    return pyotp.TOTP(TOTP_SECRET).at(moment)


def test_a_second_factor_code_cannot_be_used_twice(dsl):
    with time_machine.travel(NOON, tick=False):
        code = _code_at(NOON)
        first = Client()
        assert _sign_in(first, dsl.email)["Location"] == reverse("mfa_authenticate")
        assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert first.get(reverse("dashboard")).status_code == 200

        thief = Client()
        _sign_in(thief, dsl.email)
        response = thief.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200
        assert "Incorrect code." in html(response)
        assert thief.get(reverse("dashboard")).status_code == 302


def test_a_code_from_an_earlier_step_is_refused(dsl):
    with time_machine.travel(NOON, tick=False):
        client = Client()
        _sign_in(client, dsl.email)
        stale = _code_at(NOON - datetime.timedelta(seconds=60))
        response = client.post(reverse("mfa_authenticate"), {"code": stale})
        assert "Incorrect code." in html(response)
        assert client.get(reverse("dashboard")).status_code == 302


def test_a_code_used_to_sign_in_cannot_confirm_a_sensitive_step_again(dsl):
    with time_machine.travel(NOON, tick=False):
        code = _code_at(NOON)
        client = Client()
        _sign_in(client, dsl.email)
        client.post(reverse("mfa_authenticate"), {"code": code})
        response = client.post(reverse("mfa_reauthenticate"), {"code": code})
        assert response.status_code == 200
        assert "Incorrect code." in html(response)

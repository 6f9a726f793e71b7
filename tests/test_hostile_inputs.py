"""The hostile-input suite: what a careful attacker tries, and the refusal each one gets.

Every test makes one attack through the real views, as a signed-in member of staff (or a
stranger), and checks two things: the specific refusal (status, message) and that nothing
was stored, changed or shown that should not be (a snapshot of every table before and
after, other schools' names absent from the page, the emails sent). Cases generated from
the URL walk (tests/routes.py) cover every view, including ones added later.

Categories, and how many inputs each tries (parametrised cases count one each; the URL
walk adds cases as views are added, so these are the counts when this was written, 834
in all; `pytest tests/test_hostile_inputs.py --collect-only -q` gives today's):

 1. IDOR on object URLs (54): another school's id in each keyword of each URL, a
    colleague's record, alert or draft, each the same 404 as a missing id, byte for byte.
 2. IDOR through searches and autocomplete (9): pupil, staff and recipients suggestions,
    the pupil list and move-incident searches, audit filters and export, lists.
 3. Mass assignment (15): extra fields for author, times, school, status, withdrawal,
    superuser, role and email; a submit key or draft key reused by someone else; a
    restricted category; a non-DSL changing their own role.
 4. Editing or deleting a submitted incident (36): PUT, PATCH and DELETE on every
    incident URL, POST on the read-only ones, guessed edit/delete/admin URLs.
 5. Bad references (21): archived, retired, deactivated, other schools' pupils,
    categories, groups, colleagues, DSLs and linked pupils, ids that aren't numbers; in
    actions, follow-ups, moves, recategorising, group members and switching school too.
 6. CSRF (95): a POST without the token to every URL in the project; a token from
    another session; a foreign Origin.
 7. Stored and reflected XSS (97): five payloads in seventeen fields (incident text,
    location, body map notes, action text, file names, pupil, staff, group, category
    and school names, four correction reasons and the mistake note, status notes,
    leaving destination), template syntax, and script in searches, filters and `next`.
 8. Files (34): HTML/SVG/programs disguised as PDF, images and Office files, a zip
    bomb, zip slip, double, homoglyph and direction-override extensions, path traversal
    and hidden names, header smuggling in names, a pixel flood, size, count and total
    limits, and inert downloads of accepted files with markup inside.
 9. Brute force and enumeration (8): sign-in and reset answers for known and unknown
    addresses, per-account and per-address throttles, forged invitation links.
10. TOTP replay (3): a code used twice, a code from an earlier step, a sign-in code
    reused to confirm a sensitive step.
11. Open redirects (60): ten payloads through `next` on sign-in, the second-factor
    step, sign-out, "stay signed in", switching school and confirming a password.
12. Email header injection (13): line breaks in staff, group, category and school names
    and in addresses; emails from people whose stored names hold line breaks.
13. Sensitive pages cached (6): records, print, download, pupil page, list, 404.
14. Alert emails (3): incident, action and mistake alerts hold no pupil name, date of
    birth, UPN, text, location or record address.
15. Double submits (6): the same incident or action twice, a lost race on the submit
    key, an action key reused elsewhere or by someone else, a draft revived after submit.
16. Other bad input (353): NUL bytes and invalid UTF-8 in every field of every form,
    huge, empty, control-character and damaged text, future and impossible dates, body
    map marks off the drawing, overflowing, zero, negative and malformed ids in every
    URL, web cache deception, GET/HEAD/OPTIONS on POST-only views, forged Host headers,
    a poisoned reset link, SQL-ish searches, forged htmx headers, odd page numbers and
    audit filters, spreadsheet formulas in the audit export, too many fields, too big
    a body.
17. More (21): drafts stuffed with other schools' ids, follow-up links to others' tasks,
    NUL and line breaks in the User-Agent, spoofed X-Forwarded-For (audit address and
    throttle), a planted session id, broken bytes in the signed-out forms and code step,
    an invitation accepted with crafted fields, a huge search, a DSL demoted mid-session,
    NUL in type-ahead searches.
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
    REDIRECTS,
    SQLISH,
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
        "intent": "submit",
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
    from safeguard.incidents.services import recording

    school = author_membership.school
    incident = recording.submit_incident(
        membership=author_membership,
        submit_key=uuid.uuid4(),
        pupil=pupil or PupilFactory(school=school),
        kind="conversation",
        text=extra.pop("text", "Sally said she was sad."),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        categories=[category(school, "Safeguarding concern")],
        **extra,
    ).record
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


def test_the_alert_list_of_someone_in_two_schools_shows_only_schools_they_still_work_in(
    client_as, school, elsewhere
):
    """Their own alert from the other school is listed, named by school,
    but not once their role there has ended."""
    both = member(school, Role.TEACHER, first_name="Bea")
    there = MembershipFactory(user=both, school=elsewhere["school"], role=Role.TEACHER)
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
    response = client.get(reverse("incidents:alert-list"))
    assert response.context["request"].school == school
    assert response.context["page"].paginator.count == 1
    assert "Fernhill Secret Category" in html(response)
    there.is_active = False
    there.save()
    response = client.get(reverse("incidents:alert-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
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
            (self.lead, reverse("incidents:alert-list")),
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
    return [*w.incident_pages(incident), (w.lead, reverse("incidents:assignment-list"))]


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
            "legal_last_name": "Quillfeather",
            "preferred_first_name": p,
            "date_of_birth": "2017-05-10",
            "year_group": "3",
            "sex": "F",
        },
    )
    pupil = Pupil.objects.for_school(w.school).get(legal_last_name="Quillfeather")
    assert pupil.legal_first_name == p
    w.pupil = pupil
    incident = w.record()
    return [
        *w.incident_pages(incident),
        (w.lead, reverse("pupils:pupil-list")),
        (w.lead, reverse("pupils:pupil-detail", args=[pupil.pk])),
        (w.lead, reverse("audit:pupil-access", args=[pupil.pk])),
        (w.staff, ("POST", reverse("incidents:pupil-search"), {"term": "Quillfeather"})),
        (w.staff, ("POST", ADD, {"intent": "search-pupil", "pupil_query": "Quillfeather"})),
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
    _post_ok(w.lead, reverse("incidents:category-add"), {"name": p, "description": p})
    made = Category.objects.for_school(w.school).get(description=p)
    assert made.name == p
    incident = w.record(categories=[str(made.pk)])
    return [
        *w.incident_pages(incident),
        (w.lead, reverse("incidents:category-list")),
        (w.lead, reverse("incidents:category-edit", args=[made.pk])),
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
        ADD, {"intent": "search-pupil", "pupil_query": XSS_IMG}
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

    from safeguard.incidents.services.attachments import store_uploads

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
    assert "_auth_user_id" not in client.session


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


# 11. Open redirects ----------------------------------------------------------------------------
# Wherever a "next" address is honoured, only this site's own pages are.


def stays_on_site(location: str) -> bool:
    """Where a browser would go: tabs and newlines dropped, backslashes read as slashes."""
    from urllib.parse import urljoin, urlsplit

    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin("http://testserver/somewhere/", cleaned))
    return target.scheme in ("http", "https") and target.netloc == "testserver"


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_in_never_sends_you_off_site(target, client, teacher):
    response = client.post(
        LOGIN, {"login": teacher.email, "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_in_with_a_second_factor_never_sends_you_off_site(target, dsl):
    with time_machine.travel(NOON, tick=False):
        client = Client()
        client.post(LOGIN + "?next=" + target, {"login": dsl.email, "password": DEFAULT_PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": _code_at(NOON)})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_out_never_sends_you_off_site(target, client_as, teacher):
    response = client_as(teacher).post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_stay_signed_in_never_sends_you_off_site(target, client_as, teacher):
    response = client_as(teacher).post(reverse("accounts:session-keep-alive"), {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_switching_school_never_sends_you_off_site(target, client_as, teacher, school):
    response = client_as(teacher).post(
        reverse("accounts:switch-school") + "?next=" + target, {"school": school.pk, "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_confirming_your_password_never_sends_you_off_site(target, client_as, teacher):
    client = client_as(teacher)
    response = client.post(
        reverse("account_reauthenticate") + "?next=" + target,
        {"password": DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


# 12. Email header injection through names -------------------------------------------------------
# Names end up in emails (the alert names its author; the invitation its sender and school).
# A line break in a name must be refused at the form, so no email can carry a second header.

INJECTED = "Dana\r\nBcc: spy@evil.example"


def _no_injected_headers(messages: list) -> None:
    for message in messages:
        assert message["Bcc"] is None and message["Cc"] is None
        assert "evil.example" not in message["X-Envelope-To"]
        # Long subjects are folded onto continuation lines (which start with a space).
        subject = re.sub(r"\r?\n[ \t]", " ", message["Subject"] or "")
        assert "\n" not in subject and "\r" not in subject


@pytest.mark.parametrize("field", ["first_name", "last_name", "job_title"])
def test_a_line_break_in_a_staff_name_is_refused(field, client_as, dsl, teacher, school):
    target = membership(teacher, school)
    data = {"first_name": "Terry", "last_name": "Smith", "job_title": "Teacher", field: INJECTED}
    before = snapshot()
    response = client_as(dsl).post(reverse("school:staff-detail", args=[target.pk]), data)
    assert response.status_code == 200
    assert response.context["details_form"].errors[field]
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("field", ["first_name", "last_name", "job_title"])
def test_a_line_break_in_an_invited_persons_name_is_refused(field, client_as, dsl, school):
    data = {
        "first_name": "Nia",
        "last_name": "Cole",
        "email": "nia@larkspur.example",
        "role": Role.TEACHER,
        "job_title": "",
        field: INJECTED,
    }
    before = snapshot()
    mail.outbox.clear()
    response = client_as(dsl).post(reverse("school:staff-invite"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert changes(before, snapshot()) == {}
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        pytest.param(
            "school:group-create", {"name": INJECTED, "description": ""}, "name", id="group"
        ),
        pytest.param(
            "incidents:category-add", {"name": INJECTED, "description": ""}, "name", id="category"
        ),
        pytest.param(
            "school:school-settings",
            {"name": INJECTED, "urn": "", "email_domains": "", "idle_timeout_minutes": "20"},
            "name",
            id="school",
        ),
    ],
)
def test_a_line_break_in_a_name_that_reaches_emails_is_refused(
    url_name, data, field, client_as, dsl
):
    before = snapshot()
    response = client_as(dsl).post(reverse(url_name), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert changes(before, snapshot()) == {}


def test_an_invitation_to_an_address_with_a_hidden_second_recipient_is_refused(client_as, dsl):
    mail.outbox.clear()
    response = client_as(dsl).post(
        reverse("school:staff-invite"),
        {
            "first_name": "Nia",
            "last_name": "Cole",
            "email": "nia@larkspur.example\r\nBcc: spy@evil.example",
            "role": Role.TEACHER,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_a_reset_request_for_an_address_with_a_hidden_recipient_sends_nothing_there(
    client, teacher
):
    mail.outbox.clear()
    client.post(RESET, {"email": f"{teacher.email}\r\nBcc: spy@evil.example"})
    assert all("spy@evil.example" not in " ".join(m.recipients()) for m in mail.outbox)
    assert all("spy@evil.example" not in str(m.message()) for m in mail.outbox)


def test_alert_emails_from_an_author_with_an_odd_name_carry_no_extra_header(
    smtp_server, school, dsl, pupil, django_capture_on_commit_callbacks
):
    """Names stored before the form refused line breaks (or imported) still can't inject."""
    author = member(school, Role.TEACHER, first_name=INJECTED, last_name="Cole\rCc: x@evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        recorded(membership(author, school), pupil=pupil, people=[membership(dsl, school)])
    assert smtp_server
    _no_injected_headers(smtp_server)
    assert {m["X-Envelope-To"] for m in smtp_server} == {dsl.email}


def test_an_invitation_from_a_sender_with_an_odd_name_carries_no_extra_header(
    smtp_server, school, client_as, django_capture_on_commit_callbacks
):
    sender = member(school, Role.DSL, first_name=INJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(sender).post(
            reverse("school:staff-invite"),
            {
                "first_name": "Nia",
                "last_name": "Cole",
                "email": "nia@larkspur.example",
                "role": "teacher",
            },
        )
    assert response.status_code == 302
    assert smtp_server
    _no_injected_headers(smtp_server)
    assert {m["X-Envelope-To"] for m in smtp_server} == {"nia@larkspur.example"}


# 13. Sensitive pages cached --------------------------------------------------------------------


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


# 14. Alert emails carry only the author and the category ----------------------------------------


def _alert_emails(smtp_server, run) -> list:
    smtp_server.clear()
    run()
    assert smtp_server, "no email was sent: the test would see nothing"
    return list(smtp_server)


def _assert_nothing_sensitive(messages, *secrets: str) -> None:
    for message in messages:
        text = f"{message['Subject']}\n{message.get_payload(decode=True).decode()}"
        for secret in secrets:
            assert secret not in text, f"{secret!r} in an alert email"
        assert "/incidents/" not in text and "/pupils/" not in text  # the link is opaque


@pytest.fixture
def identifiable_pupil(school):
    return PupilFactory(
        school=school,
        legal_first_name="Philippa",
        legal_last_name="Ravensworth",
        preferred_first_name="Pippa",
        date_of_birth=datetime.date(2016, 2, 29),
    )


SECRETS = (
    "Philippa",
    "Ravensworth",
    "Pippa",
    "29/02/2016",
    "2016-02-29",
    "29 February 2016",
    "bruise on her wrist",
    "behind the bike shed",
)


def test_an_incident_alert_email_names_only_author_and_category(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    data = incident_data(
        school,
        identifiable_pupil,
        text="Pippa showed me a bruise on her wrist.",
        location="behind the bike shed",
        people=[str(membership(dsl, school).pk)],
    )

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            assert client_as(teacher).post(ADD, data).status_code == 302

    messages = _alert_emails(smtp_server, run)
    _assert_nothing_sensitive(messages, *SECRETS, identifiable_pupil.upn)
    body = messages[0].get_payload(decode=True).decode()
    assert teacher.full_name in body and "Family / home circumstances" in body


def test_an_action_alert_email_names_only_author_and_category(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    incident = recorded(membership(teacher, school), pupil=identifiable_pupil)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            client_as(teacher).post(
                reverse("incidents:action-add", args=[incident.pk]),
                action_data(
                    text="Spoke to Pippa Ravensworth about the bruise on her wrist.",
                    people=[str(membership(dsl, school).pk)],
                ),
            )

    _assert_nothing_sensitive(_alert_emails(smtp_server, run), *SECRETS)


def test_a_mistake_report_email_carries_no_note_or_pupil(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    incident = recorded(membership(teacher, school), pupil=identifiable_pupil)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            client_as(teacher).post(
                reverse("incidents:incident-report-mistake", args=[incident.pk]),
                {"note": "It was Philippa Ravensworth behind the bike shed, not her sister."},
            )

    _assert_nothing_sensitive(_alert_emails(smtp_server, run), *SECRETS)


# 15. Double submits ----------------------------------------------------------------------------


def test_the_same_incident_submitted_twice_is_recorded_once(client_as, teacher, pupil, school):
    client = client_as(teacher)
    data = incident_data(school, pupil)
    first = client.post(ADD, data)
    second = client.post(ADD, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.for_school(school).count() == 1
    assert AuditEvent.objects.filter(action="incident_recorded").count() == 1


def test_a_submit_that_loses_the_race_returns_the_winners_incident(
    client_as, teacher, pupil, school, monkeypatch
):
    """Two requests with one key at the same moment: both pass the "already recorded?"
    check; the database's unique key lets one insert win and the other returns it."""
    from safeguard.incidents.services import submitting

    data = incident_data(school, pupil)
    client = client_as(teacher)
    assert client.post(ADD, data).status_code == 302
    real = submitting.submitted_before
    calls = []

    def first_look_misses(model, **lookup):
        calls.append(lookup["submit_key"])
        return None if len(calls) == 1 else real(model, **lookup)

    monkeypatch.setattr(submitting, "submitted_before", first_look_misses)
    before = snapshot()
    response = client.post(ADD, data)
    assert response.status_code == 302
    assert len(calls) == 2  # the insert failed on the unique key, and the winner was found
    assert changes(before, snapshot()) == {}


def test_the_same_action_submitted_twice_is_added_once(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    client = client_as(teacher)
    data = action_data()
    url = reverse("incidents:action-add", args=[incident.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Action.objects.for_school(school).filter(incident=incident).count() == 1


def test_an_action_key_reused_on_another_incident_adds_nothing(client_as, teacher, school):
    first = recorded(membership(teacher, school))
    second = recorded(membership(teacher, school))
    client = client_as(teacher)
    data = action_data()
    client.post(reverse("incidents:action-add", args=[first.pk]), data)
    before = snapshot()
    response = client.post(reverse("incidents:action-add", args=[second.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This form was already used. Reload the page to add a new action."
    ]
    assert changes(before, snapshot()) == {}


def test_an_action_key_reused_by_someone_else_adds_nothing(client_as, teacher, dsl, school):
    incident = recorded(membership(teacher, school))
    data = action_data()
    url = reverse("incidents:action-add", args=[incident.pk])
    client_as(teacher).post(url, data)
    before = snapshot()
    response = client_as(dsl).post(url, {**data, "text": "Overwritten."})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This form was already used. Reload the page to add a new action."
    ]
    assert changes(before, snapshot()) == {}


def test_a_draft_cannot_be_revived_after_its_incident_is_submitted(
    client_as, teacher, pupil, school
):
    client = client_as(teacher)
    data = incident_data(school, pupil)
    client.post(ADD, data)
    before = snapshot()
    response = client.post(reverse("incidents:draft-save"), {**data, "text": "Rewritten."})
    assert response.status_code == 400
    assert response.json() == {"error": "This incident has already been submitted."}
    assert changes(before, snapshot()) == {}


# 16. Other bad input ---------------------------------------------------------------------------


def _form_field_names(response) -> set[str]:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return set()
    if response.streaming:
        return set()
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"', html(response)))
    return names - {"csrfmiddlewaretoken"}


FORM_ROUTES = [route for route in OURS if route.name]


@pytest.mark.parametrize("route", FORM_ROUTES, ids=str)
def test_null_bytes_in_every_field_of_every_form_never_cause_an_error(
    route, dsl, client_as, ids_for
):
    """Every field the page shows (and a few it doesn't) gets a NUL byte: never a 500."""
    client = client_as(dsl)
    url = route.url(ids_for(dsl))
    page = client.get(url)
    fields = _form_field_names(page)
    fields |= {"text", "name", "q", "term", "reason", "note", "submit_key", "school"}
    response = client.post(url, {name: "a\x00b" for name in fields})
    assert response.status_code < 500


@pytest.mark.parametrize("route", FORM_ROUTES, ids=str)
def test_invalid_utf8_in_every_form_never_causes_an_error(route, dsl, client_as, ids_for):
    client = client_as(dsl)
    url = route.url(ids_for(dsl))
    page = client.get(url)
    fields = _form_field_names(page)
    fields |= {"text", "name", "q", "term", "reason", "note"}
    body = "&".join(f"{name}=%FF%FE%C0%AF%ED%A0%80" for name in sorted(fields))
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("changes_", "message"),
    [
        pytest.param(
            {"text": "a\x00b"},
            "This contains a null character, which usually means it was pasted from a damaged "
            "file. Please retype that part.",
            id="nul-in-text",
        ),
        pytest.param(
            {"text": "broken \ufffd text"},
            "The text contains characters that couldn't be read (shown as �). "
            "Please retype the part you pasted.",
            id="replacement-character-in-text",
        ),
        pytest.param(
            {"text": "x" * 200_000},
            "This is 200,000 characters long; the limit is 100,000. "
            "Attach a longer document as a file instead.",
            id="200000-characters",
        ),
        pytest.param(
            {"text": "   \n\t  "}, "Write what happened: this can't be empty.", id="only-spaces"
        ),
        pytest.param(
            {"text": "bell \x07 and escape \x1b[2J"},
            "The text contains invisible control characters. Please retype the part you pasted.",
            id="control-characters",
        ),
        pytest.param(
            {"location": "Hall\u202eeht ni"},
            "Places cannot contain invisible direction-control characters.",
            id="rtl-override-in-location",
        ),
        pytest.param(
            {"location": "x" * 201},
            "Keep this to 200 characters (it has 201).",
            id="long-location",
        ),
        pytest.param(
            {"occurred_on": "2099-01-01"},
            None,  # the message names the current time
            id="future-date",
        ),
        pytest.param(
            {"occurred_on": "1999-02-30"},
            "Enter a real date, for example 14/03/2025.",
            id="impossible-date",
        ),
        pytest.param(
            {"occurred_on": "2010-01-01"},
            "This date is before the pupil was born.",
            id="before-birth",
        ),
        pytest.param(
            {"occurred_time": "25:61"},
            "Enter a real time, for example 12:45.",
            id="impossible-time",
        ),
        pytest.param(
            {"categories": []},
            "Choose at least one category. If unsure, choose the nearest one.",
            id="no-category",
        ),
        pytest.param(
            {"submit_key": "not-a-key"},
            "This form has expired: start a new incident.",
            id="forged-submit-key",
        ),
        pytest.param(
            {
                "mark-1-side": "front",
                "mark-1-x": "-5",
                "mark-1-y": "99999999999999999999",
                "mark-1-type": "bruise",
            },
            "Mark 1: its place on the drawing isn't valid. Choose the part of the body.",
            id="body-map-off-the-drawing",
        ),
        pytest.param(
            {"mark-1-side": "inside", "mark-1-x": "5", "mark-1-y": "5", "mark-1-type": "bruise"},
            "Mark 1: choose whether the mark is on the front or the back.",
            id="body-map-unknown-side",
        ),
        pytest.param(
            {"mark-21-side": "front", "mark-21-x": "5", "mark-21-y": "5", "mark-21-type": "cut"},
            "A body map holds up to 20 marks. Describe any others in the account.",
            id="body-map-too-many-marks",
        ),
    ],
)
def test_bad_input_when_recording_gets_its_own_message_and_records_nothing(
    changes_, message, client_as, teacher, pupil, school
):
    before = snapshot()
    response = client_as(teacher).post(ADD, incident_data(school, pupil, **changes_))
    assert response.status_code == 200
    shown = errors_of(response)
    if message is None:
        assert any(m.startswith("The time it happened can't be in the future") for m in shown)
    else:
        assert message in shown
    assert changes(before, snapshot()) == {}
    if "text" in changes_ and len(changes_["text"]) == 200_000:
        assert response.context["form"]["text"].value() == changes_["text"]  # nothing lost


def test_an_action_dated_in_the_future_is_refused(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    future = timezone.localtime() + datetime.timedelta(days=2)
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(occurred_at=f"{future:%Y-%m-%dT%H:%M}"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"]
    assert changes(before, snapshot()) == {}


def test_an_action_of_200000_characters_is_refused_with_the_limit(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]), action_data(text="y" * 200_000)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == [
        "This is 200000 characters long; the limit is 100000. "
        "Attach a longer document as a file instead."
    ]
    assert changes(before, snapshot()) == {}


OVERFLOW_IDS = {"huge": 2**63, "beyond-64-bits": 2**70, "zero": 0}


@pytest.mark.parametrize("value", OVERFLOW_IDS.values(), ids=OVERFLOW_IDS.keys())
@pytest.mark.parametrize("route", [r for r in OBJECT_ROUTES if "key" not in r.kwargs], ids=str)
def test_an_overflowing_or_zero_id_in_a_url_is_a_404_not_an_error(
    route, value, dsl, client_as, ids_for
):
    mine = ids_for(dsl)
    url = route.url({**mine, route.kwargs[-1]: value})
    assert fetch(client_as(dsl), url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/-1/",
        "/incidents/1.0/",
        "/incidents/0x1/",
        "/pupils/-5/",
        "/incidents/\uff11/",  # a full-width digit one
        "/incidents/1%00/",
    ],
)
def test_a_malformed_id_in_a_url_is_a_404(path, client_as, dsl):
    assert client_as(dsl).get(path).status_code == 404


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


@pytest.mark.parametrize("term", SQLISH.values(), ids=SQLISH.keys())
def test_sql_in_a_search_finds_nothing_and_causes_no_error(term, client_as, dsl, school, elsewhere):
    PupilFactory(school=school, legal_first_name="Harriet")
    client = client_as(dsl)
    for response in (
        client.post(reverse("pupils:pupil-list"), {"q": term}),
        client.post(reverse("incidents:pupil-search"), {"term": term}),
        client.post(reverse("incidents:staff-search"), {"term": term}),
        client.get(reverse("audit:trail"), {"person": term, "action": term}),
    ):
        assert response.status_code == 200
        assert "Harriet" not in html(response)
        assert_nothing_from_elsewhere(html(response).replace("Fernhill Academy", ""))
    assert Pupil.objects.for_school(school).count() == 1


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


@pytest.mark.parametrize("page", ["0", "-1", "999999999999999999999", "1e3", "%00", "last"])
@pytest.mark.parametrize(
    "url_name",
    [
        "incidents:incident-list",
        "incidents:alert-list",
        "incidents:assignment-list",
        "pupils:pupil-list",
    ],
)
def test_an_odd_page_number_on_a_list_is_never_an_error(url_name, page, client_as, dsl):
    response = client_as(dsl).get(reverse(url_name), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"from": "9999-99-99"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2026-01-02", "to": "2026-01-01"},
        {"person": "-1"},
        {"person": "99999999999999999999999"},
        {"action": "'; DROP TABLE audit_auditevent; --"},
    ],
)
def test_an_odd_audit_filter_gets_a_message_not_an_error(query, client_as, dsl):
    response = client_as(dsl).get(reverse("audit:trail"), query)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_formula_in_a_user_agent_is_defused_in_the_audit_export(client_as, dsl, teacher, pupil):
    client_as(teacher).get(
        reverse("incidents:incident-list"), HTTP_USER_AGENT='=HYPERLINK("http://evil.example")'
    )
    Client().post(
        LOGIN,
        {"login": teacher.email, "password": WRONG},
        HTTP_USER_AGENT='=cmd|" /C calc"!A0',
    )
    response = client_as(dsl).get(reverse("audit:export"))
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode()
    assert "=cmd" in lines  # the attempt is kept, as text
    for cell in re.findall(r'(?:^|,)"?([^,\n"]*)', lines, re.M):
        assert not cell.startswith(("=", "+", "@")), cell


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


# 17. More that a careful attacker tries -----------------------------------------------------------


def test_a_draft_stuffed_with_another_schools_ids_shows_nothing_of_theirs_when_resumed(
    client_as, teacher, school, elsewhere
):
    client = client_as(teacher)
    key = uuid.uuid4()
    saved = client.post(
        reverse("incidents:draft-save"),
        {
            "submit_key": str(key),
            "text": "Half a sentence",  # worth keeping, so a draft is started
            "pupil": str(elsewhere["pupil"].pk),
            "link_pupil": [str(elsewhere["pupil"].pk)],
            "people": [str(elsewhere["membership"].pk)],
            "groups": [str(elsewhere["group"].pk)],
            "categories": [str(elsewhere["category"].pk)],
            "dsl_spoken_to": str(elsewhere["dsl_membership"].pk),
        },
    )
    draft = Draft.objects.for_school(school).get(pk=saved.json()["draft_id"])
    response = client.get(reverse("incidents:draft-resume", args=[draft.pk]))
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))
    assert elsewhere["dsl"].email not in html(response)


def test_a_follow_up_link_naming_a_colleagues_task_shows_none_of_it(
    client_as, teacher, midday, dsl, school
):
    incident = recorded(membership(teacher, school), people=[membership(midday, school)])
    due = timezone.localdate() + datetime.timedelta(days=2)
    client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(
            text="Secret task wording for the DSL only.",
            assigned_to=str(membership(dsl, school).pk),
            due_on=f"{due:%Y-%m-%d}",
        ),
    )
    task = Action.objects.for_school(school).get(incident=incident)
    url = reverse("incidents:action-add", args=[incident.pk])
    offered = re.compile(r"<option[^>]*>[^<]*Secret task wording")
    for value in (str(task.pk), "abc", "99999999999999999999999"):
        response = client_as(midday).get(url, {"follows_up": value})
        assert response.status_code == 200
        # (The action itself is listed under the incident they were alerted to; it is
        # never offered as a task of theirs to follow up.)
        assert not offered.search(html(response))
    # The control: the person the task is assigned to is offered it.
    assert offered.search(html(client_as(dsl).get(url)))


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


def test_a_spoofed_forwarded_for_header_does_not_dodge_the_sign_in_throttle(client, teacher):
    for n in range(10):
        _sign_in(
            client,
            f"guess{n}@larkspur.example",
            WRONG,
            REMOTE_ADDR="203.0.113.8",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = _sign_in(
        client, teacher.email, REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
    assert "Too many failed login attempts. Try again later." in html(response)


def test_a_session_id_planted_before_sign_in_is_worthless_after_it(client, teacher):
    client.get(LOGIN)
    client.session["planted"] = True
    planted = client.cookies.get("sessionid")
    planted_value = planted.value if planted else None
    _sign_in(client, teacher.email)
    assert client.cookies["sessionid"].value != planted_value
    stranger = Client()
    if planted_value:
        stranger.cookies["sessionid"] = planted_value
    assert stranger.get(reverse("dashboard")).status_code == 302


def test_a_null_byte_in_a_draft_field_name_is_no_error(client_as, teacher, school):
    response = client_as(teacher).post(
        reverse("incidents:draft-save"),
        {"submit_key": str(uuid.uuid4()), "te\x00xt": "hello", "text": "ok"},
    )
    assert response.status_code in (200, 400)


PUBLIC_FORMS = {
    "sign-in": (LOGIN, {"login": "a\x00@b.example", "password": "p\x00w"}),
    "reset": (RESET, {"email": "a\x00@b.example"}),
    "sign-in-invalid-utf8": (LOGIN, "login=%FF%FE&password=%C0%AF"),
    "reset-invalid-utf8": (RESET, "email=%ED%A0%80%40b.example"),
}


@pytest.mark.parametrize("case", PUBLIC_FORMS)
def test_broken_bytes_in_the_signed_out_forms_are_no_error(case, client):
    url, data = PUBLIC_FORMS[case]
    if isinstance(data, str):
        response = client.post(url, data, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, data)
    assert response.status_code in (200, 302, 400)


def test_a_null_byte_in_a_second_factor_code_is_no_error(dsl):
    client = Client()
    _sign_in(client, dsl.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "12\x0034"})
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


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


def test_a_huge_staff_search_term_is_answered_without_error(client_as, teacher):
    response = client_as(teacher).post(
        reverse("incidents:staff-search"), {"term": " ".join(["x" * 50_000] * 8)}
    )
    assert response.status_code == 200


def test_a_dsl_demoted_mid_session_loses_dsl_pages_on_the_next_click(
    client_as, dsl, deputy, school
):
    client = client_as(dsl)
    assert client.get(reverse("pupils:pupil-list")).status_code == 200
    demoted = membership(dsl, school)
    demoted.role = Role.TEACHER
    demoted.save(update_fields=["role"])
    assert client.get(reverse("pupils:pupil-list")).status_code == 403


def test_signing_in_with_a_null_byte_in_the_user_agent_is_no_error(client, teacher):
    response = _sign_in(client, teacher.email, HTTP_USER_AGENT="Mozilla\x00/5.0\r\nX: y")
    assert response.status_code == 302
    assert client.get(reverse("usersessions_list"), HTTP_USER_AGENT="a\x00b").status_code == 200


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        pytest.param("incidents:pupil-search", {"term": "Sal\x00ly"}, id="pupil-suggestions"),
        pytest.param("incidents:staff-search", {"term": "Ter\x00ry"}, id="staff-suggestions"),
        pytest.param(
            "incidents:incident-add",
            {"intent": "search-pupil", "pupil_query": "Sa\x00l"},
            id="add-incident-pupil-search",
        ),
        pytest.param(
            "incidents:incident-add",
            {"intent": "search-people", "people_query": "Te\x00r"},
            id="add-incident-people-search",
        ),
    ],
)
def test_a_null_byte_in_a_type_ahead_search_is_no_error(url_name, data, client_as, dsl, pupil):
    response = client_as(dsl).post(reverse(url_name), data)
    assert response.status_code == 200

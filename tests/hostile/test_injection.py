"""Script, template syntax, SQL and spreadsheet formulas typed where text is expected.

Each script payload goes in through the real form, is stored exactly as typed, and comes out
escaped on every page that shows it (and never as an active javascript: link); searches,
filters and the sign-in `next` reflect it only as text. Template syntax is shown literally,
SQL-ish searches find nothing and break nothing, and a formula never reaches the audit
export as one.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguard.accounts.models import StaffGroup
from safeguard.incidents.models import Category, Incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile import files
from tests.hostile.helpers import (
    ADD,
    LOGIN,
    WRONG,
    action_data,
    assert_nothing_from_elsewhere,
    category,
    errors_of,
    html,
    incident_data,
    membership,
    slt_group,
)
from tests.hostile.payloads import (
    SQLISH,
    TEMPLATE_INJECTION,
    XSS_IMG,
    XSS_JS_URL,
    XSS_PAYLOADS,
    XSS_SCRIPT,
    assert_shown_as_text,
    shown_escaped,
)

pytestmark = pytest.mark.django_db


# Stored XSS in every text field ------------------------------------------------------------
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


# SQL in searches -----------------------------------------------------------------------------


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


# Formulas in the audit export ----------------------------------------------------------------


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

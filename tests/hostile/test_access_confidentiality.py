"""Hostile: passing a restricted record on, and reaching it after losing the lead role.

A restricted incident is passed on to the leads only, access that came from being a
lead ends with the role, and what a lead added behind alerted staff stays hidden from
them. Each crafted request is refused with a specific message (or the same 404 as for
something that doesn't exist), keeps what was typed, and stores nothing.
"""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.incidents.models import Alert, Attachment, Category
from safeguard.incidents.services import corrections
from safeguard.incidents.services.actions import submit_action
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.state import changes, comparable, snapshot

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
TYPED = "Sid should check the gate CCTV for Tuesday at 15:20."


def category(school, name: str) -> Category:
    return Category.objects.for_school(school).get(name=name)


def action_data(**fields) -> dict:
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": TYPED,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(fields)
    return data


@pytest.fixture
def site_manager(persona):
    return persona(Role.OTHER, first_name="Sid", last_name="Manager")


@pytest.fixture
def restricted_incident(school, dsl, slt, teacher, membership_of):
    """A teacher's incident alerting SLT (who gets a task), then made Child protection."""
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(slt)],
    )
    submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Please speak to Sally's mum.",
        occurred_at=timezone.now(),
        assigned_to=membership_of(slt),
        due_on=TOMORROW,
    )
    corrections.recategorise(
        membership=membership_of(dsl),
        incident=incident,
        categories=[category(school, "Child protection")],
        reason="Disclosure.",
    )
    return incident


@pytest.mark.parametrize(
    "field",
    ["people", "assigned_to"],
)
def test_a_crafted_post_passing_a_restricted_incident_to_a_non_lead_is_refused_by_name(
    field, restricted_incident, slt, site_manager, membership_of, client_as
):
    chosen = str(membership_of(site_manager).pk)
    data = action_data(**{field: chosen})
    if field == "assigned_to":
        data["due_on"] = TOMORROW.isoformat()
    before = snapshot()
    response = client_as(slt).post(
        reverse("incidents:action-add", args=[restricted_incident.pk]), data
    )
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors == [
        "Sid Manager isn't a DSL or deputy. Only the safeguarding leads can be told about "
        "this incident."
    ]
    assert "restricted" not in response.content.decode().lower()
    assert response.context["form"]["text"].value() == TYPED
    assert changes(before, snapshot()) == {}


def test_a_crafted_group_on_a_restricted_incident_alerts_only_its_leads(
    restricted_incident, slt, deputy, site_manager, school, membership_of, client_as
):
    group = StaffGroup.objects.for_school(school).create(school=school, name="Site team")
    group.members.add(membership_of(site_manager), membership_of(deputy))
    response = client_as(slt).post(
        reverse("incidents:action-add", args=[restricted_incident.pk]),
        action_data(groups=[str(group.pk)]),
    )
    assert response.status_code == 302
    told = Alert.objects.for_school(school).filter(incident=restricted_incident, action__text=TYPED)
    assert sorted(a.recipient.email for a in told) == [deputy.email]
    assert (
        client_as(site_manager)
        .get(reverse("incidents:incident-detail", args=[restricted_incident.pk]))
        .status_code
        == 404
    )


def test_a_lead_naming_a_non_lead_on_a_leads_only_action_is_refused(
    school, dsl, teacher, site_manager, membership_of, client_as
):
    incident = record_test_incident(membership_of(teacher))
    before = snapshot()
    response = client_as(dsl).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(people=[str(membership_of(site_manager).pk)]),
    )
    assert response.status_code == 400
    assert "Share this action with the staff alerted" in " ".join(
        response.context["form"].errors["people"]
    )
    assert response.context["form"]["text"].value() == TYPED
    assert changes(before, snapshot()) == {}


def test_a_dsl_recording_a_restricted_incident_cannot_name_a_non_lead(
    school, dsl, teacher, membership_of, client_as
):
    pupil = PupilFactory(school=school)
    now = timezone.localtime()
    data = {
        "submit_key": str(uuid.uuid4()),
        "pupil": str(pupil.pk),
        "kind": "disclosure",
        "text": TYPED,
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "spoke_to_dsl": "no",
        "categories": [str(category(school, "Child protection").pk)],
        "people": [str(membership_of(teacher).pk)],
        "intent": "submit",
    }
    before = snapshot()
    response = client_as(dsl).post(reverse("incidents:incident-add"), data)
    problems = [message for _, message in response.context["error_summary"]]
    assert any(message.startswith("Terry ") for message in problems), problems
    assert any("isn't a DSL or deputy" in message for message in problems), problems
    assert response.context["form"]["text"].value() == TYPED
    changed = changes(before, snapshot())
    assert set(changed) <= {"incidents.Draft"}


@pytest.fixture
def demoted(school, dsl, deputy, membership_of):
    """A Child protection incident the DSL recorded (the deputy alerted, a file attached);
    the deputy has since become a teacher. Returns (incident, alert, file)."""
    files = [SimpleUploadedFile("notes.txt", b"notes")]
    incident = record_test_incident(
        membership_of(dsl), categories=[category(school, "Child protection")], files=files
    )
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    alert = Alert.objects.for_school(school).get(recipient=deputy)
    file = Attachment.objects.for_school(school).get(incident=incident)
    return incident, alert, file


def _missing(client, name: str, *args):
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize("where", ["incident", "print", "file", "add-action", "alert-open"])
def test_a_demoted_deputy_gets_the_same_404_as_for_a_missing_record(
    where, demoted, deputy, client_as
):
    incident, alert, file = demoted
    client = client_as(deputy)
    addresses = {
        "incident": ("incidents:incident-detail", (incident.pk,), (incident.pk + 999,)),
        "print": ("incidents:incident-print", (incident.pk,), (incident.pk + 999,)),
        "file": (
            "incidents:attachment-download",
            (incident.pk, file.pk),
            (incident.pk + 999, file.pk),
        ),
        "add-action": ("incidents:action-add", (incident.pk,), (incident.pk + 999,)),
        "alert-open": ("incidents:alert-open", (alert.key,), (uuid.uuid4(),)),
    }
    name, real, fake = addresses[where]
    refused, missing = _missing(client, name, *real), _missing(client, name, *fake)
    assert refused.status_code == missing.status_code == 404
    assert comparable(refused) == comparable(missing)


@pytest.mark.parametrize(
    "verb",
    ["alert-read", "alert-acknowledge", "alert-read-by-number", "alert-acknowledge-by-number"],
)
def test_a_demoted_deputy_cannot_mark_a_lead_alert(verb, demoted, deputy, client_as):
    _, alert, _ = demoted
    before = snapshot()
    named = alert.pk if verb.endswith("-by-number") else alert.key
    response = client_as(deputy).post(reverse(f"incidents:{verb}", args=[named]))
    assert response.status_code == 404
    assert changes(before, snapshot()) == {}


def test_a_demoted_deputy_posting_an_action_to_the_incident_stores_nothing(
    demoted, deputy, client_as
):
    incident, _, _ = demoted
    before = snapshot()
    response = client_as(deputy).post(
        reverse("incidents:action-add", args=[incident.pk]), action_data()
    )
    assert response.status_code == 404
    assert changes(before, snapshot()) == {}


def test_a_crafted_download_of_a_leads_only_file_is_a_404_for_the_author(
    school, dsl, teacher, membership_of, client_as
):
    incident = record_test_incident(membership_of(teacher))
    files = [SimpleUploadedFile("strategy.txt", b"minutes")]
    submit_action(
        membership=membership_of(dsl),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Strategy meeting minutes.",
        occurred_at=timezone.now(),
        files=files,
    )
    file = Attachment.objects.for_school(school).get(incident=incident)
    response = client_as(teacher).get(
        reverse("incidents:attachment-download", args=[incident.pk, file.pk])
    )
    assert response.status_code == 404


def test_a_crafted_follow_up_of_a_leads_only_task_is_refused_after_demotion(
    school, dsl, deputy, teacher, membership_of, client_as
):
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(deputy)],
    )
    task = submit_action(
        membership=membership_of(dsl),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Check the strategy meeting notes.",
        occurred_at=timezone.now(),
        assigned_to=membership_of(deputy),
        due_on=TOMORROW,
    ).record
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    before = snapshot()
    response = client_as(deputy).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(follows_up=str(task.pk)),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["follows_up"]
    assert changes(before, snapshot()) == {}

"""The demo's term of records: real records, through the real services."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, School, User
from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditEvent
from safeguard.casework.models import EncompassNotification, KeyEvent, TriageEntry
from safeguard.demo.people import FERNHILL, LARKSPUR
from safeguard.incidents.models import (
    Action,
    Alert,
    AlertReason,
    Attachment,
    BodyMapMark,
    CorrectionKind,
    Incident,
    IncidentCorrection,
    LinkedPupil,
)
from safeguard.incidents.selectors import (
    actions_visible_to,
    categories_shown_to,
    incidents_awaiting_review,
    incidents_visible_to,
    open_assignments_for,
)

pytestmark = pytest.mark.django_db

OTHER_TEACHER = "teacher2@larkspur.example"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module (it takes a few seconds), rolled back after."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            # As the autouse fixtures in conftest.py set them for each test.
            MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def member(email: str, school_name: str = LARKSPUR) -> Membership:
    school = School.objects.get(name=school_name)
    return (
        Membership.objects.for_school(school)
        .select_related("user", "school")
        .get(user__email=email)
    )


def record_counts() -> dict[str, int]:
    schools = list(School.objects.all())
    return {
        "incidents": Incident.objects.for_schools(schools).count(),
        "actions": Action.objects.for_schools(schools).count(),
        "alerts": Alert.objects.for_schools(schools).count(),
        "read": Alert.objects.for_schools(schools).filter(read_at__isnull=False).count(),
        "corrections": IncidentCorrection.objects.for_schools(schools).count(),
        "files": Attachment.objects.for_schools(schools).count(),
        "reviews": TriageEntry.objects.for_schools(schools).count(),
        "key events": KeyEvent.objects.for_schools(schools).count(),
        "encompass": EncompassNotification.objects.for_schools(schools).count(),
        "audit": AuditEvent.objects.count(),
    }


def cp_story() -> Incident:
    """The incident a teacher recorded, alerting the Year 6 team, before the DSL added CP."""
    school = School.objects.get(name=LARKSPUR)
    return (
        Incident.objects.for_school(school)
        .filter(
            review__categories__name="Child protection", author__email="teacher@larkspur.example"
        )
        .get()
    )


def test_the_demo_holds_a_term_of_records_in_both_schools(demo):
    larkspur = School.objects.get(name=LARKSPUR)
    fernhill = School.objects.get(name=FERNHILL)
    incidents = Incident.objects.for_school(larkspur)
    assert incidents.count() >= 12
    assert Incident.objects.for_school(fernhill).count() >= 3
    authors = set(incidents.values_list("author__memberships__role", flat=True))
    assert len(authors) >= 5, authors
    assert BodyMapMark.objects.for_school(larkspur).exists()
    assert LinkedPupil.objects.for_school(larkspur).exists()
    types = set(Attachment.objects.for_school(larkspur).values_list("content_type", flat=True))
    assert {"application/pdf", "image/png", "image/jpeg"} <= types


def test_demo_records_are_dated_over_the_term_and_recorded_when_they_happened(demo):
    larkspur = School.objects.get(name=LARKSPUR)
    incidents = Incident.objects.for_school(larkspur)
    today = timezone.localdate()
    recorded_on = {timezone.localdate(i.recorded_at) for i in incidents}
    assert min(recorded_on) <= today - datetime.timedelta(days=75)
    assert len(recorded_on) >= 10
    for incident in incidents:
        event = AuditEvent.objects.get(
            target_type="incident", target_id=str(incident.pk), action="incident_recorded"
        )
        assert event.created_at == incident.recorded_at
        assert incident.occurred_at <= incident.recorded_at
        assert timezone.localtime(incident.recorded_at).weekday() < 5


def test_the_audit_chain_and_every_sealed_record_verify_after_the_demo_loads(demo):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    assert "Sealed records intact" in out.getvalue()


def test_loading_the_demo_again_records_nothing_new(demo):
    first = record_counts()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert record_counts() == first
    alerts_to_the_other_teacher = Alert.objects.for_school(cp_story().school).filter(
        incident=cp_story(), action=None, recipient__email=OTHER_TEACHER
    )
    assert alerts_to_the_other_teacher.count() == 1
    assert "nothing new" in output.getvalue()


def test_the_dsl_dashboard_has_incidents_awaiting_review(demo):
    assert incidents_awaiting_review(member("dsl@larkspur.example")).count() >= 2


def test_the_alerted_ta_sees_the_teachers_incident_without_child_protection_or_the_leads_action(
    demo,
):
    incident = cp_story()
    ta = member("ta@larkspur.example")
    dsl = member("dsl@larkspur.example")
    assert incidents_visible_to(ta).filter(pk=incident.pk).exists()
    assert "Child protection" not in {c.name for c in categories_shown_to(ta, incident)}
    assert "Child protection" in {c.name for c in categories_shown_to(dsl, incident)}
    leads_only = Action.objects.for_school(incident.school).filter(
        incident=incident, is_shared_with_alerted=False
    )
    assert leads_only.exists()
    assert not actions_visible_to(ta, incident).filter(pk__in=leads_only).exists()
    assert actions_visible_to(ta, incident).exists()  # the DSL's shared reply
    assert set(actions_visible_to(dsl, incident)) >= set(leads_only)
    alert = Alert.objects.for_school(incident.school).get(
        incident=incident, action=None, recipient=ta.user
    )
    assert alert.acknowledged_at is not None and not alert.is_lead_only


def test_another_teacher_alerted_by_name_sees_the_incident_without_what_only_the_leads_see(
    demo,
):
    incident = cp_story()
    other_teacher = member(OTHER_TEACHER)
    assert other_teacher.role == Role.TEACHER
    alert = Alert.objects.for_school(incident.school).get(
        incident=incident, action=None, recipient=other_teacher.user
    )
    assert alert.reason == AlertReason.NAMED and not alert.is_lead_only
    assert incidents_visible_to(other_teacher).filter(pk=incident.pk).exists()
    assert "Child protection" not in {c.name for c in categories_shown_to(other_teacher, incident)}
    leads_only = Action.objects.for_school(incident.school).filter(
        incident=incident, is_shared_with_alerted=False
    )
    assert leads_only.exists()
    assert not actions_visible_to(other_teacher, incident).filter(pk__in=leads_only).exists()


def test_signed_in_the_other_teacher_reads_the_incident_without_child_protection(demo, client_as):
    incident = cp_story()
    teacher = User.objects.get(email=OTHER_TEACHER)
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Physical injury" in html
    assert "Child protection" not in html
    assert "front door (MASH)" not in html
    assert "I have taken this forward" in html  # the DSL's reply, shared with staff


def test_the_teacher_has_an_overdue_task_and_a_completed_one(demo):
    teacher = member("teacher@larkspur.example")
    today = timezone.localdate()
    assert any(task.due_on < today for task in open_assignments_for(teacher))
    done = Action.objects.for_school(teacher.school).filter(
        follows_up__assigned_to=teacher.user, author=teacher.user
    )
    assert done.exists()


def test_some_alerts_are_read_and_some_unread(demo):
    larkspur = School.objects.get(name=LARKSPUR)
    alerts = Alert.objects.for_school(larkspur)
    assert alerts.filter(read_at__isnull=False).exists()
    assert alerts.filter(read_at__isnull=True).exists()
    assert alerts.filter(acknowledged_at__isnull=False).exists()
    dsl = User.objects.get(email="dsl@larkspur.example")
    assert alerts.filter(recipient=dsl, read_at__isnull=True).exists()


def test_a_reported_mistake_and_dsl_corrections_are_on_record(demo):
    larkspur = School.objects.get(name=LARKSPUR)
    kinds = set(IncidentCorrection.objects.for_school(larkspur).values_list("kind", flat=True))
    assert {
        CorrectionKind.MISTAKE_REPORTED,
        CorrectionKind.MOVE_PUPIL,
        CorrectionKind.RECATEGORISE,
        CorrectionKind.STATUS,
    } <= kinds
    moved = IncidentCorrection.objects.for_school(larkspur).get(kind=CorrectionKind.MOVE_PUPIL)
    assert moved.incident.review.pupil_id != moved.incident.pupil_id


def test_the_fernhill_dsl_sees_only_fernhill_records(demo):
    fernhill_dsl = member("dsl@fernhill.example", FERNHILL)
    visible = incidents_visible_to(fernhill_dsl)
    assert visible.exists()
    assert set(visible.values_list("school__name", flat=True)) == {FERNHILL}


def test_signed_in_the_alerted_ta_reads_the_incident_without_what_only_the_leads_see(
    demo, client_as
):
    incident = cp_story()
    page = reverse("incidents:incident-detail", args=[incident.pk])
    ta_page = client_as(User.objects.get(email="ta@larkspur.example")).get(page)
    dsl_page = client_as(User.objects.get(email="dsl@larkspur.example")).get(page)
    assert ta_page.status_code == dsl_page.status_code == 200
    ta_html, dsl_html = ta_page.content.decode(), dsl_page.content.decode()
    assert "Physical injury" in ta_html
    assert "Child protection" not in ta_html
    assert "front door (MASH)" not in ta_html
    assert "Child protection" in dsl_html
    assert "front door (MASH)" in dsl_html


def test_signed_in_the_dsl_sees_incidents_awaiting_review_on_the_dashboard(demo, client_as):
    dsl = User.objects.get(email="dsl@larkspur.example")
    waiting = incidents_awaiting_review(member("dsl@larkspur.example"))
    assert waiting.exists()
    html = client_as(dsl).get(reverse("dashboard")).content.decode()
    for incident in waiting:
        assert incident.reference.reference in html

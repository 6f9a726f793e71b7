import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.lib import request_context
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TRAIL = "audit:trail"
EXPORT = "audit:export"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _today() -> str:
    return timezone.localdate().isoformat()


def test_dsl_sees_the_schools_events_for_the_period(client_as, school, dsl, teacher):
    event = record(actor=teacher, action=AuditAction.SCHOOL_UPDATED, school=school)
    response = client_as(dsl).get(reverse(TRAIL), {"action": "school_updated"})
    assert response.status_code == 200
    assert [row["event"] for row in response.context["rows"]] == [event]
    assert b"teacher@larkspur.example" in response.content


def test_another_schools_events_are_left_out(
    client_as, school, other_school, dsl, dsl_other_school
):
    record(actor=dsl_other_school, action=AuditAction.SCHOOL_UPDATED, school=other_school)
    rows = client_as(dsl).get(reverse(TRAIL)).context["rows"]
    assert rows
    assert other_school not in {row["event"].school for row in rows}


def test_sign_ins_of_the_schools_staff_are_included_and_others_are_not(
    client_as, dsl, teacher, dsl_other_school
):
    record(actor=teacher, action=AuditAction.SIGNED_IN, target=teacher)
    record(actor=dsl_other_school, action=AuditAction.SIGNED_IN, target=dsl_other_school)
    rows = client_as(dsl).get(reverse(TRAIL), {"action": "signed_in"}).context["rows"]
    actors = {row["event"].actor for row in rows}
    assert teacher in actors
    assert dsl_other_school not in actors


def test_failed_sign_ins_against_the_schools_staff_are_included(client_as, dsl, teacher):
    record(actor=None, action=AuditAction.SIGN_IN_FAILED, target=teacher, detail={})
    rows = client_as(dsl).get(reverse(TRAIL), {"action": "sign_in_failed"}).context["rows"]
    assert [row["event"].target_id for row in rows] == [str(teacher.pk)]


def test_the_trail_filters_by_person(client_as, school, dsl, teacher, deputy):
    record(actor=teacher, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=deputy, action=AuditAction.SCHOOL_UPDATED, school=school)
    rows = client_as(dsl).get(reverse(TRAIL), {"person": teacher.pk}).context["rows"]
    assert [row["event"].actor for row in rows] == [teacher]


def test_the_trail_filters_by_action(client_as, school, dsl):
    pupil = PupilFactory(school=school)
    record(actor=dsl, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    rows = client_as(dsl).get(reverse(TRAIL), {"action": "pupil_viewed"}).context["rows"]
    assert [row["event"].action for row in rows] == [AuditAction.PUPIL_VIEWED]


def test_events_outside_the_period_are_left_out(client_as, school, dsl):
    event = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    rows = client_as(dsl).get(reverse(TRAIL), {"from": yesterday, "to": yesterday}).context["rows"]
    assert event.pk not in [row["event"].pk for row in rows]


def test_a_person_from_another_school_is_not_a_valid_choice(client_as, dsl, dsl_other_school):
    response = client_as(dsl).get(reverse(TRAIL), {"person": dsl_other_school.pk})
    assert "person" in response.context["form"].errors
    assert "rows" not in response.context


def test_an_end_date_before_the_start_is_refused_with_a_message(client_as, dsl):
    response = client_as(dsl).get(reverse(TRAIL), {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.context["form"].errors["to"] == [
        "The end date must be the same as or after the start date."
    ]
    assert b"There is a problem" in response.content


def test_a_period_longer_than_366_days_is_refused_with_a_message(client_as, dsl):
    response = client_as(dsl).get(reverse(TRAIL), {"from": "2025-01-01", "to": "2026-01-02"})
    assert response.context["form"].errors["to"] == [
        "Choose a period of at most 366 days; this one is 367 days."
    ]


def test_a_period_of_exactly_366_days_is_accepted(client_as, dsl):
    response = client_as(dsl).get(reverse(TRAIL), {"from": "2024-01-01", "to": "2024-12-31"})
    assert response.context["form"].is_valid()


def test_a_malformed_date_is_refused_with_a_message_and_kept(client_as, dsl):
    response = client_as(dsl).get(reverse(TRAIL), {"from": "31/02/2026", "to": _today()})
    assert response.context["form"].errors["from"] == ["Enter a real date, for example 2026-11-28."]
    assert b'value="31/02/2026"' in response.content


def test_reading_the_trail_is_audited_with_its_filter(client_as, school, dsl):
    client_as(dsl).get(reverse(TRAIL), {"from": "2026-01-01", "to": "2026-01-31"})
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_VIEWED)
    assert event.actor == dsl
    assert event.detail["from"] == "2026-01-01"
    assert event.detail["to"] == "2026-01-31"


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SLT, Role.GOVERNOR])
@pytest.mark.parametrize("url", [TRAIL, EXPORT])
def test_staff_other_than_the_safeguarding_leads_are_refused(client_as, persona, role, url):
    assert client_as(persona(role)).get(reverse(url)).status_code == 403


# Export


def test_the_export_holds_the_filtered_events_with_every_column(client_as, school, dsl, teacher):
    pupil = PupilFactory(school=school)
    token = request_context.bind(_request("203.0.113.9", "Firefox"))
    try:
        event = record(actor=teacher, action=AuditAction.PUPIL_VIEWED, school=school, target=pupil)
    finally:
        request_context.reset(token)
    response = client_as(dsl).get(reverse(EXPORT), {"person": teacher.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    header, row = _csv(response)
    assert header[0] == "time (UTC)"
    assert row == [
        event.created_at.astimezone(datetime.UTC).isoformat(),
        "teacher@larkspur.example",
        "pupil_viewed",
        "pupil",
        str(pupil.pk),
        str(pupil.pk),
        "203.0.113.9",
        "Firefox",
        event.hash,
    ]


def test_a_formula_in_a_user_agent_is_exported_as_plain_text(client_as, school, dsl):
    token = request_context.bind(_request("203.0.113.9", '=HYPERLINK("http://evil.example")'))
    try:
        record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    finally:
        request_context.reset(token)
    [_, row] = _csv(client_as(dsl).get(reverse(EXPORT), {"action": "school_updated"}))
    assert row[7] == '\'=HYPERLINK("http://evil.example")'


def test_the_export_is_audited_with_the_number_of_rows(client_as, school, dsl):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    rows = _csv(client_as(dsl).get(reverse(EXPORT), {"action": "school_updated"}))
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert event.actor == dsl
    assert event.detail["rows"] == len(rows) - 1 == 2


def test_an_export_with_a_bad_period_is_refused_and_not_audited(client_as, dsl):
    response = client_as(dsl).get(reverse(EXPORT), {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()


def _request(ip: str, agent: str):
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def test_the_main_menu_links_safeguarding_leads_to_the_trail(client_as, dsl, teacher):
    link = f'href="{reverse(TRAIL)}"'.encode()
    assert link in client_as(dsl).get(reverse("dashboard")).content
    assert link not in client_as(teacher).get(reverse("dashboard")).content

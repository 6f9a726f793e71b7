"""Meetings: recorded once held, with the school's report written or attached; their clocks
(conference due, report due, next meeting) show on a lead's dashboard."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.clocks.due import add_months, casework_due_items
from safeguard.casework.clocks.services import add_closure, save_clocks
from safeguard.casework.referrals.meetings import record_meeting
from safeguard.casework.referrals.models import Meeting
from safeguard.incidents.services.attachments import sweep_orphan_files
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
D = datetime.date
# Wednesday 25 November 2026, noon in London.
WEDNESDAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school)


def meet(lead, pupil, **fields):
    fields.setdefault("kind", "strategy")
    fields.setdefault("held_on", D(2026, 11, 25))
    fields.setdefault("attendees", "Social worker; police; DSL")
    return record_meeting(membership=lead, pupil=pupil, **fields)


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_lead_records_a_meeting_audited_and_sealed(lead, pupil):
    meeting = meet(lead, pupil, report_text="Attendance 91%.", decisions="Section 47 to follow.")
    event = AuditEvent.objects.get(action=AuditAction.MEETING_RECORDED)
    assert event.target_id == str(meeting.pk)
    assert "sealed" in event.detail
    assert "Attendance" not in str(event.detail)


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_next_meeting_in_the_past_is_refused_next_to_its_field(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        meet(lead, pupil, held_on=D(2026, 11, 2), next_on=D(2026, 11, 20))
    assert refused.value.message_dict["next_on"][0].startswith(
        "The next meeting can't be in the past"
    )


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_meeting_still_to_come_is_refused(lead, pupil):
    with pytest.raises(ValidationError) as refused:
        meet(lead, pupil, held_on=D(2026, 11, 30))
    assert "once it has been held" in refused.value.message_dict["held_on"][0]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_initial_conference_falls_due_15_working_days_after_the_strategy_discussion(
    lead, pupil
):
    meet(lead, pupil, held_on=D(2026, 11, 25))
    items = casework_due_items(lead, D(2026, 11, 25))
    assert items.overdue == []
    # 15 working days after Wed 25 Nov 2026: Wed 16 Dec; the report 2 working days before.
    [report] = [item for item in items.due if item.what.startswith("School's report")]
    assert report.due_on == D(2026, 12, 14)
    with time_machine.travel(datetime.datetime(2026, 12, 17, 9, tzinfo=datetime.UTC)):
        overdue = casework_due_items(lead, D(2026, 12, 17)).overdue
    assert [item.what for item in overdue] == [
        "School's report for the initial child protection conference",
        "Initial child protection conference",
    ]
    assert overdue[1].due_on == D(2026, 12, 16)


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_closure_week_moves_the_schools_report_but_not_the_agencys_conference(lead, pupil):
    add_closure(
        membership=lead, starts_on=D(2026, 12, 7), ends_on=D(2026, 12, 11), reason="Closure"
    )
    save_clocks(membership=lead, values={"report_due_days": 5})
    meet(lead, pupil)
    items = casework_due_items(lead, D(2026, 11, 25))
    [report] = [item for item in items.due if item.what.startswith("School's report")]
    [conference] = [item for item in items.due if item.what.startswith("Initial")]
    # The local authority works through the school's closure: the conference is due 15 of
    # its working days on, Wed 16 Dec. The school's report is due five of the school's working
    # days before that, skipping the closed week: Wed 2 Dec.
    assert conference.due_on == D(2026, 12, 16)
    assert report.due_on == D(2026, 12, 2)


@time_machine.travel(WEDNESDAY, tick=False)
def test_reviews_fall_due_three_then_six_months_on(lead, pupil):
    meet(lead, pupil, kind="icpc", held_on=D(2026, 8, 27))
    items = casework_due_items(lead, D(2026, 11, 25))
    [review] = [item for item in items.due if item.what == "First review conference"]
    assert review.due_on == D(2026, 11, 27)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_meeting_that_stops_the_clock_leaves_nothing_due(lead, pupil):
    meet(lead, pupil, closes_clock=True)
    assert len(casework_due_items(lead, D(2026, 11, 25))) == 0


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_core_groups_next_meeting_is_due_on_its_date(lead, pupil):
    meet(lead, pupil, kind="core_group", next_on=D(2026, 12, 2))
    [item] = casework_due_items(lead, D(2026, 11, 25)).due
    assert (item.what, item.due_on) == ("Next core group meeting", D(2026, 12, 2))


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_teacher_is_given_no_due_items(lead, pupil, teacher, membership_of):
    meet(lead, pupil)
    assert len(casework_due_items(membership_of(teacher), D(2026, 11, 25))) == 0


# Pages ----------------------------------------------------------------------------------


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_meeting_form_keeps_what_was_typed_with_the_problem_by_its_field(client_as, dsl, pupil):
    response = client_as(dsl).post(
        reverse("casework:meeting-add", args=[pupil.pk]),
        {
            "kind": "core_group",
            "held_on": "2026-11-24",
            "attendees": "Social worker; school nurse",
            "decisions": "Plan continues.",
            "next_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["next_on"]
    assert b"Social worker; school nurse" in response.content
    assert not Meeting.objects.for_school(pupil.school).exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_report_file_is_checked_stored_and_kept_from_the_sweeper(client_as, dsl, pupil):
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client_as(dsl).post(
        reverse("casework:meeting-add", args=[pupil.pk]),
        {
            "kind": "icpc",
            "held_on": "2026-11-24",
            "attendees": "Chair; social worker",
            "report_file": report,
        },
    )
    meeting = Meeting.objects.for_school(pupil.school).get()
    assert response.status_code == 302
    assert meeting.report_original_name == "report.pdf"
    swept = sweep_orphan_files(older_than=datetime.timedelta(0))
    assert (swept.checked, swept.deleted) == (1, 0)
    download = client_as(dsl).get(reverse("casework:meeting-report", args=[meeting.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action=AuditAction.MEETING_REPORT_DOWNLOADED).count() == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_report_file_that_is_not_what_it_says_is_refused_by_its_field(client_as, dsl, pupil):
    report = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = client_as(dsl).post(
        reverse("casework:meeting-add", args=[pupil.pk]),
        {"kind": "icpc", "held_on": "2026-11-24", "attendees": "Chair", "report_file": report},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["report_file"]
    assert b"Chair" in response.content


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_dashboard_lists_due_items_for_a_lead_only(client_as, dsl, teacher, lead, pupil):
    meet(lead, pupil)
    page = client_as(dsl).get(reverse("dashboard"))
    assert b"Referrals and meetings: 0 overdue, 2 due soon" in page.content
    assert b"Initial child protection conference" in page.content
    assert b"Referrals and meetings" not in client_as(teacher).get(reverse("dashboard")).content

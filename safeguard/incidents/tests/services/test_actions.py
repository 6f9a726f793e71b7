"""Adding actions below an incident: the rules `submit_action` keeps and the assignments it
makes (`services/actions.py`)."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Action, Alert, AlertReason, Category
from safeguard.incidents.selectors import (
    incidents_visible_to,
    open_assignments_for,
)
from safeguard.incidents.services.actions import ONLY_LEADS, submit_action
from safeguard.incidents.tests.factories import (
    add_test_action,
    category,
    overdue_assignment,
    record_test_incident,
)

pytestmark = pytest.mark.django_db


TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def incident(teacher, membership_of, school):
    """A behaviour incident by the teacher: nobody else is alerted automatically."""
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    return record_test_incident(membership_of(teacher), categories=[behaviour])


def add(membership, incident, **fields):
    values = {
        "submit_key": uuid.uuid4(),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": timezone.now(),
    }
    values.update(fields)
    submitted = submit_action(membership=membership, incident=incident, **values)
    return submitted.record, submitted.is_new


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_the_author_of_the_incident_adds_an_action(teacher, membership_of, incident):
    action, created = add(membership_of(teacher), incident)
    assert created
    assert (action.incident, action.author) == (incident, teacher)
    assert action.recorded_at >= action.occurred_at


def test_adding_an_action_is_audited_without_its_text(teacher, membership_of, incident):
    action, _ = add(membership_of(teacher), incident)
    event = AuditEvent.objects.get(action=AuditAction.ACTION_ADDED)
    assert (event.actor, event.target_id) == (teacher, str(action.pk))
    assert event.detail["incident"] == incident.pk
    assert "Phoned" not in str(event.detail)


def test_the_same_submit_key_twice_adds_one_action(teacher, membership_of, incident):
    key = uuid.uuid4()
    first, created_first = add(membership_of(teacher), incident, submit_key=key)
    again, created_again = add(membership_of(teacher), incident, submit_key=key)
    assert (created_first, created_again) == (True, False)
    assert again == first
    assert Action.objects.for_school(incident.school_id).count() == 1


def test_someone_elses_submit_key_is_refused(teacher, dsl, membership_of, incident):
    key = uuid.uuid4()
    add(membership_of(teacher), incident, submit_key=key)
    with pytest.raises(ValidationError):
        add(membership_of(dsl), incident, submit_key=key)


def test_an_action_in_the_future_is_refused(teacher, membership_of, incident):
    with pytest.raises(ValidationError) as excinfo:
        add(
            membership_of(teacher),
            incident,
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert errors_of(excinfo)["occurred_at"] == ["The time of the action can't be in the future."]


def test_an_action_before_the_incident_is_refused(teacher, membership_of, incident):
    with pytest.raises(ValidationError) as excinfo:
        add(
            membership_of(teacher),
            incident,
            occurred_at=incident.occurred_at - datetime.timedelta(days=1),
        )
    assert "occurred_at" in errors_of(excinfo)


@pytest.mark.parametrize("text", ["", "   \n", "a\x00b"])
def test_empty_or_damaged_text_is_refused(teacher, membership_of, incident, text):
    with pytest.raises(ValidationError) as excinfo:
        add(membership_of(teacher), incident, text=text)
    assert "text" in errors_of(excinfo)


def test_someone_who_cannot_see_the_incident_cannot_add_to_it(midday, membership_of, incident):
    with pytest.raises(ValidationError):
        add(membership_of(midday), incident)
    assert not Action.objects.for_school(incident.school_id).exists()


def test_the_database_refuses_to_change_an_action(teacher, membership_of, incident):
    action, _ = add(membership_of(teacher), incident)
    with pytest.raises(DatabaseError), transaction.atomic():
        Action.objects.for_school(incident.school_id).filter(pk=action.pk).update(text="Changed")


def test_an_action_can_be_assigned_with_a_due_date(teacher, slt, membership_of, incident):
    action, _ = add(
        membership_of(teacher), incident, assigned_to=membership_of(slt), due_on=TOMORROW
    )
    assert (action.assigned_to, action.due_on) == (slt, TOMORROW)


def test_the_assignee_is_alerted_and_so_can_see_the_incident(teacher, slt, membership_of, incident):
    action, _ = add(
        membership_of(teacher), incident, assigned_to=membership_of(slt), due_on=TOMORROW
    )
    alert = Alert.objects.for_school(incident.school_id).get(recipient=slt)
    assert (alert.action, alert.reason) == (action, AlertReason.ASSIGNED)


def test_a_task_cannot_go_to_a_governor(teacher, governor, membership_of, incident):
    with pytest.raises(ValidationError) as excinfo:
        add(
            membership_of(teacher),
            incident,
            assigned_to=membership_of(governor),
            due_on=TOMORROW,
        )
    assert "assigned_to" in errors_of(excinfo)


def test_a_task_cannot_go_to_someone_deactivated(teacher, slt, membership_of, incident):
    former = membership_of(slt)
    former.is_active = False
    former.save()
    with pytest.raises(ValidationError) as excinfo:
        add(membership_of(teacher), incident, assigned_to=former, due_on=TOMORROW)
    assert "assigned_to" in errors_of(excinfo)


def test_a_task_cannot_go_to_another_schools_staff(
    teacher, dsl_other_school, membership_of, incident
):
    with pytest.raises(ValidationError) as excinfo:
        add(
            membership_of(teacher),
            incident,
            assigned_to=membership_of(dsl_other_school),
            due_on=TOMORROW,
        )
    assert "assigned_to" in errors_of(excinfo)


def test_a_task_needs_a_due_date(teacher, slt, membership_of, incident):
    with pytest.raises(ValidationError) as excinfo:
        add(membership_of(teacher), incident, assigned_to=membership_of(slt))
    assert errors_of(excinfo)["due_on"] == ["Give the date it is due by."]


def test_a_task_cannot_be_due_in_the_past(teacher, slt, membership_of, incident):
    with pytest.raises(ValidationError) as excinfo:
        add(
            membership_of(teacher),
            incident,
            assigned_to=membership_of(slt),
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert errors_of(excinfo)["due_on"] == ["The due date can't be in the past."]


@pytest.fixture
def slt_assignment(teacher, slt, membership_of, incident):
    assignment, _ = add(
        membership_of(teacher), incident, assigned_to=membership_of(slt), due_on=TOMORROW
    )
    return assignment


def test_the_assignee_records_the_follow_up(slt, membership_of, incident, slt_assignment):
    follow_up, _ = add(membership_of(slt), incident, follows_up=slt_assignment, text="Met mum.")
    assert follow_up.follows_up == slt_assignment


def test_only_the_assignee_can_follow_up_a_task(teacher, membership_of, incident, slt_assignment):
    with pytest.raises(ValidationError) as excinfo:
        add(membership_of(teacher), incident, follows_up=slt_assignment)
    assert "follows_up" in errors_of(excinfo)


def test_a_task_is_followed_up_on_its_own_incident(slt, teacher, membership_of, slt_assignment):
    other = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    with pytest.raises(ValidationError) as excinfo:
        add(membership_of(slt), other, follows_up=slt_assignment)
    assert "follows_up" in errors_of(excinfo)


def test_my_open_tasks_are_those_without_a_follow_up(slt, membership_of, incident, slt_assignment):
    assert list(open_assignments_for(membership_of(slt))) == [slt_assignment]
    add(membership_of(slt), incident, follows_up=slt_assignment)
    assert list(open_assignments_for(membership_of(slt))) == []


def test_open_tasks_list_the_longest_overdue_first(
    teacher, slt, membership_of, incident, slt_assignment
):
    later, _ = add(
        membership_of(teacher),
        incident,
        assigned_to=membership_of(slt),
        due_on=TOMORROW + datetime.timedelta(days=7),
    )
    # An assignment set last week, now overdue (the service refuses past dates, so made directly).
    overdue = overdue_assignment(incident, to=slt, text="Check in with Sally.", days=2)
    assert list(open_assignments_for(membership_of(slt))) == [overdue, slt_assignment, later]


def test_other_peoples_tasks_are_not_mine(teacher, membership_of, slt_assignment):
    assert list(open_assignments_for(membership_of(teacher))) == []


def test_the_incidents_author_is_told_of_an_action_by_someone_else(
    teacher, slt, membership_of, incident, slt_assignment
):
    action, _ = add(membership_of(slt), incident, follows_up=slt_assignment)
    alert = Alert.objects.for_school(incident.school_id).get(action=action)
    assert (alert.recipient, alert.reason, alert.reason_detail) == (
        teacher,
        AlertReason.NAMED,
        "Recorded the incident",
    )


def test_the_author_of_an_action_is_never_alerted_to_it(teacher, membership_of, incident):
    action, _ = add(membership_of(teacher), incident, people=[membership_of(teacher)])
    assert not Alert.objects.for_school(incident.school_id).filter(action=action).exists()


def test_named_people_groups_and_the_dsls_are_told_when_chosen(
    teacher, slt, dsl, deputy, midday, membership_of, incident, school
):
    from safeguard.accounts.models import StaffGroup

    slt_group = StaffGroup.objects.for_school(school).get(is_slt=True)
    slt_group.members.add(membership_of(slt))
    action, _ = add(
        membership_of(teacher),
        incident,
        tell_leads=True,
        groups=[slt_group],
        people=[membership_of(midday)],
    )
    reasons = {
        alert.recipient: alert.reason
        for alert in Alert.objects.for_school(school).filter(action=action)
    }
    assert reasons == {
        dsl: AlertReason.DSL,
        deputy: AlertReason.DSL,
        slt: AlertReason.GROUP,
        midday: AlertReason.NAMED,
    }


def test_governors_are_never_alerted_to_an_action(teacher, governor, membership_of, incident):
    action, _ = add(membership_of(teacher), incident, people=[membership_of(governor)])
    assert not Alert.objects.for_school(incident.school_id).filter(action=action).exists()


def test_an_actions_alert_email_waits_for_the_commit(
    teacher, slt, membership_of, incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add(membership_of(teacher), incident, people=[membership_of(slt)])
    assert len(callbacks) == 1


def test_an_action_key_used_in_another_school_gets_a_message_not_an_error(
    teacher, membership_of, incident, other_school
):
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.tests.factories import MembershipFactory

    key = uuid.uuid4()
    MembershipFactory(user=teacher, school=other_school, role=Role.TEACHER)
    elsewhere = record_test_incident(membership_of(teacher, other_school))
    add(membership_of(teacher, other_school), elsewhere, submit_key=key)
    with pytest.raises(ValidationError, match="already used"):
        add(membership_of(teacher, incident.school), incident, submit_key=key)


def test_a_leads_action_is_leads_only_unless_shared(dsl, teacher, school, membership_of):
    incident = record_test_incident(membership_of(teacher))
    kept = add_test_action(membership_of(dsl), incident)
    shared = add_test_action(membership_of(dsl), incident, is_shared_with_alerted=True)
    assert kept.is_shared_with_alerted is False
    assert shared.is_shared_with_alerted is True


def test_a_non_leads_action_is_always_shared(teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    action = add_test_action(membership_of(teacher), incident, is_shared_with_alerted=False)
    assert action.is_shared_with_alerted is True


def test_alerts_about_a_leads_only_action_go_to_leads_only(
    dsl, deputy, teacher, slt, school, membership_of
):
    incident = record_test_incident(
        membership_of(teacher), categories=[category(school, "Behaviour")]
    )
    with pytest.raises(ValidationError) as refused:
        add_test_action(membership_of(dsl), incident, people=[membership_of(slt)])
    assert "people" in refused.value.message_dict
    action = add_test_action(membership_of(dsl), incident, tell_leads=True)
    # The incident's author is told about a shared action, never about a leads-only one.
    assert [a.recipient for a in action.alerts.all()] == [deputy]


def test_on_a_restricted_incident_a_non_lead_cannot_alert_a_non_lead(
    restricted_assignment, slt, persona, membership_of
):
    site_manager = persona(Role.OTHER)
    with pytest.raises(ValidationError) as refused:
        add_test_action(
            membership_of(slt), restricted_assignment, people=[membership_of(site_manager)]
        )
    assert "people" in refused.value.message_dict
    assert refused.value.message_dict["people"] == [
        f"{site_manager.full_name} isn't a DSL or deputy. {ONLY_LEADS}"
    ]
    assert not incidents_visible_to(membership_of(site_manager)).exists()


def test_on_a_restricted_incident_a_non_lead_cannot_assign_a_non_lead(
    restricted_assignment, slt, persona, membership_of
):
    site_manager = persona(Role.OTHER)
    with pytest.raises(ValidationError) as refused:
        add_test_action(
            membership_of(slt),
            restricted_assignment,
            assigned_to=membership_of(site_manager),
            due_on=TOMORROW,
        )
    assert "assigned_to" in refused.value.message_dict


def test_on_a_restricted_incident_a_non_lead_may_alert_and_assign_leads(
    restricted_assignment, slt, deputy, membership_of
):
    action = add_test_action(
        membership_of(slt),
        restricted_assignment,
        assigned_to=membership_of(deputy),
        due_on=TOMORROW,
    )
    assert [a.recipient for a in action.alerts.all()] == [deputy]


def test_on_a_restricted_incident_a_group_alerts_only_its_leads(
    restricted_assignment, slt, deputy, persona, school, membership_of
):
    site_manager = persona(Role.OTHER)
    group = StaffGroup.objects.for_school(school).create(school=school, name="Site and pastoral")
    group.members.add(membership_of(site_manager), membership_of(deputy))
    action = add_test_action(membership_of(slt), restricted_assignment, groups=[group])
    assert [a.recipient for a in action.alerts.all()] == [deputy]

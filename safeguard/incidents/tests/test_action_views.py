"""The add action page, actions on the incident page, and "Your tasks"."""

import datetime
import socket
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

from safeguard.incidents.models import Action, Alert, Attachment, Category, EmailState
from safeguard.incidents.tests.factories import add_test_action, record_test_incident

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def incident(teacher, slt, membership_of, school):
    """A behaviour incident by the teacher, who alerted the SLT member (not the midday)."""
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    return record_test_incident(
        membership_of(teacher), categories=[behaviour], people=[membership_of(slt)]
    )


def add_url(incident) -> str:
    return reverse("incidents:action-add", args=[incident.pk])


def detail_url(incident) -> str:
    return reverse("incidents:incident-detail", args=[incident.pk])


def form_data(**fields) -> dict:
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(fields)
    return data


def actions_on(incident) -> list[Action]:
    return list(Action.objects.for_school(incident.school_id).filter(incident=incident))


# Who may add an action


def test_an_alerted_colleague_opens_the_add_action_page(client_as, slt, incident):
    response = client_as(slt).get(add_url(incident))
    assert response.status_code == 200
    assert response.context["form"]["submit_key"].value()


def test_an_alerted_colleague_adds_an_action(client_as, slt, incident):
    response = client_as(slt).post(add_url(incident), form_data())
    [action] = actions_on(incident)
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(incident)}#action-{action.pk}"
    assert action.author == slt


def test_a_colleague_not_alerted_cannot_find_the_incident(client_as, midday, incident):
    client = client_as(midday)
    assert client.get(add_url(incident)).status_code == 404
    assert client.post(add_url(incident), form_data()).status_code == 404
    assert actions_on(incident) == []


def test_a_governor_cannot_add_actions(client_as, governor, incident):
    assert client_as(governor).post(add_url(incident), form_data()).status_code == 403


def test_another_schools_dsl_cannot_find_the_incident(client_as, dsl_other_school, incident):
    assert client_as(dsl_other_school).get(add_url(incident)).status_code == 404


def test_the_dsl_adds_an_action_to_any_incident(client_as, dsl, incident):
    assert client_as(dsl).post(add_url(incident), form_data()).status_code == 302
    assert len(actions_on(incident)) == 1


# Bad input


def test_a_future_time_is_refused_and_the_text_kept(client_as, slt, incident):
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(slt).post(
        add_url(incident), form_data(occurred_at=future, text="Spoke to Sally's dad.")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"] == [
        "The time of the action can't be in the future."
    ]
    assert "Spoke to Sally&#x27;s dad." in response.content.decode()
    assert actions_on(incident) == []


def test_empty_text_gets_its_own_message(client_as, slt, incident):
    response = client_as(slt).post(add_url(incident), form_data(text="  "))
    assert response.context["form"].errors["text"] == ["Write what was done: this can't be empty."]


def test_a_due_date_without_anyone_to_do_it_is_refused(client_as, slt, incident):
    response = client_as(slt).post(add_url(incident), form_data(due_on=TOMORROW.isoformat()))
    assert response.context["form"].errors["assigned_to"] == [
        "Choose who the task is for, or clear the due date."
    ]


def test_another_schools_colleague_is_not_in_the_list(
    client_as, slt, dsl_other_school, membership_of, incident
):
    response = client_as(slt).post(
        add_url(incident),
        form_data(assigned_to=membership_of(dsl_other_school).pk, due_on=TOMORROW.isoformat()),
    )
    assert response.context["form"].errors["assigned_to"] == ["Choose from the list."]


def test_a_governor_is_not_offered_as_assignee(client_as, slt, governor, membership_of, incident):
    response = client_as(slt).post(
        add_url(incident),
        form_data(assigned_to=membership_of(governor).pk, due_on=TOMORROW.isoformat()),
    )
    assert response.context["form"].errors["assigned_to"] == ["Choose from the list."]


def test_script_in_an_action_is_shown_as_text(client_as, slt, teacher, incident):
    client_as(slt).post(add_url(incident), form_data(text="<script>alert('x')</script>"))
    response = client_as(teacher).get(detail_url(incident))
    content = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
    assert "<script>alert('x')</script>" not in content


def test_a_double_submit_adds_one_action(client_as, slt, incident):
    client = client_as(slt)
    data = form_data()
    first = client.post(add_url(incident), data)
    second = client.post(add_url(incident), data)
    [action] = actions_on(incident)
    assert first["Location"] == second["Location"] == f"{detail_url(incident)}#action-{action.pk}"


def test_a_submit_key_from_another_incidents_form_is_refused(
    client_as, slt, teacher, membership_of, incident
):
    data = form_data()
    client = client_as(slt)
    client.post(add_url(incident), data)
    other = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    response = client.post(add_url(other), data)
    assert response.status_code == 400
    assert actions_on(other) == []


# Files


def test_a_file_is_attached_to_the_action(client_as, slt, incident):
    upload = SimpleUploadedFile("minutes.txt", b"Meeting notes.", "text/plain")
    client_as(slt).post(add_url(incident), {**form_data(), "files": [upload]})
    [action] = actions_on(incident)
    [attachment] = Attachment.objects.for_school(incident.school_id).filter(action=action)
    assert attachment.original_name == "minutes.txt"


def test_a_refused_file_keeps_the_form_and_adds_nothing(client_as, slt, incident):
    upload = SimpleUploadedFile("letter.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = client_as(slt).post(
        add_url(incident), {**form_data(text="Letter home."), "files": [upload]}
    )
    assert response.status_code == 400
    assert response.context["file_errors"]
    assert "Letter home." in response.content.decode()
    assert actions_on(incident) == []


# The incident page


def test_the_incident_page_lists_actions_in_the_order_they_happened(
    client_as, slt, teacher, incident
):
    def action(text: str, minutes_after: int) -> None:
        Action.objects.create(
            school_id=incident.school_id,
            incident=incident,
            author=slt,
            text=text,
            occurred_at=incident.occurred_at + datetime.timedelta(minutes=minutes_after),
            is_shared_with_alerted=True,  # as submit_action stores a non-lead's action
            submit_key=uuid.uuid4(),
        )

    action("Happened second, recorded first.", 20)
    action("Happened first, recorded second.", 10)
    content = client_as(teacher).get(detail_url(incident)).content.decode()
    assert content.index("Happened first") < content.index("Happened second")
    assert slt.full_name in content


def test_the_incident_page_shows_who_a_task_is_for_and_when_it_is_due(
    client_as, slt, teacher, membership_of, incident
):
    client_as(teacher).post(
        add_url(incident),
        form_data(assigned_to=membership_of(slt).pk, due_on=TOMORROW.isoformat()),
    )
    content = client_as(slt).get(detail_url(incident)).content.decode()
    assert f"for {slt.full_name}</strong>, due by" in content
    assert "Record the follow-up" in content


def test_the_incident_page_offers_add_action(client_as, slt, incident):
    response = client_as(slt).get(detail_url(incident))
    assert add_url(incident).encode() in response.content


# Tasks


@pytest.fixture
def assignment(teacher, slt, membership_of, incident):
    return add_test_action(
        membership_of(teacher),
        incident,
        text="Please meet mum.",
        assigned_to=membership_of(slt),
        due_on=TOMORROW,
    )


def test_my_tasks_lists_a_task_assigned_to_me(client_as, slt, assignment):
    response = client_as(slt).get(reverse("incidents:assignment-list"))
    assert list(response.context["page"]) == [assignment]
    assert f"{add_url(assignment.incident)}?follows_up={assignment.pk}" in response.content.decode()


def test_an_overdue_task_says_so_in_words(client_as, slt, teacher, incident):
    overdue = Action.objects.create(
        school_id=incident.school_id,
        incident=incident,
        author=teacher,
        text="Check in.",
        occurred_at=incident.occurred_at,
        assigned_to=slt,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        is_shared_with_alerted=True,  # as submit_action stores a non-lead's action
        submit_key=uuid.uuid4(),
    )
    response = client_as(slt).get(reverse("incidents:assignment-list"))
    assert list(response.context["page"]) == [overdue]
    assert "Overdue" in response.content.decode()


def test_the_follow_up_link_preselects_the_task(client_as, slt, assignment):
    response = client_as(slt).get(f"{add_url(assignment.incident)}?follows_up={assignment.pk}")
    assert str(response.context["form"]["follows_up"].value()) == str(assignment.pk)


def test_recording_the_follow_up_clears_the_task(client_as, slt, assignment):
    client = client_as(slt)
    client.post(add_url(assignment.incident), form_data(follows_up=assignment.pk, text="Met mum."))
    response = client.get(reverse("incidents:assignment-list"))
    assert list(response.context["page"]) == []
    assert b"You have no open tasks." in response.content


def test_someone_elses_task_cannot_be_followed_up(client_as, teacher, assignment):
    response = client_as(teacher).post(
        add_url(assignment.incident), form_data(follows_up=assignment.pk)
    )
    assert response.status_code == 400
    assert "follows_up" in response.context["form"].errors


def test_the_dashboard_counts_my_open_tasks(client_as, slt, assignment):
    response = client_as(slt).get(reverse("dashboard"))
    assert b"1 open task</a>" in response.content


def test_a_governor_has_no_task_list(client_as, governor):
    assert client_as(governor).get(reverse("incidents:assignment-list")).status_code == 403


# The request never waits for email


@pytest.fixture
def silent_mail_server(settings):
    """A server that accepts connections and never answers: any send would hang until timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": listener.getsockname()[1], "timeout": 5},
            }
        }
        yield


@pytest.fixture
def queued_tasks(settings):
    """The worker's queue, as a backend that keeps what is queued and runs nothing."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def test_adding_an_action_does_not_wait_for_the_mail_server(
    silent_mail_server,
    queued_tasks,
    client_as,
    slt,
    dsl,
    incident,
    django_capture_on_commit_callbacks,
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(slt).post(add_url(incident), form_data(tell_leads="on"))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2
    alert = Alert.objects.for_school(incident.school_id).get(action__isnull=False, recipient=dsl)
    assert (alert.email_state, alert.email_attempts) == (EmailState.PENDING, 0)
    assert alert.pk in [r.kwargs["alert_id"] for r in queued_tasks.results]

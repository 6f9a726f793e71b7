"""The add action page (its alert picker and share box), actions on the incident page, and
"Your tasks": `views/actions.py`."""

import datetime
import re
import socket
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.incidents import links
from safeguard.incidents.models import Action, Alert, Attachment, Category, EmailState
from safeguard.incidents.tests.factories import (
    add_test_action,
    make_restricted,
    overdue_assignment,
    record_test_incident,
)

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


def test_an_alerted_colleague_opens_the_add_action_page(client_as, slt, incident):
    response = client_as(slt).get(add_url(incident))
    assert response.status_code == 200
    assert response.context["form"]["submit_key"].value()


def test_an_alerted_colleague_adds_an_action(client_as, slt, incident):
    response = client_as(slt).post(add_url(incident), form_data())
    [action] = actions_on(incident)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{detail_url(incident)}#action-{links.key_for('action', action.pk)}"
    )
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
    anchor = f"#action-{links.key_for('action', action.pk)}"
    assert first["Location"] == second["Location"] == f"{detail_url(incident)}{anchor}"


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
    key = links.key_for("action", assignment.pk)
    assert f"{add_url(assignment.incident)}?follows_up={key}" in response.content.decode()


def test_an_overdue_task_says_so_in_words(client_as, slt, teacher, incident):
    overdue = overdue_assignment(incident, to=slt, text="Check in.", days=3)
    response = client_as(slt).get(reverse("incidents:assignment-list"))
    assert list(response.context["page"]) == [overdue]
    assert "Overdue" in response.content.decode()


@pytest.mark.parametrize("named_by", ["key", "number"])
def test_the_follow_up_link_preselects_the_task(client_as, slt, assignment, named_by):
    """By its key, as links give it now, or by number, as links made before keys did."""
    key = links.key_for("action", assignment.pk)
    named = key if named_by == "key" else assignment.pk
    response = client_as(slt).get(f"{add_url(assignment.incident)}?follows_up={named}")
    assert response.context["form"]["follows_up"].value() == key


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


def test_a_long_task_list_is_paged_with_earlier_and_later_links(
    client_as, slt, incident, monkeypatch
):
    """Pages follow the task at their edge (`?after=`/`?before=` its key), in due order."""
    from safeguard.incidents.views import actions as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    tasks = [
        overdue_assignment(incident, to=slt, text=f"Task {days}", days=days)
        for days in (2, 5, 3, 4, 1)
    ]
    in_order = sorted(tasks, key=lambda task: task.due_on)
    url = reverse("incidents:assignment-list")
    client = client_as(slt)
    first = client.get(url)
    assert list(first.context["page"]) == in_order[:2]
    later = f"?after={links.key_for('action', in_order[1].pk)}"
    assert f'href="{later}">Later</a>'.encode() in first.content
    assert b">Earlier</a>" not in first.content
    assert b"5 open tasks" in first.content
    second = client.get(url + later)
    assert list(second.context["page"]) == in_order[2:4]
    last = client.get(url + f"?after={links.key_for('action', in_order[3].pk)}")
    assert list(last.context["page"]) == in_order[4:]
    assert b">Later</a>" not in last.content
    earlier = f"?before={links.key_for('action', in_order[4].pk)}"
    assert f'href="{earlier}">Earlier</a>'.encode() in last.content
    assert list(client.get(url + earlier).context["page"]) == in_order[2:4]


def test_tasks_due_the_same_day_come_in_the_order_they_were_set(
    client_as, slt, incident, monkeypatch
):
    from safeguard.incidents.views import actions as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    tasks = [overdue_assignment(incident, to=slt, text=f"Task {n}", days=2) for n in range(3)]
    client = client_as(slt)
    url = reverse("incidents:assignment-list")
    shown = list(client.get(url).context["page"])
    for _ in range(2):
        shown += client.get(f"{url}?after={links.key_for('action', shown[-1].pk)}").context["page"]
    assert shown == sorted(tasks, key=lambda task: (task.recorded_at, task.pk))


def test_the_task_list_pages_on_from_a_task_just_followed_up(client_as, slt, incident, monkeypatch):
    from safeguard.incidents.views import actions as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first, second = (
        overdue_assignment(incident, to=slt, text=f"Task {days}", days=days) for days in (3, 2)
    )
    client = client_as(slt)
    client.post(add_url(incident), form_data(follows_up=first.pk, text="Done."))
    response = client.get(
        reverse("incidents:assignment-list") + f"?after={links.key_for('action', first.pk)}"
    )
    assert list(response.context["page"]) == [second]


@pytest.mark.parametrize("edge", ["someone else's", "made up"])
def test_the_task_list_ignores_an_edge_that_is_not_my_task(
    client_as, slt, teacher, incident, membership_of, edge
):
    mine = overdue_assignment(incident, to=slt, text="Mine", days=1)
    theirs = overdue_assignment(incident, to=teacher, text="Theirs", days=5)
    key = links.key_for("action", theirs.pk) if edge == "someone else's" else "zzzzzzzzzzzzz"
    response = client_as(slt).get(reverse("incidents:assignment-list") + f"?after={key}")
    assert list(response.context["page"]) == [mine]


def test_the_task_list_counts_no_further_than_a_bound(client_as, slt, incident, monkeypatch):
    from safeguard.incidents.views import actions as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    for days in (1, 2, 3):
        overdue_assignment(incident, to=slt, text="Task", days=days)
    response = client_as(slt).get(reverse("incidents:assignment-list"))
    assert b"More than 2 open tasks" in response.content


def test_a_governor_has_no_task_list(client_as, governor):
    assert client_as(governor).get(reverse("incidents:assignment-list")).status_code == 403


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


@pytest.fixture
def restricted(incident, dsl, membership_of):
    return make_restricted(incident, by=membership_of(dsl))


@pytest.fixture
def sid(persona):
    return persona(Role.OTHER, first_name="Sid", last_name="Zorkman")


@pytest.fixture
def deb(persona):
    return persona(Role.DEPUTY_DSL, first_name="Deb", last_name="Zorkwell")


def search_url(incident) -> str:
    return reverse("incidents:action-staff-search", args=[incident.pk])


def offered(response) -> set[str]:
    return set(re.findall(r'data-label="([^"]+)"', response.content.decode()))


def test_named_people_are_a_type_ahead_not_a_list_of_every_member_of_staff(
    client_as, slt, sid, incident
):
    html = client_as(slt).get(add_url(incident)).content.decode()
    assert 'role="combobox"' in html and 'id="people-search"' in html
    assert f'data-search-url="{search_url(incident)}"' in html
    assert 'name="people"' not in html  # no list of every member of staff to tick


def test_groups_are_toggles_with_how_many_they_alert(
    client_as, slt, sid, deb, incident, school, membership_of
):
    group = StaffGroup.objects.for_school(school).create(school=school, name="Pastoral team")
    group.members.add(membership_of(sid), membership_of(deb))
    html = client_as(slt).get(add_url(incident)).content.decode()
    toggles = re.findall(r'<div class="group-toggle">(.*?)</div>', html, re.S)
    assert any("Pastoral team" in t and "2 people" in t for t in toggles), toggles


def test_typing_a_name_suggests_matching_colleagues(client_as, slt, sid, deb, incident):
    response = client_as(slt).post(search_url(incident), {"term": "zork"})
    assert response.status_code == 200
    assert offered(response) == {"Sid Zorkman", "Deb Zorkwell"}


def test_the_suggestions_leave_out_me_governors_and_other_schools(
    client_as, slt, governor, dsl_other_school, incident
):
    for user in (slt, governor, dsl_other_school):
        user.last_name = "Searchable"
        user.save()
    response = client_as(slt).post(search_url(incident), {"term": "searchable"})
    assert offered(response) == set()


def test_the_search_is_never_a_get_so_no_name_reaches_an_address(client_as, slt, incident):
    assert client_as(slt).get(search_url(incident), {"term": "zork"}).status_code == 405


def test_on_a_restricted_incident_only_leads_are_suggested(client_as, slt, sid, deb, restricted):
    response = client_as(slt).post(search_url(restricted), {"term": "zork"})
    assert offered(response) == {"Deb Zorkwell"}


def test_a_leads_unshared_action_suggests_only_leads_and_a_shared_one_everyone(
    client_as, dsl, sid, deb, incident
):
    client = client_as(dsl)
    assert offered(client.post(search_url(incident), {"term": "zork"})) == {"Deb Zorkwell"}
    shared = client.post(search_url(incident), {"term": "zork", "is_shared_with_alerted": "on"})
    assert offered(shared) == {"Sid Zorkman", "Deb Zorkwell"}


def test_a_lead_sharing_a_restricted_incidents_action_still_gets_only_leads(
    client_as, dsl, sid, deb, restricted
):
    response = client_as(dsl).post(
        search_url(restricted), {"term": "zork", "is_shared_with_alerted": "on"}
    )
    assert offered(response) == {"Deb Zorkwell"}


def test_someone_who_cannot_see_the_incident_cannot_search_from_it(client_as, midday, incident):
    assert client_as(midday).post(search_url(incident), {"term": "zork"}).status_code == 404


def test_without_javascript_find_person_lists_matches_and_keeps_the_text(
    client_as, slt, sid, deb, incident, membership_of
):
    response = client_as(slt).post(
        add_url(incident),
        form_data(intent="search-people", people_query="zork", text="Spoke to mum at the gate."),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spoke to mum at the gate." in html
    assert re.search(rf'type="checkbox" name="people" value="{membership_of(deb).pk}"', html)
    assert "Sid Zorkman" in html
    assert "There is a problem" not in html
    assert not Action.objects.for_school(incident.school_id).exists()


def test_without_javascript_the_matches_on_a_restricted_incident_are_leads_only(
    client_as, slt, sid, deb, restricted
):
    response = client_as(slt).post(
        add_url(restricted), form_data(intent="search-people", people_query="zork")
    )
    html = response.content.decode()
    assert "Deb Zorkwell" in html and "Sid Zorkman" not in html


def test_without_javascript_a_chosen_person_can_be_removed(
    client_as, slt, sid, deb, incident, membership_of
):
    sid_id, deb_id = membership_of(sid).pk, membership_of(deb).pk
    response = client_as(slt).post(
        add_url(incident),
        form_data(intent=f"remove-person-{sid_id}", people=[sid_id, deb_id]),
    )
    rows = response.content.decode().split('data-rows="people"')[1].split("</ul>")[0]
    assert "Deb Zorkwell" in rows and "Sid Zorkman" not in rows


def test_people_chosen_by_name_and_a_group_are_alerted(
    client_as, slt, sid, deb, incident, school, membership_of
):
    group = StaffGroup.objects.for_school(school).create(school=school, name="Pastoral team")
    group.members.add(membership_of(deb))
    response = client_as(slt).post(
        add_url(incident), form_data(people=[membership_of(sid).pk], groups=[group.pk])
    )
    assert response.status_code == 302
    action = Action.objects.for_school(school).get(incident=incident)
    told = set(
        Alert.objects.for_school(school).filter(action=action).values_list("recipient", flat=True)
    )
    assert {sid.pk, deb.pk} <= told


def test_a_refused_person_stays_chosen_with_the_reason_beside_the_field(
    client_as, slt, sid, restricted, membership_of
):
    response = client_as(slt).post(add_url(restricted), form_data(people=[membership_of(sid).pk]))
    assert response.status_code == 400
    html = response.content.decode()
    rows = html.split('data-rows="people"')[1].split("</ul>")[0]
    assert "Sid Zorkman" in rows
    errors = re.search(r'<ul class="errorlist" id="people-errors">.*?</ul>', html, re.S).group(0)
    assert "isn&#x27;t a DSL or deputy" in errors
    assert 'href="#people-search"' in html


def test_the_task_due_date_is_still_a_date_and_the_assignee_a_choice(
    client_as, slt, deb, incident, membership_of
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_as(slt).post(
        add_url(incident),
        form_data(assigned_to=membership_of(deb).pk, due_on=tomorrow.isoformat()),
    )
    assert response.status_code == 302


DUE_ON = datetime.date(2030, 12, 3)


@pytest.fixture
def due_3_december_2030(teacher, slt, membership_of):
    """An assignment for the SLT member, due on a date every format writes differently."""
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    return add_test_action(
        membership_of(teacher),
        incident,
        text="Please meet mum.",
        assigned_to=membership_of(slt),
        due_on=DUE_ON,
    )


@pytest.mark.parametrize(
    "page",
    ["follow-up form", "task list", "incident page"],
)
def test_the_due_date_is_shown_in_the_one_date_format(client_as, slt, due_3_december_2030, page):
    assignment = due_3_december_2030
    url = {
        "follow-up form": reverse("incidents:action-add", args=[assignment.incident_id]),
        "task list": reverse("incidents:assignment-list"),
        "incident page": reverse("incidents:incident-detail", args=[assignment.incident_id]),
    }[page]
    content = client_as(slt).get(url).content.decode()
    assert "3 Dec 2030" in content
    assert "03/12/2030" not in content
    assert "December" not in content


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def test_the_action_form_offers_leads_an_unticked_share_box(dsl, teacher, membership_of, client_as):
    incident = record_test_incident(membership_of(teacher))
    form = client_as(dsl).get(url("incidents:action-add", incident.pk)).context["form"]
    assert "is_shared_with_alerted" in form.fields
    assert not form["is_shared_with_alerted"].value()
    html = client_as(dsl).get(url("incidents:action-add", incident.pk)).content.decode()
    assert "Share this action with the staff alerted to this incident" in html


def test_the_action_form_has_no_share_box_for_other_staff(teacher, membership_of, client_as):
    incident = record_test_incident(membership_of(teacher))
    form = client_as(teacher).get(url("incidents:action-add", incident.pk)).context["form"]
    assert "is_shared_with_alerted" not in form.fields


def test_a_lead_posting_the_share_box_shares_the_action(
    dsl, teacher, slt, membership_of, client_as
):
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    response = client_as(dsl).post(
        url("incidents:action-add", incident.pk),
        {
            "submit_key": str(uuid.uuid4()),
            "text": "Agreed a plan with mum.",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "is_shared_with_alerted": "on",
        },
    )
    assert response.status_code == 302
    html = client_as(slt).get(url("incidents:incident-detail", incident.pk)).content.decode()
    assert "Agreed a plan with mum." in html


def test_the_action_form_on_a_restricted_incident_offers_only_leads_and_says_so(
    restricted_assignment, slt, deputy, persona, client_as
):
    site_manager = persona(Role.OTHER, first_name="Sid", last_name="Manager")
    response = client_as(slt).get(url("incidents:action-add", restricted_assignment.pk))
    html = response.content.decode()
    assert "Only the safeguarding leads can be told about this incident." in html
    assert "the school's DSLs and deputies only" in html
    assert "restricted" not in html.lower()  # staff are not told a restricted category was added
    assert "Sid Manager" not in html
    assert deputy.full_name in html
    assert site_manager.pk

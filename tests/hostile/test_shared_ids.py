"""Numbers every school shares, in addresses and anchors.

Files, actions and alerts are numbered by sequences every school shares, so a number in a
teacher's page told them how many files, actions or alerts the whole installation (other
schools included) had made between two of theirs. Their addresses now carry opaque keys: a
file's download address a keyed permutation of its id (like an incident's), an action's
anchor and follow-up parameter another, a draft's address another, an alert's buttons its
random key. Old addresses
by number keep working for the people allowed to use them; made-up keys are not found.
"""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.incidents import links
from safeguard.incidents.models import Action, Alert, Attachment, Incident
from tests.hostile import files
from tests.hostile.helpers import ADD, action_data, incident_data, membership
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db

# A number where a key belongs: a file's or an alert's address, an action's anchor or
# element id, the follow-up parameter, or a task offered in the follow-up list. A key may
# begin with a digit (base32 has 2 to 7), so a number must end at a word boundary.
NUMBERED = re.compile(
    r"/files/[0-9]+/|/alerts/[0-9]+/|#action-[0-9]+\b|\"action-[0-9]+\b|follows_up=[0-9]+\b"
    r"|<option value=\"[0-9]+\"[^>]*>Task from"
)


def casework(client, school, pupil, person) -> Incident:
    """Through the views, as a lead: an incident naming `person`, with a file, then an action
    giving them a task, with a file; so they hold two alerts, a task and two downloads."""
    data = incident_data(
        school,
        pupil,
        people=[str(membership(person, school).pk)],
        files=[files.upload("notes.txt", b"Typed notes.")],
    )
    assert client.post(ADD, data).status_code == 302
    incident = Incident.objects.for_school(school).get(submit_key=data["submit_key"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    added = client.post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(
            assigned_to=str(membership(person, school).pk),
            due_on=tomorrow.isoformat(),
            is_shared_with_alerted="on",
            files=[files.upload("minutes.txt", b"Meeting minutes.")],
        ),
    )
    assert added.status_code == 302
    return incident


@pytest.fixture
def two_of_theirs(client_as, dsl, teacher, school, pupil, elsewhere):
    """Two incidents about which Terry was alerted, with another school's casework between."""
    lead = client_as(dsl)
    first = casework(lead, school, pupil, teacher)
    fernhill = elsewhere["school"]
    for _ in range(3):
        casework(client_as(elsewhere["dsl"]), fernhill, elsewhere["pupil"], elsewhere["colleague"])
    second = casework(lead, school, pupil, teacher)
    return first, second


def pages_of(client, incidents: list[Incident]) -> dict[str, str]:
    pages = {
        "alerts": reverse("incidents:alert-list"),
        "tasks": reverse("incidents:assignment-list"),
        "dashboard": reverse("dashboard"),
    }
    for number, incident in enumerate(incidents):
        task = Action.objects.for_school(incident.school_id).get(
            incident=incident, assigned_to__isnull=False
        )
        pages[f"incident {number}"] = reverse("incidents:incident-detail", args=[incident.pk])
        follow_up = reverse("incidents:action-add", args=[incident.pk])
        pages[f"follow-up {number}"] = f"{follow_up}?follows_up={links.key_for('action', task.pk)}"
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = response.content.decode()
    return found


def test_a_teachers_pages_carry_no_shared_file_action_or_alert_number(
    client_as, teacher, two_of_theirs
):
    for name, page in pages_of(client_as(teacher), list(two_of_theirs)).items():
        assert NUMBERED.findall(page) == [], name


def test_a_leads_incident_page_carries_no_shared_number_either(client_as, dsl, two_of_theirs):
    """The lead's page adds the alert log, whose rows point at actions."""
    for name, page in pages_of(client_as(dsl), list(two_of_theirs)).items():
        if name.startswith("incident"):
            assert NUMBERED.findall(page) == [], name


def test_the_keys_on_two_pages_say_nothing_about_what_came_between(
    client_as, teacher, two_of_theirs
):
    """The keys of Terry's first and second file and action are unrelated strings: nothing
    in them counts the other school's six files, three actions and six alerts."""
    first, second = two_of_theirs
    client = client_as(teacher)
    keys = {}
    for incident in (first, second):
        page = client.get(reverse("incidents:incident-detail", args=[incident.pk])).content
        keys[incident.pk] = (
            re.findall(r"/files/([a-z2-7]{13})/", page.decode()),
            re.findall(r'id="action-([a-z2-7]{13})"', page.decode()),
            re.findall(r"/alerts/([0-9a-f-]{36})/", page.decode()),
        )
    for kind in range(3):
        before, after = keys[first.pk][kind], keys[second.pk][kind]
        assert before and after and not set(before) & set(after)
        assert all(not key.isdigit() for key in before + after)
    ids = sorted(
        Attachment.objects.for_school(first.school_id)
        .filter(incident__in=[first, second])
        .values_list("pk", flat=True)
    )
    assert ids[-1] - ids[0] > 6  # the other school's six files really are between them


def test_an_old_download_address_by_number_still_downloads_through_the_keyed_one(
    client_as, teacher, school, submitted
):
    incident_id, attachment_id = submitted["incident_id"], submitted["attachment_id"]
    client = client_as(teacher)
    keyed = reverse("incidents:attachment-download", args=[incident_id, attachment_id])
    assert keyed.endswith(f"/files/{links.key_for('file', attachment_id)}/")

    for old in (
        f"{reverse('incidents:incident-detail', args=[incident_id])}files/{attachment_id}/",
        f"/incidents/{incident_id}/files/{attachment_id}/",
    ):
        response = client.get(old, follow=True)
        assert response.redirect_chain[-1] == (keyed, 302), old
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"Typed notes."


def test_an_old_download_address_is_not_found_for_someone_who_may_not_see_the_file(
    client_as, persona, submitted
):
    stranger = client_as(persona("teacher"))
    incident_key = links.incident_key(submitted["incident_id"])
    old = stranger.get(f"/incidents/{incident_key}/files/{submitted['attachment_id']}/")
    missing = stranger.get(f"/incidents/{incident_key}/files/2000000000/")
    assert old.status_code == missing.status_code == 404


def test_a_made_up_or_misused_file_key_is_not_found(client_as, teacher, school, submitted):
    client = client_as(teacher)
    incident_id, attachment_id = submitted["incident_id"], submitted["attachment_id"]
    base = reverse("incidents:incident-detail", args=[incident_id])
    key = links.key_for("file", attachment_id)
    tampered = key[:-2] + ("a" if key[-2] != "a" else "b") + key[-1]
    for key in (
        "aaaaaaaaaaaaa",  # made up
        links.incident_key(attachment_id),  # another kind's key for the same number
        links.key_for("action", attachment_id),
        tampered,
        links.key_for("file", 2_000_000_000),  # a key of ours for no file
    ):
        assert client.get(f"{base}files/{key}/").status_code == 404, key


def test_a_files_key_under_another_incidents_address_is_not_found(
    client_as, teacher, school, pupil, submitted
):
    client = client_as(teacher)
    client.post(ADD, data := incident_data(school, pupil))
    other = Incident.objects.for_school(school).get(submit_key=data["submit_key"])
    url = reverse("incidents:attachment-download", args=[other.pk, submitted["attachment_id"]])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("button", ["read", "acknowledge"])
def test_an_old_alert_button_by_number_still_works(client_as, teacher, two_of_theirs, button):
    first, _ = two_of_theirs
    alert = (
        Alert.objects.for_school(first.school_id)
        .filter(incident=first, recipient=teacher)
        .latest("pk")
    )
    response = client_as(teacher).post(f"/alerts/{alert.pk}/{button}/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert (alert.acknowledged_at is not None) == (button == "acknowledge")


def test_the_alert_buttons_post_to_the_alerts_key(client_as, teacher, two_of_theirs):
    first, _ = two_of_theirs
    alert = (
        Alert.objects.for_school(first.school_id)
        .filter(incident=first, recipient=teacher)
        .latest("pk")
    )
    page = client_as(teacher).get(reverse("incidents:incident-detail", args=[first.pk]))
    assert f'action="/alerts/{alert.key}/read/"' in page.content.decode()
    response = client_as(teacher).post(f"/alerts/{alert.key}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


@pytest.mark.parametrize("button", ["read", "acknowledge", "incident"])
def test_an_alert_key_made_up_or_someone_elses_is_not_found(
    client_as, dsl, teacher, two_of_theirs, button
):
    first, _ = two_of_theirs
    theirs = (
        Alert.objects.for_school(first.school_id)
        .filter(incident=first, recipient=teacher)
        .latest("pk")
    )
    before = snapshot()
    client = client_as(dsl)
    fetch = client.get if button == "incident" else client.post
    assert fetch(f"/alerts/{uuid.uuid4()}/{button}/").status_code == 404
    assert fetch(f"/alerts/{theirs.key}/{button}/").status_code == 404
    assert fetch(f"/alerts/{theirs.pk}/{button}/").status_code == 404
    assert changes(before, snapshot()) == {}


def test_a_follow_up_chosen_by_key_marks_the_task_done(client_as, teacher, school, two_of_theirs):
    first, _ = two_of_theirs
    task = Action.objects.for_school(first.school_id).get(incident=first, assigned_to__isnull=False)
    client = client_as(teacher)
    url = reverse("incidents:action-add", args=[first.pk])
    form = client.get(f"{url}?follows_up={links.key_for('action', task.pk)}").content.decode()
    assert f'<option value="{links.key_for("action", task.pk)}" selected>' in form

    response = client.post(url, action_data(follows_up=links.key_for("action", task.pk)))

    assert response.status_code == 302
    added = Action.objects.for_school(school).get(follows_up=task)
    assert response["Location"].endswith(f"#action-{links.key_for('action', added.pk)}")


def test_an_old_follow_up_link_by_number_still_chooses_the_task(
    client_as, teacher, school, two_of_theirs
):
    first, _ = two_of_theirs
    task = Action.objects.for_school(first.school_id).get(incident=first, assigned_to__isnull=False)
    client = client_as(teacher)
    url = reverse("incidents:action-add", args=[first.pk])
    form = client.get(f"{url}?follows_up={task.pk}").content.decode()
    assert f'<option value="{links.key_for("action", task.pk)}" selected>' in form
    # A form loaded before the change posts the number: still accepted.
    assert client.post(url, action_data(follows_up=str(task.pk))).status_code == 302
    assert Action.objects.for_school(school).filter(follows_up=task).exists()


@pytest.mark.parametrize(
    "follows_up",
    [
        "aaaaaaaaaaaaa",
        links.incident_key(1),
        "2000000000",
        "'; DROP TABLE x; --",
    ],
)
def test_a_made_up_follow_up_key_gets_the_same_answer_as_an_unknown_task(
    client_as, teacher, two_of_theirs, follows_up
):
    first, _ = two_of_theirs
    client = client_as(teacher)
    url = reverse("incidents:action-add", args=[first.pk])
    assert (
        " selected>Task from" not in client.get(f"{url}?follows_up={follows_up}").content.decode()
    )
    before = snapshot()
    response = client.post(url, action_data(follows_up=follows_up))
    assert response.status_code == 400
    assert response.context["form"].errors["follows_up"] == [
        "Choose one of your tasks on this incident."
    ]
    assert changes(before, snapshot()) == {}


def test_someone_elses_task_key_is_refused_like_an_unknown_one(
    client_as, dsl, teacher, school, two_of_theirs
):
    """The DSL gave Terry the task: the DSL can't post a follow-up to it by its key."""
    first, _ = two_of_theirs
    task = Action.objects.for_school(first.school_id).get(incident=first, assigned_to__isnull=False)
    response = client_as(dsl).post(
        reverse("incidents:action-add", args=[first.pk]),
        action_data(follows_up=links.key_for("action", task.pk)),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["follows_up"] == [
        "Choose one of your tasks on this incident."
    ]


def test_each_kind_has_its_own_key_for_the_same_number():
    """A file's key never opens an incident or an action with that number, nor the reverse."""
    keys = {kind: links.key_for(kind, 41) for kind in ("incident", "file", "action")}
    assert len(set(keys.values())) == 3
    for kind, key in keys.items():
        assert links.id_from_key(kind, key) == 41
        assert [other for other in keys if links.id_from_key(other, key) == 41] == [kind]


def test_a_drafts_address_and_autosave_answer_carry_no_shared_number(client_as, teacher, school):
    """Drafts are numbered by a sequence every school shares: the author's own draft list,
    its discard button and the autosave answer name it by key only."""
    client = client_as(teacher)
    saved = client.post(
        reverse("incidents:draft-save"),
        {"submit_key": str(uuid.uuid4()), "text": "Half a sentence worth keeping"},
    )
    answer = saved.json()
    assert "draft_id" not in answer
    draft_id = links.id_from_key("draft", answer["draft"])
    assert draft_id is not None
    assert str(draft_id) not in answer["draft"]

    page = client.get(reverse("dashboard")).content.decode()
    assert f"/incidents/drafts/{links.key_for('draft', draft_id)}/" in page
    assert f"/incidents/drafts/{draft_id}/" not in page
    resumed = client.get(reverse("incidents:draft-resume", args=[draft_id]))
    assert resumed.status_code == 200
    assert "Half a sentence worth keeping" in resumed.content.decode()


def test_an_old_draft_address_by_number_still_opens_for_its_author_only(
    client_as, teacher, midday, school
):
    client = client_as(teacher)
    saved = client.post(
        reverse("incidents:draft-save"),
        {"submit_key": str(uuid.uuid4()), "text": "Kept before drafts had keys"},
    )
    draft_id = links.id_from_key("draft", saved.json()["draft"])
    by_number = f"/incidents/drafts/{draft_id}/"
    assert "Kept before drafts had keys" in client.get(by_number).content.decode()
    assert client_as(midday).get(by_number).status_code == 404
    key = links.key_for("draft", draft_id)
    assert client_as(midday).get(f"/incidents/drafts/{key}/").status_code == 404


def test_a_made_up_draft_key_is_not_found(client_as, teacher):
    client = client_as(teacher)
    assert client.get("/incidents/drafts/aaaaaaaaaaaaa/").status_code == 404
    assert client.post("/incidents/drafts/aaaaaaaaaaaaa/discard/").status_code == 404


def test_the_alert_lists_paging_links_carry_no_shared_alert_number(
    client_as, monkeypatch, dsl, teacher, school
):
    """Past the first page, the Older and Newer links name the edge alert by its random key,
    not its number, which every school's alerts share."""
    from safeguard.incidents.tests.factories import record_test_incident
    from safeguard.incidents.views import alerts as alert_views

    monkeypatch.setattr(alert_views, "PAGE_SIZE", 2)
    for _ in range(5):
        record_test_incident(membership(dsl, school), people=[membership(teacher, school)])
    client = client_as(teacher)
    first = client.get(reverse("incidents:alert-list")).content.decode()
    older = re.search(r'href="\?after=([^"&]+)"', first)
    assert older, "no Older link on the first page"
    mine = Alert.objects.for_school(school).filter(recipient=teacher)
    assert older.group(1) in {str(alert.key) for alert in mine}
    assert not re.search(r'[?&](after|before)=[0-9]+(?=["&])', first)

    second = client.get(reverse("incidents:alert-list") + f"?after={older.group(1)}")
    page = second.content.decode()
    assert second.status_code == 200
    assert not re.search(r'[?&](after|before)=[0-9]+(?=["&])', page)
    shown = re.findall(r"Open incident ([A-Z]+-[0-9]+-[0-9]+)", page)
    assert len(shown) == 2 and not set(shown) & set(
        re.findall(r"Open incident ([A-Z]+-[0-9]+-[0-9]+)", first)
    )

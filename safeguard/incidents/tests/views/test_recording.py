"""The Add Incident page (`views/recording.py`): submitting, bad input (body-map marks
included), and the type-ahead searches."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import MembershipFactory, StaffGroupFactory, member
from safeguard.incidents.models import Alert, BodyMapMark, Category, Draft, Incident, LinkedPupil
from safeguard.incidents.tests.factories import category
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


ADD = reverse("incidents:incident-add")


SALLY_TEXT = (
    "During lunchtime play, Sally approached me and was crying. She said "
    "'I don't like my life anymore'. I told her I would tell the DSL."
)


def slt_group(school):
    return StaffGroup.objects.for_school(school).get(is_slt=True)


@pytest.fixture
def sally(school):
    return PupilFactory(
        school=school, legal_first_name="Sally", legal_last_name="Jones", registration_group="3B"
    )


def form_data(school, pupil, **changes):
    """What the browser posts for the policy's Sally example, with changes."""
    now = timezone.localtime()
    data = {
        "submit_key": str(uuid.uuid4()),
        "pupil": str(pupil.pk),
        "kind": "conversation",
        "text": SALLY_TEXT,
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "location": "Playground",
        "spoke_to_dsl": "no",
        "categories": [str(category(school, "Family / home circumstances").pk)],
        "groups": [str(slt_group(school).pk)],
        "intent": "submit",
    }
    data.update(changes)
    return data


def errors_of(response) -> list[str]:
    return [message for _, message in response.context["error_summary"]]


def test_add_incident_page_carries_a_fresh_submit_key(client_as, midday):
    client = client_as(midday)
    first = client.get(ADD).context["form"].initial["submit_key"]
    second = client.get(ADD).context["form"].initial["submit_key"]
    assert isinstance(first, uuid.UUID) and first != second


def test_header_button_leads_to_the_add_incident_page(client_as, midday):
    response = client_as(midday).get(reverse("dashboard"))
    assert f'href="{ADD}"' in response.content.decode()


def test_governor_may_not_record_incidents(client_as, governor):
    assert client_as(governor).get(ADD).status_code == 403


def category_box(school, name) -> str:
    return f'name="categories" value="{category(school, name).pk}"'


def test_non_dsl_is_not_offered_restricted_categories(client_as, teacher, school):
    page = client_as(teacher).get(ADD).content.decode()
    assert category_box(school, "Family / home circumstances") in page
    assert category_box(school, "Child protection") not in page


def test_dsl_is_offered_restricted_categories(client_as, dsl, school):
    page = client_as(dsl).get(ADD).content.decode()
    assert category_box(school, "Child protection") in page


def test_groups_are_offered_slt_first_with_their_member_counts(client_as, midday, school, slt):
    StaffGroupFactory(school=school, name="Aardvarks")
    slt_group(school).members.add(slt.memberships.get())
    page = client_as(midday).get(ADD).content.decode()
    assert page.index("SLT") < page.index("Aardvarks")
    assert "1 person" in page


def test_midday_supervisor_records_the_sally_example(client_as, midday, school, sally, slt, dsl):
    slt_group(school).members.add(slt.memberships.get())
    friend = PupilFactory(school=school, legal_first_name="Amira")
    data = form_data(
        school, sally, link_pupil=[str(friend.pk)], **{f"link_role_{friend.pk}": "witness"}
    )
    response = client_as(midday).post(ADD, data)

    incident = Incident.objects.for_school(school).get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:incident-detail", args=[incident.pk])
    assert (incident.author, incident.pupil, incident.kind) == (midday, sally, "conversation")
    assert [c.name for c in incident.categories.all()] == ["Family / home circumstances"]
    link = LinkedPupil.objects.for_school(school).get(incident=incident)
    assert (link.pupil, link.role) == (friend, "witness")
    alerted = set(Alert.objects.for_school(school).values_list("recipient", flat=True))
    assert alerted == {slt.pk, dsl.pk}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Incident recorded. 2 people have been alerted."
    ]


def test_the_author_is_always_the_signed_in_person(client_as, midday, teacher, school, sally):
    client_as(midday).post(ADD, form_data(school, sally, author=str(teacher.pk)))
    assert Incident.objects.for_school(school).get().author == midday


def test_named_people_are_alerted(client_as, midday, teacher, school, sally):
    person = teacher.memberships.get()
    client_as(midday).post(
        ADD,
        form_data(
            school,
            sally,
            groups=[],
            categories=[str(category(school, "Behaviour").pk)],
            people=[str(person.pk)],
        ),
    )
    assert list(Alert.objects.for_school(school).values_list("recipient", flat=True)) == [
        teacher.pk
    ]


def test_dsl_spoken_to_is_recorded(client_as, midday, dsl, school, sally):
    lead = dsl.memberships.get()
    client_as(midday).post(
        ADD, form_data(school, sally, spoke_to_dsl="yes", dsl_spoken_to=str(lead.pk))
    )
    incident = Incident.objects.for_school(school).get()
    assert incident.spoke_to_dsl and incident.dsl_spoken_to == dsl


def test_double_submit_records_one_incident_and_lands_on_it(client_as, midday, school, sally):
    client = client_as(midday)
    data = form_data(school, sally)
    first = client.post(ADD, data)
    second = client.post(ADD, data)
    assert Incident.objects.for_school(school).count() == 1
    assert first.url == second.url


def test_a_retry_lands_on_the_incident_even_if_its_category_was_retired_since(
    client_as, midday, school, sally
):
    client = client_as(midday)
    data = form_data(school, sally)
    first = client.post(ADD, data)
    Category.objects.for_school(school).filter(pk__in=data["categories"]).update(is_retired=True)
    again = client.post(ADD, data)
    assert again.status_code == 302 and again.url == first.url
    assert Incident.objects.for_school(school).count() == 1


def test_submitting_deletes_the_draft(client_as, midday, school, sally):
    client = client_as(midday)
    data = form_data(school, sally)
    client.post(reverse("incidents:draft-save"), data)
    assert Draft.objects.for_school(school).count() == 1
    client.post(ADD, data)
    assert not Draft.objects.for_school(school).exists()


def test_empty_text_is_refused_and_the_rest_is_kept(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, text="   "))
    assert response.status_code == 200
    assert "Write what happened: this can't be empty." in errors_of(response)
    page = response.content.decode()
    assert "Sally Jones" in page and 'value="Playground"' in page
    assert not Incident.objects.for_school(school).exists()


def test_text_over_the_limit_says_the_limit(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, text="a" * 200_000))
    (message,) = errors_of(response)
    assert "200,000 characters" in message and "the limit is 100,000" in message


def test_text_at_the_limit_is_recorded(client_as, midday, school, sally):
    client_as(midday).post(ADD, form_data(school, sally, text="a" * 100_000))
    assert len(Incident.objects.for_school(school).get().text) == 100_000


def test_null_character_in_the_text_is_explained(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, text="Sally\x00said"))
    assert response.status_code == 200
    assert "null character" in errors_of(response)[0]


def test_null_character_in_the_place_is_explained(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, location="Hall\x00"))
    assert "null character" in errors_of(response)[0]


def test_text_that_is_not_valid_utf8_is_explained_not_a_crash(client_as, midday, school, sally):
    from urllib.parse import urlencode

    data = form_data(school, sally)
    data["text"] = "TEXT"
    body = urlencode(data, doseq=True).encode().replace(b"TEXT", b"Sally%ff%fesaid")
    response = client_as(midday).post(ADD, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "couldn't be read" in errors_of(response)[0]


def test_future_time_is_refused(client_as, midday, school, sally):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client_as(midday).post(ADD, form_data(school, sally, occurred_on=f"{tomorrow}"))
    assert "can't be in the future" in errors_of(response)[0]
    assert f'value="{tomorrow}"' in response.content.decode()


def test_earlier_time_is_recorded_as_given(client_as, midday, school, sally):
    client_as(midday).post(
        ADD, form_data(school, sally, occurred_on="2025-01-15", occurred_time="12:40")
    )
    occurred = timezone.localtime(Incident.objects.for_school(school).get().occurred_at)
    assert (occurred.date().isoformat(), f"{occurred:%H:%M}") == ("2025-01-15", "12:40")


def test_no_category_is_refused(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, categories=[]))
    assert errors_of(response) == [
        "Choose at least one category. If unsure, choose the nearest one."
    ]


def test_restricted_category_from_a_teacher_is_refused(client_as, teacher, school, sally):
    restricted = category(school, "Child protection")
    response = client_as(teacher).post(
        ADD, form_data(school, sally, categories=[str(restricted.pk)])
    )
    assert "Only a DSL can allocate “Child protection”" in errors_of(response)[0]
    assert not Incident.objects.for_school(school).exists()


def test_archived_pupil_from_a_teacher_is_refused(client_as, teacher, school):
    archived = PupilFactory(school=school, is_archived=True)
    response = client_as(teacher).post(ADD, form_data(school, archived))
    assert "This pupil is archived" in errors_of(response)[0]


def test_dsl_may_record_on_an_archived_pupil_with_a_warning(client_as, dsl, school):
    archived = PupilFactory(school=school, is_archived=True)
    client = client_as(dsl)
    data = form_data(school, archived, intent="search-pupil", pupil_query="")
    page = client.post(ADD, data).content.decode()
    assert "This pupil is archived: check this is the right child." in page
    client.post(ADD, {**data, "intent": "submit"})
    assert Incident.objects.for_school(school).get().pupil == archived


def test_another_schools_pupil_is_not_in_the_list(client_as, midday, school, other_school):
    stranger = PupilFactory(school=other_school)
    response = client_as(midday).post(ADD, form_data(school, stranger))
    assert errors_of(response) == ["Choose the pupil from the list."]


def test_another_schools_category_is_not_in_the_list(
    client_as, midday, school, other_school, sally
):
    theirs = category(other_school, "Behaviour")
    response = client_as(midday).post(ADD, form_data(school, sally, categories=[str(theirs.pk)]))
    assert errors_of(response) == ["Choose categories from the list."]


def test_another_schools_staff_member_is_not_in_the_list(
    client_as, midday, school, other_school, sally, dsl_other_school
):
    theirs = dsl_other_school.memberships.get()
    response = client_as(midday).post(ADD, form_data(school, sally, people=[str(theirs.pk)]))
    assert errors_of(response) == ["Choose people from the list."]


def test_another_schools_group_is_not_in_the_list(client_as, midday, school, other_school, sally):
    theirs = slt_group(other_school)
    response = client_as(midday).post(ADD, form_data(school, sally, groups=[str(theirs.pk)]))
    assert errors_of(response) == ["Choose groups from the list."]


def test_another_schools_pupil_cannot_be_linked(client_as, midday, school, other_school, sally):
    stranger = PupilFactory(school=other_school)
    response = client_as(midday).post(ADD, form_data(school, sally, link_pupil=[str(stranger.pk)]))
    assert errors_of(response) == ["Choose linked pupils from the list."]


def test_main_pupil_cannot_also_be_linked(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, link_pupil=[str(sally.pk)]))
    assert errors_of(response) == ["The main pupil can't also be a linked pupil."]


def test_yes_without_whom_asks_which_dsl(client_as, midday, school, sally):
    response = client_as(midday).post(ADD, form_data(school, sally, spoke_to_dsl="yes"))
    assert errors_of(response) == ["Choose which DSL you spoke to."]


def test_a_teacher_is_not_a_dsl_you_spoke_to(client_as, midday, teacher, school, sally):
    not_a_lead = teacher.memberships.get()
    response = client_as(midday).post(
        ADD, form_data(school, sally, spoke_to_dsl="yes", dsl_spoken_to=str(not_a_lead.pk))
    )
    assert errors_of(response) == ["Choose the DSL from the list."]


def test_script_is_kept_as_text_and_shown_as_text(client_as, midday, school, sally):
    script = "<script>alert(1)</script>"
    response = client_as(midday).post(
        ADD, form_data(school, sally, text=script, location=script, categories=[])
    )
    page = response.content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_errors_keep_the_pupil_linked_pupils_and_alert_choices(
    client_as, midday, teacher, school, sally
):
    friend = PupilFactory(school=school, legal_first_name="Amira", legal_last_name="Khan")
    person = teacher.memberships.get()
    data = form_data(
        school,
        sally,
        text="",
        link_pupil=[str(friend.pk)],
        people=[str(person.pk)],
        **{f"link_role_{friend.pk}": "alleged"},
    )
    response = client_as(midday).post(ADD, data)
    page = response.content.decode()
    assert "Chosen: <strong>Sally Jones</strong>" in page
    assert "Amira Khan" in page and '<option value="alleged" selected>' in page
    assert f'name="people" value="{person.pk}"' in page
    assert f'value="{slt_group(school).pk}"' in page.split('id="groups-fieldset"')[1]
    assert response.context["form"]["groups"].value() == [str(slt_group(school).pk)]


def test_error_summary_links_to_each_field(client_as, midday, school, sally):
    response = client_as(midday).post(
        ADD, form_data(school, sally, text="", categories=[], kind="")
    )
    anchors = [anchor for anchor, _ in response.context["error_summary"]]
    assert anchors == ["id_kind_0", "id_text", "categories-fieldset"]


def test_pupil_search_button_lists_matches_and_keeps_the_text(client_as, midday, school, sally):
    data = {**form_data(school, sally, pupil_query="sal", intent="search-pupil"), "pupil": ""}
    response = client_as(midday).post(ADD, data)
    page = response.content.decode()
    assert f'type="radio" name="pupil" value="{sally.pk}"' in page
    assert "During lunchtime play" in page
    assert response.context["error_summary"] == []


def test_link_search_button_offers_pupils_to_tick(client_as, midday, school, sally):
    friend = PupilFactory(school=school, legal_first_name="Amira")
    data = form_data(school, sally, link_query="amira", intent="search-links")
    page = client_as(midday).post(ADD, data).content.decode()
    assert f'type="checkbox" name="link_pupil" value="{friend.pk}"' in page


def test_remove_button_unlinks_a_pupil(client_as, midday, school, sally):
    friend = PupilFactory(school=school)
    data = form_data(school, sally, link_pupil=[str(friend.pk)], intent=f"remove-link-{friend.pk}")
    response = client_as(midday).post(ADD, data)
    assert response.context["link_rows"] == []


def test_people_search_button_offers_staff_to_tick(client_as, midday, teacher, school, sally):
    data = form_data(school, sally, people_query="terry", intent="search-people")
    page = client_as(midday).post(ADD, data).content.decode()
    assert f'type="checkbox" name="people" value="{teacher.memberships.get().pk}"' in page


def test_draft_is_saved_as_the_author_types(client_as, midday, school, sally):
    data = form_data(school, sally)
    response = client_as(midday).post(reverse("incidents:draft-save"), data)
    assert response.status_code == 200 and "saved_at" in response.json()
    draft = Draft.objects.for_school(school).get()
    assert (draft.author, str(draft.submit_key)) == (midday, data["submit_key"])
    assert draft.data["text"] == [SALLY_TEXT] and "csrfmiddlewaretoken" not in draft.data


def test_draft_without_a_submit_key_is_refused(client_as, midday):
    response = client_as(midday).post(reverse("incidents:draft-save"), {"text": "x"})
    assert response.status_code == 400
    assert "expired" in response.json()["error"]


def test_draft_with_a_null_character_is_still_kept(client_as, midday, school, sally):
    data = form_data(school, sally, text="Sally\x00 said")
    client_as(midday).post(reverse("incidents:draft-save"), data)
    assert Draft.objects.for_school(school).get().data["text"] == ["Sally said"]


def test_resuming_a_draft_restores_every_field(client_as, midday, teacher, school, sally):
    friend = PupilFactory(school=school, legal_first_name="Amira", legal_last_name="Khan")
    person = teacher.memberships.get()
    data = form_data(
        school,
        sally,
        link_pupil=[str(friend.pk)],
        people=[str(person.pk)],
        **{f"link_role_{friend.pk}": "witness"},
    )
    client = client_as(midday)
    client.post(reverse("incidents:draft-save"), data)
    draft = Draft.objects.for_school(school).get()
    response = client.get(reverse("incidents:draft-resume", args=[draft.pk]))
    page = response.content.decode()
    assert f'name="submit_key" value="{draft.submit_key}"' in page
    assert "During lunchtime play" in page and "Chosen: <strong>Sally Jones</strong>" in page
    assert "Amira Khan" in page and '<option value="witness" selected>' in page
    assert f'name="people" value="{person.pk}"' in page
    assert response.context["form"]["groups"].value() == [str(slt_group(school).pk)]
    assert response.context["error_summary"] == []


def test_someone_elses_draft_is_not_found(client_as, midday, teacher, school):
    draft = Draft.objects.create(school=school, author=teacher, data={"text": ["secret"]})
    client = client_as(midday)
    assert client.get(reverse("incidents:draft-resume", args=[draft.pk])).status_code == 404
    assert client.post(reverse("incidents:draft-discard", args=[draft.pk])).status_code == 404
    assert Draft.objects.for_school(school).filter(pk=draft.pk).exists()


def test_someone_elses_submit_key_cannot_overwrite_their_draft(client_as, midday, teacher, school):
    draft = Draft.objects.create(school=school, author=teacher, data={"text": ["secret"]})
    response = client_as(midday).post(
        reverse("incidents:draft-save"), {"submit_key": str(draft.submit_key), "text": "mine"}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.data == {"text": ["secret"]}


def test_discarding_a_draft_removes_it(client_as, midday, school):
    draft = Draft.objects.create(school=school, author=midday, data={"text": ["x"]})
    response = client_as(midday).post(reverse("incidents:draft-discard", args=[draft.pk]))
    assert response.status_code == 302
    assert not Draft.objects.for_school(school).exists()


def test_a_resumed_draft_offers_to_discard_it(client_as, midday, school):
    draft = Draft.objects.create(school=school, author=midday, data={"text": ["x"]})
    page = client_as(midday).get(reverse("incidents:draft-resume", args=[draft.pk]))
    assert reverse("incidents:draft-discard", args=[draft.pk]) in page.content.decode()


def test_save_draft_button_works_without_javascript(client_as, midday, school, sally):
    data = form_data(school, sally, intent="save-draft")
    response = client_as(midday).post(ADD, data)
    assert response.url == reverse("dashboard")
    assert Draft.objects.for_school(school).get().data["text"] == [SALLY_TEXT]
    assert not Incident.objects.for_school(school).exists()


def test_a_page_loaded_before_the_button_field_was_renamed_still_saves_a_draft(
    client_as, midday, school, sally
):
    """A form open since before an upgrade posts the button as `action`, not `intent`."""
    data = form_data(school, sally)
    del data["intent"]
    data["action"] = "save-draft"
    response = client_as(midday).post(ADD, data)
    assert response.url == reverse("dashboard")
    draft = Draft.objects.for_school(school).get()
    assert draft.data["text"] == [SALLY_TEXT]
    assert "action" not in draft.data
    assert not Incident.objects.for_school(school).exists()


def test_dashboard_lists_the_authors_drafts_by_pupil_first_name(client_as, midday, school, sally):
    Draft.objects.create(school=school, author=midday, data={"pupil": [str(sally.pk)]})
    Draft.objects.create(school=school, author=midday, data={"text": ["half"]})
    page = client_as(midday).get(reverse("dashboard")).content.decode()
    assert "Carry on writing: Sally, saved" in page
    assert "Carry on writing: no pupil yet, saved" in page


def test_dashboard_does_not_list_other_peoples_drafts(client_as, midday, teacher, school):
    Draft.objects.create(school=school, author=teacher, data={"text": ["x"]})
    assert "Carry on writing" not in client_as(midday).get(reverse("dashboard")).content.decode()


def test_pupil_search_finds_only_this_schools_pupils(
    client_as, midday, school, other_school, sally
):
    PupilFactory(school=other_school, legal_first_name="Sally", legal_last_name="Elsewhere")
    response = client_as(midday).post(reverse("incidents:pupil-search"), {"term": "sally"})
    page = response.content.decode()
    assert "Sally Jones" in page and "Elsewhere" not in page
    assert "Year 3, 3B" in page


def test_pupil_search_marks_archived_pupils_unchoosable_for_staff(client_as, midday, school):
    PupilFactory(school=school, legal_first_name="Ezra", is_archived=True)
    page = client_as(midday).post(reverse("incidents:pupil-search"), {"term": "ezra"}).content
    assert b'data-archived="true" aria-disabled="true"' in page and b"Archived" in page


def test_pupil_search_lets_a_dsl_choose_archived_pupils(client_as, dsl, school):
    PupilFactory(school=school, legal_first_name="Ezra", is_archived=True)
    page = client_as(dsl).post(reverse("incidents:pupil-search"), {"term": "ezra"}).content
    assert b'data-archived="true"' in page and b"aria-disabled" not in page


def test_pupil_search_shows_preferred_and_legal_names(client_as, midday, school):
    PupilFactory(
        school=school,
        legal_first_name="Alexandra",
        legal_last_name="Smith",
        preferred_first_name="Lexi",
    )
    page = client_as(midday).post(reverse("incidents:pupil-search"), {"term": "lexi"})
    assert "Lexi Smith (legal: Alexandra Smith)" in page.content.decode()


def test_staff_search_finds_only_this_schools_active_staff(client_as, midday, school, other_school):
    member(school, Role.TEACHER, first_name="Morgan", last_name="Here")
    gone = MembershipFactory(school=school, role=Role.TEACHER, is_active=False)
    gone.user.first_name = "Morgan"
    gone.user.last_name = "Left"
    gone.user.save()
    member(other_school, Role.TEACHER, first_name="Morgan", last_name="Elsewhere")
    member(school, Role.GOVERNOR, first_name="Morgan", last_name="Governor")
    page = client_as(midday).post(reverse("incidents:staff-search"), {"term": "morgan"})
    text = page.content.decode()
    assert "Morgan Here" in text
    assert "Left" not in text and "Elsewhere" not in text and "Governor" not in text


def test_recipients_preview_lists_dsls_for_safeguarding_categories(client_as, midday, dsl, school):
    page = client_as(midday).post(
        reverse("incidents:recipients-preview"),
        {"categories": [str(category(school, "Family / home circumstances").pk)]},
    )
    text = page.content.decode()
    assert "The school's DSLs are always told about safeguarding categories" in text
    assert dsl.full_name in text and "safeguarding lead" in text


def test_recipients_preview_lists_nobody_for_behaviour_alone(client_as, midday, dsl, school):
    page = client_as(midday).post(
        reverse("incidents:recipients-preview"),
        {"categories": [str(category(school, "Behaviour").pk)]},
    )
    assert dsl.full_name not in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["pupil-search", "staff-search", "recipients-preview", "draft-save"],
)
def test_post_only_endpoints_refuse_get(client_as, midday, name):
    assert client_as(midday).get(reverse(f"incidents:{name}")).status_code == 405


def test_discard_refuses_get(client_as, midday, school):
    draft = Draft.objects.create(school=school, author=midday, data={})
    url = reverse("incidents:draft-discard", args=[draft.pk])
    assert client_as(midday).get(url).status_code == 405


@pytest.mark.parametrize(
    "name",
    ["incident-add", "pupil-search", "staff-search", "recipients-preview", "draft-save"],
)
def test_governor_is_refused_every_recording_url(client_as, governor, name):
    assert client_as(governor).post(reverse(f"incidents:{name}"), {}).status_code == 403


def post_mark(client, school, pupil, **mark):
    data = form_data(school, pupil, **{f"mark-1-{k}": v for k, v in mark.items()})
    return client.post(ADD, data)


def test_a_front_part_chosen_for_the_back_is_explained_next_to_the_mark(
    client_as, midday, school, sally
):
    response = post_mark(
        client_as(midday), school, sally, side="back", region="front-right-ear", type="bruise"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Right ear” is on the front of the body" in page
    assert 'id="mark-1-region-error"' in page
    # Everything typed is kept: the account, the pupil, the categories and the mark itself.
    assert SALLY_TEXT.split("'")[0] in page and "Chosen: <strong>Sally Jones</strong>" in page
    assert response.context["form"]["categories"].value() == form_data(school, sally)["categories"]
    assert response.context["form"]["groups"].value() == form_data(school, sally)["groups"]
    assert '<option value="front-right-ear" selected>' in page
    assert '<option value="bruise" selected>' in page
    assert not Incident.objects.for_school(school).exists()
    assert not BodyMapMark.objects.for_school(school).exists()


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        ({"side": "back", "x": "abc", "y": "1", "type": "cut"}, "place on the drawing"),
        ({"side": "front", "x": "2000", "y": "5", "type": "cut"}, "place on the drawing"),
        ({"side": "front", "region": "front-elbow-of-doom", "type": "cut"}, "from the list"),
        ({"region": "nowhere", "type": "cut"}, "from the list"),
        ({"side": "sideways", "region": "back-left-calf", "type": "cut"}, "front or the back"),
        ({"side": "", "x": "500", "y": "500", "type": "cut"}, "front or the back"),
        ({"side": "front", "type": "burn", "colour": "red"}, "choose the part of the body"),
        ({"side": "front", "region": "front-face", "type": "punch"}, "what kind of mark"),
        ({"side": "front", "region": "front-face", "type": "cut", "note": "x" * 501}, "500"),
    ],
)
def test_every_kind_of_mistake_in_a_mark_is_shown_not_a_crash(
    client_as, midday, school, sally, mark, message
):
    response = post_mark(client_as(midday), school, sally, **mark)
    assert response.status_code == 200
    assert any(message in text for _, text in response.context["error_summary"])
    assert message in response.content.decode()
    assert not Incident.objects.for_school(school).exists()


def test_a_draft_holding_a_wrong_part_of_the_body_opens_with_its_message(
    client_as, midday, school, sally
):
    data = form_data(school, sally, **{"mark-1-side": "back", "mark-1-region": "front-right-ear"})
    client = client_as(midday)
    client.post(reverse("incidents:draft-save"), data)
    draft = Draft.objects.for_school(school).get()
    response = client.get(reverse("incidents:draft-resume", args=[draft.pk]))
    assert response.status_code == 200
    assert "is on the front of the body" in response.content.decode()

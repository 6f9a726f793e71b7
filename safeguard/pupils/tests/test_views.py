import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.pupils.forms import PupilForm
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind
from safeguard.pupils.services import PUPIL_FIELDS
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("pupils:pupil-list")
ADD = reverse("pupils:pupil-add")
VALID_UPN = "B801200005001"


def detail_url(pupil):
    return reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk})


def edit_url(pupil):
    return reverse("pupils:pupil-edit", kwargs={"pupil_id": pupil.pk})


def form_data(**overrides):
    data = {
        "legal_first_name": "Amelia",
        "legal_last_name": "Okafor",
        "preferred_first_name": "",
        "preferred_last_name": "",
        "date_of_birth": "2017-03-14",
        "sex": "F",
        "upn": VALID_UPN,
        "admission_number": "",
        "year_group": "3",
        "registration_group": "3B",
        "on_roll_on": "2021-09-01",
        "left_on": "",
        "leaving_destination": "",
    }
    return data | overrides


def text(response):
    return response.content.decode()


def audit_count(action):
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def dsl_client(client_as, dsl):
    return client_as(dsl)


# The list


def test_list_shows_pupils_on_roll_by_last_name(dsl_client, school):
    PupilFactory(school=school, legal_first_name="Zed", legal_last_name="Young")
    PupilFactory(school=school, legal_first_name="Ada", legal_last_name="Abbott")
    page = text(dsl_client.get(LIST))
    assert page.index("Abbott, Ada") < page.index("Young, Zed")


def test_list_shows_the_preferred_name_with_the_legal_name(dsl_client, school):
    PupilFactory(
        school=school,
        legal_first_name="Jonathan",
        legal_last_name="Price",
        preferred_first_name="Sam",
    )
    page = text(dsl_client.get(LIST))
    assert "Price, Sam" in page
    assert "Legal name: Jonathan Price" in page


def test_list_shows_year_class_upn_and_current_statuses(dsl_client, school):
    pupil = PupilFactory(school=school, year_group="4", registration_group="4K")
    PupilStatusFactory(pupil=pupil, kind=StatusKind.LOOKED_AFTER)
    page = text(dsl_client.get(LIST))
    assert "Year 4, 4K" in page
    assert pupil.upn in page
    assert "Looked-after child" in page


def test_list_hides_archived_pupils_by_default(dsl_client, school):
    PupilFactory(school=school, legal_last_name="Gone", is_archived=True)
    assert "Gone" not in text(dsl_client.get(LIST))


def test_list_includes_archived_pupils_with_a_badge_when_asked(dsl_client, school):
    PupilFactory(school=school, legal_last_name="Gone", is_archived=True)
    page = text(dsl_client.get(LIST, {"archived": "on"}))
    assert "Gone" in page
    assert '<span class="badge">Archived</span>' in page


def test_list_shows_fifty_pupils_a_page(dsl_client, school):
    for n in range(51):
        PupilFactory(school=school, legal_last_name=f"Pupil{n:02d}")
    first = dsl_client.get(LIST)
    second = dsl_client.get(LIST, {"page": 2})
    assert len(first.context["pupils"]) == 50
    assert [p.legal_last_name for p in second.context["pupils"]] == ["Pupil50"]
    assert "Page 1 of 2" in text(first)


def test_list_filters_by_year_group_group_and_status(dsl_client, school):
    wanted = PupilFactory(school=school, year_group="5", registration_group="5R")
    PupilStatusFactory(pupil=wanted, kind=StatusKind.EHCP)
    PupilFactory(school=school, year_group="5", registration_group="5R")
    PupilFactory(school=school, year_group="6", registration_group="6R")
    response = dsl_client.get(LIST, {"year": "5", "group": "5R", "status": "ehcp"})
    assert list(response.context["pupils"]) == [wanted]


def test_list_ignores_an_unknown_filter_value(dsl_client, school):
    PupilFactory(school=school)
    response = dsl_client.get(LIST, {"year": "99", "status": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["pupils"]) == 1


def test_list_does_not_search_by_a_name_in_the_address(dsl_client, school):
    PupilFactory(school=school, legal_last_name="Abbott")
    PupilFactory(school=school, legal_last_name="Young")
    response = dsl_client.get(LIST, {"q": "Abbott"})
    assert len(response.context["pupils"]) == 2


def test_list_keeps_the_filters_in_its_page_links(dsl_client, school):
    for _ in range(51):
        PupilFactory(school=school, year_group="3")
    assert "?year=3&amp;page=2" in text(dsl_client.get(LIST, {"year": "3"}))


def test_list_queries_do_not_grow_with_the_number_of_pupils(dsl_client, school):
    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert dsl_client.get(LIST).status_code == 200
        return len(queries)

    PupilStatusFactory(pupil=PupilFactory(school=school))
    queries_for_list()  # the first request also loads the session and caches
    few = queries_for_list()
    for _ in range(60):
        PupilStatusFactory(pupil=PupilFactory(school=school))
    assert queries_for_list() == few


# Search by name


def test_search_by_name_is_posted_and_shows_matches_in_the_page(dsl_client, school):
    PupilFactory(school=school, legal_first_name="Samira", legal_last_name="Khan")
    PupilFactory(school=school, legal_first_name="Ada", legal_last_name="Abbott")
    response = dsl_client.post(LIST, {"q": "sami"})
    assert response.status_code == 200
    assert "Khan, Samira" in text(response)
    assert "Abbott" not in text(response)
    assert "1 pupil matches" in text(response)


def test_search_applies_the_archived_filter_from_the_address(dsl_client, school):
    PupilFactory(school=school, legal_first_name="Samira", is_archived=True)
    assert list(dsl_client.post(LIST, {"q": "samira"}).context["pupils"]) == []
    found = dsl_client.post(f"{LIST}?archived=on", {"q": "samira"}).context["pupils"]
    assert len(found) == 1


def test_htmx_search_returns_only_the_results(dsl_client, school):
    PupilFactory(school=school, legal_first_name="Samira", legal_last_name="Khan")
    response = dsl_client.post(LIST, {"q": "samira"}, headers={"HX-Request": "true"})
    assert "Khan, Samira" in text(response)
    assert "<html" not in text(response)


def test_an_empty_search_asks_for_a_name(dsl_client, school):
    response = dsl_client.post(LIST, {"q": ""})
    assert "Type part of a name to search for." in text(response)


# Adding a pupil


def test_dsl_adds_a_pupil(dsl_client, school):
    response = dsl_client.post(ADD, form_data(upn="b801 2000 05001"))
    pupil = Pupil.objects.for_school(school).get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(pupil)
    assert (pupil.legal_last_name, pupil.upn) == ("Okafor", VALID_UPN)
    assert audit_count(AuditAction.PUPIL_CREATED) == 1


def test_deputy_adds_a_pupil(client_as, deputy, school):
    client_as(deputy).post(ADD, form_data())
    assert Pupil.objects.for_school(school).count() == 1


def test_a_pupil_added_by_the_dsl_belongs_to_their_school_whatever_is_posted(
    dsl_client, school, other_school
):
    dsl_client.post(ADD, form_data(school=other_school.pk))
    assert Pupil.objects.for_school(school).count() == 1
    assert Pupil.objects.for_school(other_school).count() == 0


def test_the_pupil_form_hands_every_pupil_field_to_the_services(school):
    form = PupilForm(form_data(), school=school)
    assert form.is_valid(), form.errors
    assert set(form.details()) == set(PUPIL_FIELDS)


IN_A_WEEK = (TODAY + datetime.timedelta(days=7)).isoformat()
LONG_AGO = TODAY.replace(year=TODAY.year - 30).isoformat()

BAD_INPUT = [
    ({"upn": "B80120000500"}, "upn", "A UPN has 13 characters; this one has 12."),
    ({"upn": "A801200005001"}, "upn", "check letter does not match"),
    ({"upn": "B80120000X001"}, "upn", "A UPN is a letter, 11 digits, then a digit or a letter"),
    ({"upn": "N20700001604I"}, "upn", "cannot be I, O or S"),
    ({"date_of_birth": IN_A_WEEK}, "date_of_birth", "The date of birth must be in the past."),
    ({"date_of_birth": LONG_AGO}, "date_of_birth", "more than 25 years ago"),
    ({"date_of_birth": "2017-02-30"}, "date_of_birth", "Enter the date of birth as a real date"),
    ({"date_of_birth": ""}, "date_of_birth", "Enter the date of birth."),
    (
        {"on_roll_on": "2022-09-01", "left_on": "2022-07-20"},
        "left_on",
        "The leaving date cannot be before the on-roll date.",
    ),
    (
        {"on_roll_on": "2016-01-01"},
        "on_roll_on",
        "The on-roll date cannot be before the date of birth.",
    ),
    ({"legal_first_name": ""}, "legal_first_name", "Enter the pupil&#x27;s legal first name."),
    ({"legal_last_name": "  "}, "legal_last_name", "Enter the pupil&#x27;s legal last name."),
    (
        {"legal_last_name": "Oka\u202efor"},
        "legal_last_name",
        "Names cannot contain invisible direction-control",
    ),
    ({"preferred_first_name": "Mia\x07"}, "preferred_first_name", "control characters"),
    ({"year_group": "14"}, "year_group", "Choose a year group from the list."),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message_next_to_the_field(
    dsl_client, school, overrides, field, message
):
    response = dsl_client.post(ADD, form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    page = text(response)
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert Pupil.objects.for_school(school).count() == 0


def test_bad_input_keeps_what_was_typed(dsl_client):
    response = dsl_client.post(
        ADD, form_data(upn="A801200005001", preferred_first_name="Mimi", registration_group="3X")
    )
    page = text(response)
    for typed in ["A801200005001", "Mimi", "3X", "Okafor", "2017-03-14", "2021-09-01"]:
        assert f'value="{typed}"' in page


def test_bad_input_is_listed_in_an_error_summary_linking_to_the_field(dsl_client):
    page = text(dsl_client.post(ADD, form_data(upn="A801200005001")))
    assert 'class="error-summary"' in page
    assert '<a href="#id_upn">UPN:' in page


def test_a_duplicate_upn_in_the_school_is_refused(dsl_client, school):
    PupilFactory(school=school, upn=VALID_UPN, is_archived=True)
    page = text(dsl_client.post(ADD, form_data()))
    assert "Another pupil at this school already has this UPN." in page


def test_a_duplicate_admission_number_in_the_school_is_refused(dsl_client, school):
    PupilFactory(school=school, admission_number="0042")
    page = text(dsl_client.post(ADD, form_data(admission_number="0042")))
    assert "Another pupil at this school already has this admission number." in page


def test_a_upn_used_at_another_school_is_accepted(dsl_client, school, other_school):
    PupilFactory(school=other_school, upn=VALID_UPN)
    assert dsl_client.post(ADD, form_data()).status_code == 302


# Viewing and editing


def test_detail_shows_the_pupils_facts_and_statuses(dsl_client, school):
    pupil = PupilFactory(school=school, legal_first_name="Amelia", preferred_first_name="Mia")
    PupilStatusFactory(pupil=pupil, kind=StatusKind.YOUNG_CARER)
    PupilStatusFactory(
        pupil=pupil,
        kind=StatusKind.FSM,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2021, 1, 1),
    )
    response = dsl_client.get(detail_url(pupil))
    page = text(response)
    assert "Mia" in page and "Amelia" in page and pupil.upn in page
    assert [s.kind for s in response.context["current_statuses"]] == [StatusKind.YOUNG_CARER]
    assert [s.kind for s in response.context["past_statuses"]] == [StatusKind.FSM]
    assert "1 Jan 2020" in page


def test_every_view_of_the_detail_page_is_audited(dsl_client, dsl, school):
    pupil = PupilFactory(school=school)
    dsl_client.get(detail_url(pupil))
    dsl_client.get(detail_url(pupil))
    events = AuditEvent.objects.filter(action=AuditAction.PUPIL_VIEWED)
    assert [(e.actor, e.target_id) for e in events] == [(dsl, str(pupil.pk))] * 2


def test_dsl_edits_a_pupil_and_the_changed_fields_are_audited(dsl_client, school):
    pupil = PupilFactory(school=school, date_of_birth=datetime.date(2017, 3, 14))
    data = form_data(
        legal_first_name=pupil.legal_first_name,
        legal_last_name=pupil.legal_last_name,
        upn=pupil.upn,
        sex=pupil.sex,
        on_roll_on="",
        registration_group="3C",
        preferred_first_name="Jo",
    )
    response = dsl_client.post(edit_url(pupil), data)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert (pupil.registration_group, pupil.preferred_first_name) == ("3C", "Jo")
    event = AuditEvent.objects.get(action=AuditAction.PUPIL_UPDATED)
    assert event.detail == {"fields": ["preferred_first_name", "registration_group"]}


def test_edit_form_shows_the_stored_values(dsl_client, school):
    pupil = PupilFactory(school=school, registration_group="6Q")
    assert 'value="6Q"' in text(dsl_client.get(edit_url(pupil)))


def test_a_refused_edit_keeps_the_stored_name_in_the_heading(dsl_client, school):
    pupil = PupilFactory(school=school, legal_first_name="Amelia", legal_last_name="Okafor")
    response = dsl_client.post(edit_url(pupil), form_data(legal_first_name="", upn="bad"))
    assert "<h1>Edit Amelia Okafor</h1>" in text(response)
    pupil.refresh_from_db()
    assert pupil.legal_first_name == "Amelia"


def test_editing_to_another_pupils_upn_is_refused(dsl_client, school):
    PupilFactory(school=school, upn=VALID_UPN)
    pupil = PupilFactory(school=school)
    page = text(dsl_client.post(edit_url(pupil), form_data(upn=VALID_UPN)))
    assert "Another pupil at this school already has this UPN." in page


# Archiving and restoring


def archive_url(pupil):
    return reverse("pupils:pupil-archive", kwargs={"pupil_id": pupil.pk})


def test_dsl_archives_a_pupil_with_leaving_date_and_destination(dsl_client, school):
    # A surname no random staff or pupil name can share, so the list can be searched for it.
    pupil = PupilFactory(
        school=school, on_roll_on=datetime.date(2021, 9, 1), legal_last_name="Quillfeather"
    )
    response = dsl_client.post(
        archive_url(pupil), {"left_on": "2024-07-19", "leaving_destination": "Hillside High"}
    )
    assert response["Location"] == detail_url(pupil)
    pupil.refresh_from_db()
    assert (pupil.is_archived, pupil.left_on) == (True, datetime.date(2024, 7, 19))
    assert audit_count(AuditAction.PUPIL_ARCHIVED) == 1
    assert pupil.legal_last_name not in text(dsl_client.get(LIST))


def test_archiving_needs_no_leaving_details(dsl_client, school):
    pupil = PupilFactory(school=school)
    dsl_client.post(archive_url(pupil), {"left_on": "", "leaving_destination": ""})
    pupil.refresh_from_db()
    assert pupil.is_archived


def test_a_leaving_date_before_the_on_roll_date_is_refused_when_archiving(dsl_client, school):
    pupil = PupilFactory(school=school, on_roll_on=datetime.date(2021, 9, 1))
    response = dsl_client.post(
        archive_url(pupil), {"left_on": "2021-08-01", "leaving_destination": "Hillside High"}
    )
    page = text(response)
    assert "The leaving date cannot be before the on-roll date." in page
    assert 'value="Hillside High"' in page and 'value="2021-08-01"' in page
    pupil.refresh_from_db()
    assert not pupil.is_archived


def test_dsl_restores_an_archived_pupil(dsl_client, school):
    pupil = PupilFactory(school=school, is_archived=True)
    response = dsl_client.post(reverse("pupils:pupil-restore", kwargs={"pupil_id": pupil.pk}))
    assert response["Location"] == detail_url(pupil)
    pupil.refresh_from_db()
    assert not pupil.is_archived
    assert audit_count(AuditAction.PUPIL_RESTORED) == 1


# Statuses


def status_add_url(pupil):
    return reverse("pupils:status-add", kwargs={"pupil_id": pupil.pk})


def test_dsl_adds_a_status(dsl_client, school):
    pupil = PupilFactory(school=school)
    response = dsl_client.post(
        status_add_url(pupil),
        {"kind": "cp_plan", "started_on": "2024-10-01", "ended_on": "", "note": "LA ref 12"},
    )
    assert response["Location"] == detail_url(pupil)
    status = PupilStatus.objects.for_school(school).get()
    assert (status.pupil, status.kind, status.note) == (pupil, "cp_plan", "LA ref 12")
    assert audit_count(AuditAction.PUPIL_STATUS_ADDED) == 1


def test_a_status_ending_before_it_starts_is_refused_and_kept(dsl_client, school):
    pupil = PupilFactory(school=school)
    response = dsl_client.post(
        status_add_url(pupil),
        {"kind": "cin", "started_on": "2024-10-01", "ended_on": "2024-09-30", "note": "x"},
    )
    page = text(response)
    assert "The end date cannot be before the start date." in page
    assert 'value="2024-09-30"' in page
    assert PupilStatus.objects.for_school(school).count() == 0


def test_a_status_overlapping_one_of_the_same_kind_is_refused_in_the_form(dsl_client, school):
    current = PupilStatusFactory(pupil=PupilFactory(school=school), kind="lac")
    response = dsl_client.post(
        status_add_url(current.pupil), {"kind": "lac", "started_on": TODAY.isoformat()}
    )
    assert "already has “Looked-after child”" in text(response)


def test_dsl_ends_a_status(dsl_client, school):
    status = PupilStatusFactory(pupil=PupilFactory(school=school))
    url = reverse("pupils:status-end", kwargs={"pupil_id": status.pupil_id, "status_id": status.pk})
    response = dsl_client.post(url, {"ended_on": TODAY.isoformat()})
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.ended_on == TODAY
    assert audit_count(AuditAction.PUPIL_STATUS_ENDED) == 1


def test_ending_a_status_before_it_started_is_refused(dsl_client, school):
    status = PupilStatusFactory(
        pupil=PupilFactory(school=school), started_on=datetime.date(2024, 9, 1)
    )
    url = reverse("pupils:status-end", kwargs={"pupil_id": status.pupil_id, "status_id": status.pk})
    page = text(dsl_client.post(url, {"ended_on": "2024-08-01"}))
    assert "The end date cannot be before the start date." in page
    assert 'value="2024-08-01"' in page


# Names never travel in URLs (ASVS 14.2.1)

URL_ATTRIBUTE = re.compile(r'(?:href|action|hx-post|hx-get|src)="([^"]*)"')


def test_no_url_the_pupil_pages_generate_holds_a_pupil_name(dsl_client, school):
    pupil = PupilFactory(
        school=school,
        legal_first_name="Zebedee",
        legal_last_name="Quartermaine",
        preferred_first_name="Zeb",
        is_archived=False,
    )
    status = PupilStatusFactory(pupil=pupil)
    pages = [
        dsl_client.get(LIST),
        dsl_client.post(LIST, {"q": "Quartermaine"}),
        dsl_client.post(LIST, {"q": "Quartermaine"}, headers={"HX-Request": "true"}),
        dsl_client.get(detail_url(pupil)),
        dsl_client.get(edit_url(pupil)),
        dsl_client.get(archive_url(pupil)),
        dsl_client.get(status_add_url(pupil)),
        dsl_client.get(
            reverse("pupils:status-end", kwargs={"pupil_id": pupil.pk, "status_id": status.pk})
        ),
    ]
    urls = [url for page in pages for url in URL_ATTRIBUTE.findall(text(page))]
    assert urls
    assert [u for u in urls if re.search("zeb|quartermaine", u, re.IGNORECASE)] == []
    for page in pages:
        title = re.search(r"<title>(.*?)</title>", text(page), re.DOTALL)
        assert title is None or "Quartermaine" not in title.group(1)

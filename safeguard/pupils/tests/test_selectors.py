import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.pupils import selectors
from safeguard.pupils.models import StatusKind
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def names(pupils):
    return [p.legal_last_name for p in pupils]


# search_pupils


@pytest.fixture
def pupils(school):
    return {
        "samuel": PupilFactory(school=school, legal_first_name="Samuel", legal_last_name="Jones"),
        "sam": PupilFactory(
            school=school,
            legal_first_name="Jonathan",
            legal_last_name="Price",
            preferred_first_name="Sam",
        ),
        "samira": PupilFactory(school=school, legal_first_name="Samira", legal_last_name="Khan"),
        "left": PupilFactory(
            school=school, legal_first_name="Sammy", legal_last_name="Archer", is_archived=True
        ),
    }


def test_search_matches_legal_and_preferred_names_case_insensitively(school, pupils):
    found = selectors.search_pupils(school=school, term="SAM", include_archived=False, limit=20)
    assert names(found) == ["Jones", "Khan", "Price"]


def test_every_word_of_the_term_must_match_some_name(school, pupils):
    found = selectors.search_pupils(school=school, term="sam jon", include_archived=False, limit=20)
    # Samuel Jones by both legal names; Sam (legal Jonathan) Price by preferred and legal first names.
    assert names(found) == ["Jones", "Price"]


def test_a_word_matching_no_name_finds_nobody(school, pupils):
    found = selectors.search_pupils(school=school, term="sam zzz", include_archived=False, limit=20)
    assert list(found) == []


def test_search_leaves_out_archived_pupils_unless_asked(school, pupils):
    without = selectors.search_pupils(school=school, term="sammy", include_archived=False, limit=20)
    with_archived = selectors.search_pupils(
        school=school, term="sammy", include_archived=True, limit=20
    )
    assert list(without) == []
    assert list(with_archived) == [pupils["left"]]


def test_search_lists_pupils_on_roll_before_archived_ones(school, pupils):
    found = selectors.search_pupils(school=school, term="sam", include_archived=True, limit=20)
    assert names(found) == ["Jones", "Khan", "Price", "Archer"]


def test_search_never_finds_another_schools_pupils(school, other_school, pupils):
    PupilFactory(school=other_school, legal_first_name="Samantha", legal_last_name="Other")
    found = selectors.search_pupils(school=school, term="samantha", include_archived=True, limit=20)
    assert list(found) == []


def test_search_returns_at_most_the_limit(school, pupils):
    assert (
        len(selectors.search_pupils(school=school, term="sam", include_archived=True, limit=2)) == 2
    )


@pytest.mark.parametrize("term", ["", "   "])
def test_an_empty_term_finds_nobody(school, pupils, term):
    assert (
        list(selectors.search_pupils(school=school, term=term, include_archived=True, limit=20))
        == []
    )


# pupil_list


def test_pupil_list_sorts_by_last_name_and_hides_archived_pupils(school, pupils):
    assert names(selectors.pupil_list(school=school)) == ["Jones", "Khan", "Price"]


def test_pupil_list_includes_archived_pupils_when_asked(school, pupils):
    listed = selectors.pupil_list(school=school, include_archived=True)
    assert names(listed) == ["Archer", "Jones", "Khan", "Price"]


def test_pupil_list_filters_by_year_and_group(school):
    PupilFactory(school=school, legal_last_name="Three", year_group="3", registration_group="3B")
    PupilFactory(school=school, legal_last_name="ThreeA", year_group="3", registration_group="3A")
    PupilFactory(school=school, legal_last_name="Four", year_group="4", registration_group="4B")
    assert names(selectors.pupil_list(school=school, year_group="3")) == ["Three", "ThreeA"]
    assert names(selectors.pupil_list(school=school, registration_group="3A")) == ["ThreeA"]


def test_pupil_list_filters_by_current_status_only(school):
    current = PupilStatusFactory(pupil=PupilFactory(school=school), kind=StatusKind.CHILD_IN_NEED)
    PupilStatusFactory(
        pupil=PupilFactory(school=school),
        kind=StatusKind.CHILD_IN_NEED,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2020, 12, 31),
    )
    PupilStatusFactory(pupil=PupilFactory(school=school), kind=StatusKind.FSM)
    listed = selectors.pupil_list(school=school, status_kind=StatusKind.CHILD_IN_NEED)
    assert list(listed) == [current.pupil]


def test_pupil_list_attaches_only_current_statuses(school):
    pupil = PupilFactory(school=school)
    now = PupilStatusFactory(pupil=pupil, kind=StatusKind.FSM)
    PupilStatusFactory(
        pupil=pupil, kind=StatusKind.EAL, started_on=TODAY + datetime.timedelta(days=7)
    )
    PupilStatusFactory(
        pupil=pupil,
        kind=StatusKind.CP_PLAN,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2020, 6, 1),
    )
    [listed] = selectors.pupil_list(school=school)
    assert listed.current_statuses == [now]


def test_pupil_list_takes_the_same_number_of_queries_for_many_pupils(school):
    def query_count():
        with CaptureQueriesContext(connection) as queries:
            for pupil in selectors.pupil_list(school=school)[:50]:
                list(pupil.current_statuses)
        return len(queries)

    PupilStatusFactory(pupil=PupilFactory(school=school))
    few = query_count()
    for _ in range(20):
        PupilStatusFactory(pupil=PupilFactory(school=school))
    assert query_count() == few == 2


def test_registration_groups_are_distinct_and_sorted(school, other_school):
    for group in ["4B", "3A", "4B", ""]:
        PupilFactory(school=school, registration_group=group)
    PupilFactory(school=other_school, registration_group="9Z")
    assert selectors.registration_groups(school=school) == ["3A", "4B"]

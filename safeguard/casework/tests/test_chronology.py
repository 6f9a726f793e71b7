"""The chronology selector: what a pupil's chronology holds, in what order, and what a
linked pupil's never shows."""

import datetime

import pytest
from django.utils import timezone

from safeguard.casework.chronology.entries import Cursor, EntryType
from safeguard.casework.chronology.selectors import Filters, chronology_page
from safeguard.casework.models import KeyEvent
from safeguard.casework.services.key_events import add_key_event
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.models import LinkRole
from safeguard.incidents.services import corrections
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import (
    add_test_action,
    category,
    make_restricted,
    record_test_incident,
)
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def other_child(school):
    return PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Brown")


def page(lead, pupil, **filters):
    after = filters.pop("after", None)
    before = filters.pop("before", None)
    size = filters.pop("size", 50)
    return chronology_page(
        membership=lead,
        pupil=pupil,
        filters=Filters(**filters),
        size=size,
        after=after,
        before=before,
    )


def kinds(found):
    return [(entry.type, entry.pk) for entry in found.rows]


def key_event(lead, pupil, **fields):
    fields.setdefault("kind", "strategy_meeting")
    fields.setdefault("happened_on", TODAY - datetime.timedelta(days=3))
    fields.setdefault("summary", "Strategy discussion with the MASH.")
    return add_key_event(membership=lead, pupil=pupil, **fields)


def test_the_chronology_holds_incidents_actions_reviews_corrections_and_key_events(
    lead, teacher, membership_of, pupil
):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    action = add_test_action(lead, incident, text="Phoned mum.")
    entry = review(lead, incident, decision=decision(lead.school), rationale="Below threshold.")
    corrected = corrections.set_status(
        membership=lead, incident=incident, status="monitoring", reason="Keep an eye."
    )
    event = key_event(lead, pupil)
    found = page(lead, pupil, newest_first=False)
    statuses = [c for c in kinds(found) if c[0] == EntryType.CORRECTION]
    assert kinds(found)[0] == (EntryType.KEY_EVENT, event.pk)  # three days ago
    assert (EntryType.INCIDENT, incident.pk) in kinds(found)
    assert (EntryType.ACTION, action.pk) in kinds(found)
    assert (EntryType.REVIEW, entry.pk) in kinds(found)
    assert (EntryType.CORRECTION, corrected.pk) in statuses
    assert [e.at for e in found.rows] == sorted(e.at for e in found.rows)


def test_newest_first_is_the_same_list_reversed(lead, teacher, membership_of, pupil):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    add_test_action(lead, incident)
    review(lead, incident)
    key_event(lead, pupil)
    assert kinds(page(lead, pupil)) == list(reversed(kinds(page(lead, pupil, newest_first=False))))


def test_each_entry_has_a_date_type_categories_author_and_one_line_summary(
    lead, teacher, membership_of, pupil
):
    incident = record_test_incident(
        membership_of(teacher), pupil=pupil, text="Sally said she was hungry.\nMore detail."
    )
    [entry] = page(lead, pupil).rows
    assert entry.at == incident.occurred_at
    assert entry.type_label == "Incident"
    assert [c.name for c in entry.categories] == ["Safeguarding concern"]
    assert entry.author == teacher
    assert entry.summary == "Sally said she was hungry."


def test_a_long_first_line_is_cut_at_a_word(lead, teacher, membership_of, pupil):
    record_test_incident(membership_of(teacher), pupil=pupil, text="word " * 100)
    [entry] = page(lead, pupil).rows
    assert entry.summary.endswith("…") and len(entry.summary) <= 140


def test_a_linked_pupil_sees_their_role_no_categories_and_no_other_childs_name(
    lead, teacher, membership_of, pupil, other_child
):
    incident = record_test_incident(
        membership_of(teacher),
        pupil=other_child,
        text="Oscar pushed Sally.",
        links=[Link(pupil, LinkRole.AFFECTED)],
    )
    make_restricted(incident, by=lead)
    add_test_action(lead, incident, text="Spoke to Oscar's dad.")
    review(lead, incident, is_significant=True, significance_summary="Oscar hurt a child.")
    found = page(lead, pupil)
    assert {entry.type for entry in found.rows} == {EntryType.INCIDENT, EntryType.ACTION}
    for entry in found.rows:
        assert entry.role == "Affected"
        assert entry.categories == []
        assert entry.is_significant is False
        assert "Oscar" not in entry.summary
    # The main pupil's own chronology has the restricted category and the review.
    own = page(lead, other_child)
    assert {c.name for e in own.rows for c in e.categories} == {"Child protection"}
    assert EntryType.REVIEW in {e.type for e in own.rows}


def test_a_category_or_risk_filter_leaves_out_linked_entries_and_key_events(
    lead, teacher, membership_of, pupil, other_child
):
    record_test_incident(membership_of(teacher), pupil=other_child, links=[Link(pupil)])
    own = record_test_incident(membership_of(teacher), pupil=pupil)
    review(lead, own, risk_level="high")
    key_event(lead, pupil)
    by_category = page(lead, pupil, category=category(lead.school, "Safeguarding concern"))
    assert [e.pk for e in by_category.rows if e.type == EntryType.INCIDENT] == [own.pk]
    assert not [e for e in by_category.rows if e.is_linked or e.type == EntryType.KEY_EVENT]
    # The review that set the risk opened the incident too: a status correction.
    assert {e.type for e in page(lead, pupil, risk_level="high").rows} == {
        EntryType.INCIDENT,
        EntryType.REVIEW,
        EntryType.CORRECTION,
    }
    assert page(lead, pupil, risk_level="low").rows == []


def test_a_withdrawn_incident_and_one_moved_away_are_not_in_the_chronology(
    lead, teacher, membership_of, pupil, other_child
):
    withdrawn = record_test_incident(membership_of(teacher), pupil=pupil)
    corrections.withdraw(membership=lead, incident=withdrawn, reason="Wrong child.")
    moved = record_test_incident(membership_of(teacher), pupil=pupil)
    corrections.move_to_pupil(
        membership=lead, incident=moved, pupil=other_child, reason="It was Oscar."
    )
    assert page(lead, pupil).rows == []
    assert (EntryType.INCIDENT, moved.pk) in kinds(page(lead, other_child))


def test_filters_by_type_author_and_dates(lead, teacher, membership_of, pupil):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    action = add_test_action(lead, incident)
    old = key_event(lead, pupil, happened_on=TODAY - datetime.timedelta(days=400))
    assert kinds(page(lead, pupil, entry_type="action")) == [(EntryType.ACTION, action.pk)]
    assert {e.author for e in page(lead, pupil, author_id=lead.user_id).rows} == {lead.user}
    last_year = page(
        lead,
        pupil,
        start=TODAY - datetime.timedelta(days=401),
        end=TODAY - datetime.timedelta(days=399),
    )
    assert kinds(last_year) == [(EntryType.KEY_EVENT, old.pk)]
    assert kinds(page(lead, pupil, end=TODAY - datetime.timedelta(days=400))) == kinds(last_year)


def test_the_significant_view_holds_significant_incidents_and_key_events(
    lead, teacher, membership_of, pupil
):
    plain = record_test_incident(membership_of(teacher), pupil=pupil)
    marked = record_test_incident(membership_of(teacher), pupil=pupil)
    review(lead, plain)
    review(lead, marked, is_significant=True, significance_summary="Disclosure of harm.")
    event = key_event(lead, pupil)
    found = page(lead, pupil, significant_only=True)
    assert kinds(found) == [(EntryType.INCIDENT, marked.pk), (EntryType.KEY_EVENT, event.pk)]
    assert found.rows[0].summary == "Disclosure of harm."


def test_a_later_review_that_unmarks_significance_takes_it_out(lead, teacher, membership_of, pupil):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    review(lead, incident, is_significant=True, significance_summary="Disclosure.")
    review(lead, incident)
    assert page(lead, pupil, significant_only=True).rows == []


def test_pages_follow_each_other_by_cursor_both_ways(lead, teacher, membership_of, pupil):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    for number in range(6):
        add_test_action(lead, incident, text=f"Action {number}")
    everything = kinds(page(lead, pupil))
    first = page(lead, pupil, size=3)
    assert kinds(first) == everything[:3] and first.newer is None
    second = page(lead, pupil, size=3, after=first.older.cursor)
    assert kinds(second) == everything[3:6]
    third = page(lead, pupil, size=3, after=second.older.cursor)
    assert kinds(third) == everything[6:] and third.older is None
    back = page(lead, pupil, size=3, before=second.newer.cursor)
    assert kinds(back) == everything[:3] and back.newer is None


def test_a_cursor_survives_its_text_form():
    cursor = Cursor(timezone.now(), 3, 42)
    assert Cursor.decode(cursor.encode()) == cursor
    for bad in ("", "x", "1.2", "9.1.5", "1.0.5", "1.2.3.4", "1.2." + "9" * 30, "1.².5"):
        assert Cursor.decode(bad) is None


def test_nobody_but_a_lead_of_the_pupils_school_reads_it(
    lead, teacher, membership_of, pupil, dsl_other_school
):
    record_test_incident(membership_of(teacher), pupil=pupil)
    assert page(membership_of(teacher), pupil).rows == []
    assert page(membership_of(dsl_other_school), pupil).rows == []
    assert len(page(lead, pupil).rows) == 1


def test_key_events_are_kept_apart_per_pupil(lead, pupil, other_child):
    key_event(lead, other_child)
    assert page(lead, pupil).rows == []
    assert KeyEvent.objects.for_school(lead.school).count() == 1

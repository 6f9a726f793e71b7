"""The audit screens page by cursor ("Newer", "Older"), count up to a limit, and cost the
same number of queries however long the trail is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib import clock
from safeguard.oversight import paging
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TRAIL = "audit:trail"


def _trail_events(school, dsl, teacher, n):
    """n events of every kind the trail shows: the school's, sign-ins, failed sign-ins."""
    for i in range(n):
        if i % 3 == 0:
            record(actor=teacher, action=AuditAction.SIGNED_IN, target=teacher)
        elif i % 3 == 1:
            record(actor=None, action=AuditAction.SIGN_IN_FAILED, target=teacher, detail={})
        else:
            record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)


def _follow(client, url, link, params=None):
    return client.get(url, {**(params or {}), **link}).context


def test_older_and_newer_walk_the_trail_without_gaps_or_repeats(
    client_as, school, other_school, dsl, teacher, dsl_other_school
):
    # Many at one moment, so the id alone orders them: the cursor must hold both.
    with clock.frozen_at(timezone.now() - datetime.timedelta(minutes=5)):
        _trail_events(school, dsl, teacher, 90)
    _trail_events(school, dsl, teacher, 30)
    record(actor=dsl_other_school, action=AuditAction.SIGNED_IN, target=dsl_other_school)
    client = client_as(dsl)
    url = reverse(TRAIL)
    params = {"action": ""}

    pages = [client.get(url, params).context]
    while pages[-1]["page"].older:
        pages.append(_follow(client, url, {"older": pages[-1]["page"].older}, params))
    seen = [row["event"] for page in pages for row in page["rows"]]

    assert [len(page["rows"]) for page in pages][:2] == [50, 50]
    assert len(seen) == len(set(seen)) == pages[0]["page"].count
    assert seen == sorted(seen, key=lambda e: (e.created_at, e.pk), reverse=True)
    assert dsl_other_school not in {e.actor for e in seen}
    assert not pages[0]["page"].newer
    # "Newer" from the last page gives back the page before it.
    back = _follow(client, url, {"newer": pages[-1]["page"].newer}, params)
    assert [r["event"] for r in back["rows"]] == [r["event"] for r in pages[-2]["rows"]]


def test_a_newer_link_near_the_top_shows_the_newest_page(client_as, school, dsl):
    for _ in range(60):
        record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    client, url = client_as(dsl), reverse(TRAIL)
    first = client.get(url, {"action": "school_updated"}).context
    second = _follow(client, url, {"older": first["page"].older}, {"action": "school_updated"})
    back = _follow(client, url, {"newer": second["page"].newer}, {"action": "school_updated"})
    assert [r["event"] for r in back["rows"]] == [r["event"] for r in first["rows"]]
    assert not back["page"].newer


def test_counts_stop_at_the_limit(client_as, school, dsl, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10)
    for _ in range(25):
        record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    response = client_as(dsl).get(reverse(TRAIL), {"action": "school_updated"})
    assert response.context["page"].more
    assert "Showing 25 of more than 10 events, newest first." in response.text


@pytest.mark.parametrize(
    "cursor", ["", "x", "1.2.3", "-5.1", "99999999999999999.1", "1." + "9" * 30, "\x00"]
)
@pytest.mark.parametrize("direction", ["older", "newer"])
def test_an_odd_cursor_shows_a_page_never_an_error(client_as, school, dsl, cursor, direction):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    pupil = PupilFactory(school=school)
    client = client_as(dsl)
    for url in (reverse(TRAIL), reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk})):
        assert client.get(url, {direction: cursor}).status_code == 200


def test_reading_a_page_records_where_in_the_trail_it_was(client_as, school, dsl):
    for _ in range(55):
        record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    client = client_as(dsl)
    first = client.get(reverse(TRAIL)).context["page"]
    client.get(reverse(TRAIL), {"older": first.older})
    viewed = AuditEvent.objects.filter(action=AuditAction.AUDIT_VIEWED).order_by("id")
    assert [e.detail["page"] for e in viewed] == ["newest", f"older:{first.older}"]


# The number of queries a page runs does not grow with the trail behind it.


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_trails_queries_do_not_grow_with_its_length(client_as, school, dsl, teacher):
    client, url = client_as(dsl), reverse(TRAIL)
    _trail_events(school, dsl, teacher, 5)
    client.get(url)  # once first, so what a first request sets up is not counted
    few = _queries(client, url)
    first = client.get(url).context["page"]
    _trail_events(school, dsl, teacher, 45)
    assert _queries(client, url) == few
    assert _queries(client, url, {"older": first.older}) == few


def test_the_access_logs_queries_do_not_grow_with_its_length(
    client_as, school, dsl, teacher, membership_of
):
    pupil = PupilFactory(school=school)
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    client = client_as(dsl)
    url = reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk})

    def views(n):
        for i in range(n):
            target = pupil if i % 2 else incident
            action = AuditAction.PUPIL_VIEWED if i % 2 else AuditAction.INCIDENT_VIEWED
            record(actor=teacher, action=action, school=school, target=target)

    views(5)
    client.get(url)
    few = _queries(client, url)
    views(45)
    assert _queries(client, url) == few

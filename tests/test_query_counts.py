"""Each page the benchmark drives runs the same number of queries whatever the data's size.

A page whose query count grows with the rows behind it (one query per incident, per alert,
per action) gets slower as a school's history grows; one that reads a fixed number of
queries, each through an index in the page's order, does not. Each test measures a page
with a few records behind it, adds ten times as many, and measures again: the counts must
be equal. A ceiling on the plain pages keeps the fixed overhead of a request small.
"""

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.incidents.models import Alert, Incident
from safeguard.incidents.tests.factories import add_test_action, category, record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
# A plain signed-in page: the session, the person, their roles and the header's alert count,
# then what the page itself shows.
PLAIN_PAGE_CEILING = 12
# A lead's dashboard reads more: the Operation Encompass notifications not yet acknowledged
# (a bounded count, then the list), and the referrals' and meetings' clocks.
LEAD_DASHBOARD_CEILING = 16


@dataclass
class World:
    """A school with incidents, actions, assignments and alerts that grows on demand."""

    dsl: Membership
    teacher: Membership
    slt: Membership
    pupil: Any
    incident: Incident
    made: int = 0
    incidents: list[Incident] = field(default_factory=list)

    def grow(self, to: int) -> None:
        """`to` of everything: incidents by the teacher (each alerting the DSL and SLT),
        incidents by SLT naming the teacher, actions on the main incident (each assigning
        the teacher a task), and pupils to find."""
        for _ in range(to - self.made):
            self.incidents.append(
                record_test_incident(self.teacher, pupil=self.pupil, people=[self.slt])
            )
            record_test_incident(self.slt, people=[self.teacher])
            add_test_action(
                self.dsl,
                self.incident,
                assigned_to=self.teacher,
                due_on=TOMORROW,
                is_shared_with_alerted=True,
            )
            PupilFactory(school=self.dsl.school, legal_first_name="Sam")
        self.made = to


@pytest.fixture
def world(school, dsl, teacher, slt, membership_of) -> World:
    pupil = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    main = record_test_incident(membership_of(teacher), pupil=pupil)
    return World(
        dsl=membership_of(dsl),
        teacher=membership_of(teacher),
        slt=membership_of(slt),
        pupil=pupil,
        incident=main,
    )


def count_queries(request: Callable[[], Any]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 302), response.status_code
    return len(captured), [q["sql"] for q in captured.captured_queries]


def same_count_small_and_large(world: World, request: Callable[[], Any]) -> int:
    """The page's query count with SMALL records and with LARGE: they must be equal."""
    world.grow(SMALL)
    request()  # the first request of a session may set it up; measure the next ones
    small, small_sql = count_queries(request)
    world.grow(LARGE)
    large, large_sql = count_queries(request)
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])
    return small


def older_link(response: Any, label: str = "Older") -> str:
    """The list's link to its next (older, or `label`) page."""
    found = re.search(rf'<a href="([^"]*)"[^>]*>{label}</a>', response.content.decode())
    assert found, f"no link to the {label.lower()} page"
    return urljoin(response.wsgi_request.path, found.group(1).replace("&amp;", "&"))


def test_the_dashboard_of_a_lead(client_as, world):
    client = client_as(world.dsl.user)
    assert same_count_small_and_large(world, lambda: client.get(reverse("dashboard"))) <= (
        LEAD_DASHBOARD_CEILING
    )


def test_the_dashboard_of_a_teacher(client_as, world):
    client = client_as(world.teacher.user)
    assert same_count_small_and_large(world, lambda: client.get(reverse("dashboard"))) <= (
        PLAIN_PAGE_CEILING
    )


def test_a_plain_page_writes_nothing(client_as, world):
    """A GET that changes nothing writes nothing: the session's activity stamp is saved
    at most once a minute, not on every click."""
    client = client_as(world.dsl.user)
    client.get(reverse("dashboard"))
    _, sql = count_queries(lambda: client.get(reverse("dashboard")))
    writes = [q for q in sql if q.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_the_pupil_type_ahead(client_as, world):
    client = client_as(world.teacher.user)
    url = reverse("incidents:pupil-search")
    same_count_small_and_large(world, lambda: client.post(url, {"term": "Sa"}))


def test_the_add_incident_form(client_as, world):
    client = client_as(world.teacher.user)
    same_count_small_and_large(world, lambda: client.get(reverse("incidents:incident-add")))


def test_submitting_an_incident(client_as, world, school):
    client = client_as(world.teacher.user)
    slt_group = StaffGroup.objects.for_school(school).get(is_slt=True)

    def submit() -> Any:
        now = timezone.localtime()
        return client.post(
            reverse("incidents:incident-add"),
            {
                "submit_key": str(uuid.uuid4()),
                "pupil": str(world.pupil.pk),
                "kind": "conversation",
                "text": "Sally said she was sad.",
                "occurred_on": f"{now:%Y-%m-%d}",
                "occurred_time": f"{now:%H:%M}",
                "location": "Playground",
                "spoke_to_dsl": "no",
                "categories": [str(category(school, "Family / home circumstances").pk)],
                "groups": [str(slt_group.pk)],
                "intent": "submit",
            },
        )

    same_count_small_and_large(world, submit)


@pytest.fixture
def short_pages(monkeypatch):
    """Two rows a page, so a few incidents make several pages."""
    from safeguard.incidents.views import actions, alerts, incidents

    for module in (incidents, alerts, actions):
        monkeypatch.setattr(module, "PAGE_SIZE", 2)


def test_the_incident_list_first_page(client_as, world, short_pages):
    client = client_as(world.dsl.user)
    same_count_small_and_large(world, lambda: client.get(reverse("incidents:incident-list")))


def test_the_incident_list_later_page(client_as, world, short_pages):
    client = client_as(world.dsl.user)
    url = reverse("incidents:incident-list")

    def later_page() -> Any:
        return client.get(older_link(client.get(older_link(client.get(url)))))

    world.grow(SMALL)
    later_page()
    small, _ = count_queries(lambda: client.get(older_link(client.get(url))))
    world.grow(LARGE)
    large, _ = count_queries(lambda: client.get(older_link(client.get(url))))
    assert small == large


def test_the_incident_list_filtered(client_as, world, short_pages):
    client = client_as(world.dsl.user)
    url = reverse("incidents:incident-list") + "?status=new&year=Y3"
    same_count_small_and_large(world, lambda: client.get(url))


def test_my_incidents(client_as, world, short_pages):
    client = client_as(world.teacher.user)
    same_count_small_and_large(world, lambda: client.get(reverse("incidents:my-incidents")))


def test_my_incidents_later_page(client_as, world, short_pages):
    client = client_as(world.teacher.user)
    url = reverse("incidents:my-incidents")
    same_count_small_and_large(world, lambda: client.get(older_link(client.get(url))))


@pytest.mark.parametrize("who", ["dsl", "teacher"])
def test_the_incident_page(client_as, world, who):
    client = client_as(getattr(world, who).user)
    url = reverse("incidents:incident-detail", args=[world.incident.pk])
    same_count_small_and_large(world, lambda: client.get(url))


def test_adding_an_action(client_as, world):
    client = client_as(world.dsl.user)
    url = reverse("incidents:action-add", args=[world.incident.pk])

    def add() -> Any:
        return client.post(
            url,
            {
                "submit_key": str(uuid.uuid4()),
                "text": "Phoned mum; she will come in tomorrow.",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )

    same_count_small_and_large(world, add)


@pytest.mark.parametrize("who", ["dsl", "teacher"])
def test_the_alert_list(client_as, world, who, short_pages):
    client = client_as(getattr(world, who).user)
    same_count_small_and_large(world, lambda: client.get(reverse("incidents:alert-list")))


def test_the_alert_list_later_page(client_as, world, short_pages):
    client = client_as(world.dsl.user)
    url = reverse("incidents:alert-list")
    same_count_small_and_large(world, lambda: client.get(older_link(client.get(url))))


def test_marking_an_alert_read(client_as, world):
    client = client_as(world.dsl.user)

    def mark_read() -> Any:
        # A new incident each time, so there is always an unread alert to mark.
        incident = record_test_incident(world.teacher, pupil=world.pupil)
        alert = Alert.objects.for_school(incident.school_id).get(
            incident=incident, recipient=world.dsl.user
        )
        url = reverse("incidents:alert-read", args=[alert.key])
        with CaptureQueriesContext(connection) as captured:
            client.post(url)
        return captured

    world.grow(SMALL)
    mark_read()
    small = len(mark_read())
    world.grow(LARGE)
    assert len(mark_read()) == small


def test_my_tasks(client_as, world, short_pages):
    client = client_as(world.teacher.user)
    same_count_small_and_large(world, lambda: client.get(reverse("incidents:assignment-list")))


def test_my_tasks_later_page(client_as, world, short_pages):
    client = client_as(world.teacher.user)
    url = reverse("incidents:assignment-list")

    def later_page() -> Any:
        return client.get(older_link(client.get(url), "Later"))

    same_count_small_and_large(world, later_page)
    assert b">Earlier</a>" in later_page().content


def test_the_dashboard_counts_open_tasks_no_further_than_a_bound(client_as, world, monkeypatch):
    import safeguard.views

    monkeypatch.setattr(safeguard.views, "OPEN_TASK_COUNT_LIMIT", 2)
    world.grow(SMALL)
    response = client_as(world.teacher.user).get(reverse("dashboard"))
    assert b"2+ open tasks</a>" in response.content


def test_the_pupil_page(client_as, world):
    client = client_as(world.dsl.user)
    url = reverse("pupils:pupil-detail", args=[world.pupil.pk])
    same_count_small_and_large(world, lambda: client.get(url))


# The leads' review of incidents (casework) ---------------------------------------------------


@pytest.fixture
def short_queue(monkeypatch):
    from safeguard.casework import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def test_the_review_queue(client_as, world, short_queue):
    client = client_as(world.dsl.user)
    same_count_small_and_large(world, lambda: client.get(reverse("casework:review-queue")))


def test_the_review_queue_later_page(client_as, world, short_queue):
    client = client_as(world.dsl.user)
    url = reverse("casework:review-queue")
    same_count_small_and_large(world, lambda: client.get(older_link(client.get(url), "Later")))


def reviewed(world: World, times: int) -> None:
    """The main incident reviewed until it has `times` reviews, each with a decision and a
    reply to its author."""
    from safeguard.casework.models import TriageEntry
    from safeguard.casework.tests.factories import decision, review

    school = world.dsl.school
    have = TriageEntry.objects.for_school(school).filter(incident=world.incident).count()
    for _ in range(times - have):
        review(
            world.dsl,
            world.incident,
            decision=decision(school),
            rationale="Below the threshold.",
            reply_kind="thanks",
        )


@pytest.mark.parametrize("who", ["dsl", "teacher"])
@pytest.mark.parametrize("url_name", ["incidents:incident-detail", "casework:review-incident"])
def test_the_review_section_and_page_with_few_and_many_reviews(client_as, world, who, url_name):
    if who == "teacher" and url_name.startswith("casework"):
        pytest.skip("only leads review")
    client = client_as(getattr(world, who).user)
    url = reverse(url_name, args=[world.incident.pk])
    world.grow(SMALL)
    reviewed(world, SMALL)
    client.get(url)
    small, small_sql = count_queries(lambda: client.get(url))
    world.grow(LARGE)
    reviewed(world, LARGE)
    large, large_sql = count_queries(lambda: client.get(url))
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])


# A pupil's chronology (casework) --------------------------------------------------------------


@pytest.mark.parametrize("how", ["first page", "significant", "later page", "printed"])
def test_the_chronology_at_10_and_1000_entries(client_as, world, how, monkeypatch):
    """The same queries for a pupil with 10 entries as with 1,000, whichever page is read:
    each source of entries is read a page at a time through its own order, then the page's
    rows by kind."""
    from safeguard.casework.chronology import views
    from safeguard.casework.tests.factories import bulk_chronology

    monkeypatch.setattr(views, "PAGE_SIZE", 5)  # two pages of a run of ten, each every kind

    client = client_as(world.dsl.user)
    pupil = PupilFactory(school=world.dsl.school)
    page_url = reverse("casework:chronology", kwargs={"pupil_id": pupil.pk})

    def read() -> Any:
        if how == "first page":
            return client.get(page_url)
        if how == "significant":
            return client.post(page_url, {"view": "significant"})
        if how == "printed":
            return client.post(reverse("casework:chronology-print", kwargs={"pupil_id": pupil.pk}))
        older = client.get(page_url).context["page"].older
        return client.post(page_url, {"after": older.cursor.encode()})

    bulk_chronology(world.dsl, pupil, 10)
    read()
    small, small_sql = count_queries(read)
    bulk_chronology(world.dsl, pupil, 990, start=10)
    large, large_sql = count_queries(read)
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])
    # The session and the person, the audit event (and the incidents it showed), the
    # filters' choices, one query per source, one or two per kind of row on the page (a
    # referral's outcomes and chases are one query each) and one for the categories
    # allocated to the pupil on linked incidents (the later page reads two pages).
    assert small <= (90 if how == "later page" else 46)


# Operation Encompass (casework) ---------------------------------------------------------------


def _notifications(world: World, count: int, *, acknowledge: bool) -> None:
    from safeguard.casework.encompass.services import NamedChild, record_notification

    now = timezone.now()
    for number in range(count):
        record_notification(
            membership=world.dsl,
            received_at=now - datetime.timedelta(minutes=number + 1),
            incident_at=now - datetime.timedelta(hours=10),
            force="Kent",
            police_reference=f"OE/{number}",
            summary="Police attended a domestic incident.",
            key_adult=world.dsl,
            children=[
                NamedChild(world.pupil, "present"),
                NamedChild(PupilFactory(school=world.dsl.school), "not_known"),
            ],
            acknowledge=acknowledge,
        )


@pytest.mark.parametrize("name", ["encompass-list", "dashboard"])
def test_the_encompass_list_and_the_dashboard_at_2_and_40_notifications(
    client_as, world, monkeypatch, name
):
    """The notifications and their children are read in a fixed number of queries: the
    dashboard's unacknowledged ones, and the list a page at a time."""
    from safeguard.casework.encompass import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    client = client_as(world.dsl.user)
    url = reverse(f"casework:{name}" if name != "dashboard" else name)
    _notifications(world, 2, acknowledge=name != "dashboard")
    client.get(url)
    small, small_sql = count_queries(lambda: client.get(url))
    _notifications(world, 38, acknowledge=name != "dashboard")
    large, large_sql = count_queries(lambda: client.get(url))
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])


# A pupil's referrals and meetings, and the dashboard's clocks (casework) ------------------


def referrals_and_meetings(world: World, times: int) -> Any:
    """`times` referrals of the main pupil (each with an outcome and a chase, every other one
    unanswered) and `times` meetings (strategy discussions and core groups), through the
    services; returns the first referral."""
    from safeguard.casework.models import Meeting, Referral, ReferralAgency
    from safeguard.casework.referrals.meetings import record_meeting
    from safeguard.casework.referrals.services import add_chase, add_outcome, log_referral

    lead, pupil = world.dsl, world.pupil
    school = lead.school
    agency = ReferralAgency.objects.for_school(school).order_by("pk")[0]
    today = timezone.localdate()
    have = Referral.objects.for_school(school).filter(pupil=pupil).count()
    for n in range(have, times):
        referral = log_referral(
            membership=lead,
            pupil=pupil,
            agency=agency,
            sent_at=timezone.now() - datetime.timedelta(days=3, minutes=n),
            sent_by=lead.user,
            method="phone",
            is_consent_sought=True,
        )
        add_chase(
            membership=lead, referral=referral, chased_on=today, method="email", contact="MASH"
        )
        if n % 2:
            add_outcome(membership=lead, referral=referral, kind="acknowledged", happened_on=today)
        record_meeting(
            membership=lead,
            pupil=PupilFactory(school=school) if n % 2 else pupil,
            kind="core_group" if n % 2 else "strategy",
            held_on=today - datetime.timedelta(days=n % 20),
            attendees="Social worker; DSL",
            next_on=today + datetime.timedelta(days=7) if n % 2 else None,
        )
    assert Meeting.objects.for_school(school).count() >= times
    return Referral.objects.for_school(school).order_by("pk").first()


@pytest.mark.parametrize("url_name", ["dashboard", "casework:pupil-referrals"])
def test_the_dashboard_and_a_pupils_referrals_at_few_and_many(client_as, world, url_name):
    client = client_as(world.dsl.user)
    args = [world.pupil.pk] if url_name != "dashboard" else []
    url = reverse(url_name, args=args)
    referrals_and_meetings(world, SMALL)
    client.get(url)
    small, small_sql = count_queries(lambda: client.get(url))
    referrals_and_meetings(world, LARGE)
    large, large_sql = count_queries(lambda: client.get(url))
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])
    if url_name == "dashboard":
        assert small <= LEAD_DASHBOARD_CEILING


def test_a_referral_page_with_few_and_many_outcomes_and_chases(client_as, world):
    from safeguard.casework.referrals.services import add_chase, add_outcome

    client = client_as(world.dsl.user)
    referral = referrals_and_meetings(world, 1)
    url = reverse("casework:referral-detail", args=[referral.pk])

    def grow(to: int) -> None:
        for _ in range(to):
            day = timezone.localdate()
            add_outcome(membership=world.dsl, referral=referral, kind="assessment", happened_on=day)
            add_chase(
                membership=world.dsl, referral=referral, chased_on=day, method="phone", contact="SW"
            )

    grow(SMALL)
    client.get(url)
    small, small_sql = count_queries(lambda: client.get(url))
    grow(LARGE)
    large, large_sql = count_queries(lambda: client.get(url))
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])


# A pupil's profile (casework) -----------------------------------------------------------------


def test_the_profile_at_10_and_1000_related_rows(client_as, world):
    """The pupil page with the leads' profile reads the same queries for a pupil with 10
    contacts, professionals, household links and suggested siblings as with 1,000, and a
    chronology of 10 entries or 1,000 beneath."""
    from safeguard.casework.profile.photos import add_photo
    from safeguard.casework.tests.factories import bulk_chronology, bulk_profile, png_upload

    client = client_as(world.dsl.user)
    pupil = PupilFactory(school=world.dsl.school)
    add_photo(membership=world.dsl, pupil=pupil, upload=png_upload())
    url = reverse("pupils:pupil-detail", args=[pupil.pk])
    bulk_profile(world.dsl, pupil, 10)
    bulk_chronology(world.dsl, pupil, 10)
    client.get(url)
    small, small_sql = count_queries(lambda: client.get(url))
    bulk_profile(world.dsl, pupil, 990, start=10)
    bulk_chronology(world.dsl, pupil, 990, start=10)
    large, large_sql = count_queries(lambda: client.get(url))
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])
    # The session, the person, the pupil and statuses, the profile (two audit events, a
    # query per part), the open referrals and meetings (the clocks, the closures, the
    # referrals with their outcomes and chases, the meetings) and the chronology's first
    # entries (one per source and kind).
    assert small <= 70, "\n".join(small_sql)


# The "CP records" mark beside pupils' names, for the leads (casework) -------------------------


@pytest.mark.parametrize(
    "page", ["pupil list", "pupil search", "type-ahead", "incident list", "review queue"]
)
def test_the_lists_mark_pupils_with_cp_records_at_no_query_per_row(client_as, world, page):
    client = client_as(world.dsl.user)

    def read() -> Any:
        if page == "pupil list":
            return client.get(reverse("pupils:pupil-list"))
        if page == "pupil search":
            return client.post(reverse("pupils:pupil-list"), {"q": "Sa"})
        if page == "type-ahead":
            return client.post(reverse("incidents:pupil-search"), {"term": "Sally"})
        if page == "incident list":
            return client.get(reverse("incidents:incident-list"))
        return client.get(reverse("casework:review-queue"))

    same_count_small_and_large(world, read)
    assert b"CP records" in read().content

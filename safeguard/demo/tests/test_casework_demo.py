"""The demo's casework: what the leads did with the term's incidents, through casework's own
services, as a DSL trying the demo sees it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, School, User
from safeguard.casework.chronology.selectors import Filters, chronology_page
from safeguard.casework.models import (
    EncompassChild,
    EncompassNotification,
    KeyEvent,
    KeyEventKind,
    RiskLevel,
    TriageEntry,
)
from safeguard.casework.selectors import review_queue
from safeguard.demo.people import FERNHILL, LARKSPUR
from safeguard.incidents.models import Alert, AlertReason

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, rolled back after (as test_records.py does)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def member(email: str, school_name: str = LARKSPUR) -> Membership:
    school = School.objects.get(name=school_name)
    return (
        Membership.objects.for_school(school)
        .select_related("user", "school")
        .get(user__email=email)
    )


def test_most_incidents_are_reviewed_and_the_newest_wait_in_each_schools_queue(demo):
    for email, school in (("dsl@larkspur.example", LARKSPUR), ("dsl@fernhill.example", FERNHILL)):
        lead = member(email, school)
        waiting = list(review_queue(lead))
        reviewed = TriageEntry.objects.for_school(lead.school).filter(is_reviewed=True)
        assert 1 <= len(waiting) < reviewed.values("incident").distinct().count()
        newest_reviewed = reviewed.order_by("-incident__recorded_at").first()
        assert newest_reviewed is not None
        assert all(i.recorded_at > newest_reviewed.incident.recorded_at for i in waiting)


def test_a_decision_not_to_refer_is_recorded_with_its_rationale(demo):
    school = School.objects.get(name=LARKSPUR)
    entry = TriageEntry.objects.for_school(school).get(decision_name="No further action")
    assert "not to refer" in entry.rationale
    assert entry.discussed_with


def test_a_referral_decision_and_a_risk_level_lowered_with_its_reason(demo):
    school = School.objects.get(name=LARKSPUR)
    entries = TriageEntry.objects.for_school(school)
    assert entries.filter(decision_name="Referral to children's social care").exists()
    lowered = entries.get(previous_risk_level=RiskLevel.HIGH, risk_level=RiskLevel.MEDIUM)
    assert lowered.risk_reason


def test_authors_have_replies_some_still_unread_one_asking_for_more_detail(demo):
    school = School.objects.get(name=LARKSPUR)
    replies = Alert.objects.for_school(school).filter(reason=AlertReason.REPLY)
    assert replies.count() >= 5
    assert replies.filter(read_at__isnull=True).exists()
    assert TriageEntry.objects.for_school(school).filter(reply_kind="more_detail").exists()


def test_the_referred_childs_chronology_shows_the_key_events_and_significant_review(demo):
    school = School.objects.get(name=LARKSPUR)
    events = KeyEvent.objects.for_school(school).filter(kind=KeyEventKind.CP_PLAN_STARTED)
    pupil = events.get().pupil
    kinds = set(
        KeyEvent.objects.for_school(school).filter(pupil=pupil).values_list("kind", flat=True)
    )
    assert {KeyEventKind.STRATEGY_MEETING, KeyEventKind.SECTION_47} <= kinds
    page = chronology_page(
        membership=member("dsl@larkspur.example"),
        pupil=pupil,
        filters=Filters(significant_only=True),
        size=100,
    )
    summaries = " ".join(entry.summary for entry in page.rows)
    assert "referred to children's social care" in summaries
    assert "Child protection plan started" in summaries


def test_signed_in_the_dsl_opens_the_referred_childs_chronology(demo, client_as):
    school = School.objects.get(name=LARKSPUR)
    pupil = KeyEvent.objects.for_school(school).get(kind=KeyEventKind.CP_PLAN_STARTED).pupil
    dsl = User.objects.get(email="dsl@larkspur.example")
    html = client_as(dsl).get(reverse("casework:chronology", args=[pupil.pk])).content.decode()
    assert "Section 47 enquiry started." in html
    assert "Strategy discussion held" in html


def test_this_mornings_encompass_notification_heads_the_leads_dashboards(demo, client_as):
    school = School.objects.get(name=LARKSPUR)
    notifications = EncompassNotification.objects.for_school(school)
    assert notifications.count() == 2
    waiting = notifications.get(acknowledgements__isnull=True)
    assert (
        waiting.received_at.date() == timezone.localdate() or waiting.received_at < timezone.now()
    )
    for email in ("dsl@larkspur.example", "deputy@larkspur.example"):
        page = client_as(User.objects.get(email=email)).get(reverse("dashboard")).content.decode()
        assert "Operation Encompass: not yet acknowledged (1)" in page


def test_the_terms_encompass_notification_is_in_both_childrens_chronologies(demo):
    school = School.objects.get(name=LARKSPUR)
    told = EncompassNotification.objects.for_school(school).get(police_reference="KNT/OE/4471")
    named = EncompassChild.objects.for_school(school).filter(notification=told)
    assert named.count() == 2
    lead = member("dsl@larkspur.example")
    for child in named:
        page = chronology_page(
            membership=lead, pupil=child.pupil, filters=Filters(significant_only=True), size=100
        )
        assert any(entry.type == "encompass" for entry in page.rows)


def test_yusufs_referral_leads_to_a_conference_cycle_and_his_profile(demo):
    from safeguard.casework.models import Contact, Meeting, Professional, Referral

    school = School.objects.get(name=LARKSPUR)
    yusuf = KeyEvent.objects.for_school(school).get(kind=KeyEventKind.CP_PLAN_STARTED).pupil
    referral = Referral.objects.for_school(school).get(pupil=yusuf)
    assert not referral.is_consent_sought and referral.no_consent_reason
    assert {o.kind for o in referral.outcomes.all()} == {"acknowledged", "strategy"}
    kinds = set(
        Meeting.objects.for_school(school).filter(pupil=yusuf).values_list("kind", flat=True)
    )
    assert kinds == {"strategy", "icpc", "core_group"}
    assert Contact.objects.for_school(school).filter(pupil=yusuf).exists()
    assert (
        Professional.objects.for_school(school).filter(pupil=yusuf, role="social_worker").exists()
    )


def test_an_unanswered_referral_is_overdue_on_the_dsls_dashboard(demo, client_as):
    dsl = User.objects.get(email="dsl@larkspur.example")
    page = client_as(dsl).get(reverse("dashboard")).content.decode()
    assert "Early help" in page
    assert "overdue" in page.lower()

"""A DSL logs a referral, sees it flagged once a working day passes with no response, and
records the agency's outcome, in a real browser; and records a meeting and keeps the school's
clocks.

On Monday morning the DSL opens Sally's referrals from her page and logs a phone referral to
children's social care, first without saying why consent was not sought (refused next to the
field, with everything typed kept). On Tuesday, past one working day (the server's clock
moved by time-machine), the dashboard lists the referral as overdue; its page prompts a chase
and the escalation policy. An outcome dated before the referral is refused next to its date;
dated today it is recorded and the flag goes. On a desktop and on a 375px phone, with no axe
violations, nothing wider than the screen and no console errors (tests/browser/conftest.py).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Browser, expect

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.casework.clocks.services import save_clocks
from safeguard.casework.models import Referral, ReferralOutcome
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_header_and_layout import sign_in
from tests.browser.test_sally_journey import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

# Monday 16 November 2026, 10:00 (UTC is London's time in November).
MONDAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
TUESDAY_AFTERNOON = datetime.datetime(2026, 11, 17, 14, 0, tzinfo=datetime.UTC)


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\).*/(referrals|outcomes)/")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dsl_logs_a_referral_sees_it_overdue_and_records_the_outcome(
    browser: Browser, live_server, viewport
):
    with time_machine.travel(MONDAY, tick=True) as server_clock:
        school = SchoolFactory(name="Larkspur Primary")
        dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
        sally = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
        lead = Membership.objects.for_school(school).select_related("school", "user").get(user=dsl)
        save_clocks(
            membership=lead,
            values={"escalation_policy": "Phone the MASH team manager, then the LADO line."},
        )

        context = browser.new_context(viewport=viewport)
        sign_in(context, live_server, dsl)
        page = context.new_page()
        page.goto(live_server.url + reverse("pupils:pupil-detail", kwargs={"pupil_id": sally.pk}))
        page.get_by_role("link", name="Referrals and meetings").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Referrals and meetings: Sally Jones"
        )
        check_page(page)

        page.get_by_role("link", name="Log a referral").click()
        page.get_by_label("Agency", exact=True).select_option(label="Children's social care / MASH")
        page.get_by_label("Date sent").fill("2026-11-16")
        page.get_by_label("Time sent").fill("09:30")
        page.get_by_role("radio", name="Phone").check()
        page.get_by_label("Agency's reference").fill("MASH-2026-118")
        page.get_by_role("radio", name="No").check()
        page.get_by_label("Notes").fill("Sally disclosed that she is left alone overnight.")
        page.get_by_role("button", name="Log referral").click()
        expect(page.get_by_role("alert")).to_contain_text("Say why consent was not sought")
        expect(page.get_by_label("Agency's reference")).to_have_value("MASH-2026-118")
        expect(page.get_by_label("Notes")).to_have_value(
            "Sally disclosed that she is left alone overnight."
        )
        check_page(page)
        page.get_by_label("Why consent was not sought").fill(
            "Asking her mother could put Sally at greater risk."
        )
        page.get_by_role("button", name="Log referral").click()
        expect(page.get_by_text("Referral logged.")).to_be_visible()
        expect(page.locator("#referral-clock")).to_contain_text("Awaiting response: due by")
        check_page(page)
        referral = Referral.objects.for_school(school).get()
        assert referral.sent_at == datetime.datetime(2026, 11, 16, 9, 30, tzinfo=datetime.UTC)
        context.close()

        # A working day later, with nothing heard, the DSL signs in again.
        server_clock.move_to(TUESDAY_AFTERNOON)
        context = browser.new_context(viewport=viewport)
        sign_in(context, live_server, dsl)
        page = context.new_page()
        page.goto(live_server.url + reverse("dashboard"))
        section = page.locator("#due-items")
        expect(section.get_by_role("heading", level=2)).to_have_text(
            "Referrals and meetings: 1 overdue, 0 due soon"
        )
        check_page(page)
        section.get_by_role(
            "link", name="Referral to Children's social care / MASH: awaiting response — overdue"
        ).click()
        flag = page.locator("#referral-clock")
        expect(flag).to_contain_text("Awaiting response — overdue")
        expect(flag).to_contain_text("Chase the agency")
        expect(flag).to_contain_text("Phone the MASH team manager")
        check_page(page)

        page.get_by_label("Outcome", exact=True).select_option(label="Assessment")
        page.locator("#id_outcome-happened_on").fill("2026-11-13")
        page.locator("#id_outcome-note").fill("Single assessment by the duty team.")
        page.get_by_role("button", name="Record outcome").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "The outcome can't be dated before the referral was sent"
        )
        expect(page.locator("#id_outcome-note")).to_have_value(
            "Single assessment by the duty team."
        )
        check_page(page)
        page.locator("#id_outcome-happened_on").fill("2026-11-17")
        page.get_by_role("button", name="Record outcome").click()
        expect(page.get_by_text("Outcome recorded.")).to_be_visible()
        expect(page.locator("#referral-clock")).to_have_count(0)
        expect(page.locator("#outcomes-title")).to_have_text("Outcomes (1)")
        check_page(page)
        assert ReferralOutcome.objects.for_school(school).get().kind == "assessment"
        context.close()


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\).*/(meetings|clocks)/")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dsl_records_a_meeting_and_keeps_the_clocks_with_no_axe_violations(
    browser: Browser, live_server, viewport
):
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    sally = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    context = browser.new_context(viewport=viewport)
    sign_in(context, live_server, dsl)
    page = context.new_page()
    page.goto(live_server.url + reverse("casework:pupil-referrals", args=[sally.pk]))
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Meeting", exact=True).select_option(label="Strategy discussion")
    page.get_by_label("Date held").fill(clock.localdate().isoformat())
    page.get_by_label("Who attended").fill("Police; social worker; DSL")
    page.get_by_label("Next meeting").fill("2020-01-06")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("The next meeting can't be in the past")
    expect(page.get_by_label("Who attended")).to_have_value("Police; social worker; DSL")
    check_page(page)
    page.get_by_label("Next meeting").fill("")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.get_by_text("Meeting recorded.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Back to Sally's referrals and meetings").click()
    expect(page.locator("#conference-clock")).to_contain_text(
        "Initial child protection conference due by"
    )
    check_page(page)

    page.goto(live_server.url + reverse("casework:clocks"))
    page.get_by_label("First day").fill("2026-10-30")
    page.get_by_label("Last day").fill("2026-10-26")
    page.get_by_label("Reason").fill("Half term")
    page.get_by_role("button", name="Add closure").click()
    expect(page.get_by_role("alert")).to_contain_text("The last day is before the first day")
    expect(page.get_by_label("Reason")).to_have_value("Half term")
    check_page(page)
    page.goto(live_server.url + reverse("casework:agency-list"))
    check_page(page)
    context.close()

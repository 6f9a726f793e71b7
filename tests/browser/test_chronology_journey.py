"""A DSL adds a key event to a pupil's chronology, filters it and downloads its PDF, in a real
browser.

Sally has an incident of her own and is a witness in one about Omar. The DSL opens her
chronology from her page, adds a key event (first dated tomorrow, which is refused next to the
date with everything typed kept), opens an entry in place, shows only the significant events,
asks for a range that ends before it starts (refused, kept), and downloads the PDF. Omar's
name never shows in Sally's chronology. On a desktop and on a 375px phone, with no axe
violations, nothing wider than the screen and no console errors (tests/browser/conftest.py).
"""

import datetime
import io

import pypdf
import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import KeyEvent
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import record_test_incident
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


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\).*/chronology/")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dsl_adds_a_key_event_filters_the_chronology_and_downloads_it(
    browser: Browser, live_server, viewport
):
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    teacher = member(school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry")
    author = (
        Membership.objects.for_school(school).select_related("school", "user").get(user=teacher)
    )
    sally = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    omar = PupilFactory(school=school, legal_first_name="Omar", legal_last_name="Quist")
    record_test_incident(author, pupil=sally, text="Sally said she was hungry at lunch.")
    record_test_incident(
        author, pupil=omar, text="Omar Quist pushed a child.", links=[Link(sally, "witness")]
    )

    context = browser.new_context(viewport=viewport, accept_downloads=True)
    sign_in(context, live_server, dsl)
    page = context.new_page()
    page.goto(live_server.url + reverse("pupils:pupil-detail", kwargs={"pupil_id": sally.pk}))
    page.get_by_role("link", name="Open the chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chronology: Sally Jones")
    expect(page.locator("main")).not_to_contain_text("Omar")
    expect(page.locator("main")).not_to_contain_text("Quist")
    check_page(page)

    page.get_by_role("link", name="Add a key event").click()
    tomorrow = clock.localdate() + datetime.timedelta(days=1)
    page.get_by_label("What happened").select_option(label="Strategy meeting held")
    page.get_by_label("Date", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Summary", exact=True).fill("Strategy discussion: section 47 to follow.")
    page.get_by_role("button", name="Add key event").click()
    expect(page.get_by_role("alert")).to_contain_text("A key event can't be in the future")
    expect(page.get_by_label("Summary", exact=True)).to_have_value(
        "Strategy discussion: section 47 to follow."
    )
    check_page(page)
    page.get_by_label("Date", exact=True).fill(clock.localdate().isoformat())
    page.get_by_role("button", name="Add key event").click()
    expect(page.get_by_text("Key event added to the chronology.")).to_be_visible()
    assert KeyEvent.objects.for_school(school).count() == 1

    first = page.locator("details.chronology-entry").filter(has_text="hungry").first
    first.locator("summary").click()
    expect(first.get_by_role("link", name="Open the incident")).to_be_visible()
    check_page(page)

    page.get_by_role("radio", name="Significant events only").check()
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("ol.chronology > li")).to_have_count(1)
    expect(page.locator("ol.chronology")).to_contain_text("Strategy discussion")
    check_page(page)

    page.get_by_label("From", exact=True).fill("2026-03-10")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date")
    expect(page.get_by_label("To", exact=True)).to_have_value("2026-03-01")
    check_page(page)
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("To", exact=True).fill("")

    page.get_by_role("button", name="Prepare a PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PDF of Sally")
    expect(page.locator("#pdf-state")).to_contain_text("Ready")
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf = download.value
    assert pdf.suggested_filename == f"chronology-{sally.pk}.pdf"
    with open(pdf.path(), "rb") as saved:
        content = saved.read()
    assert content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.CHRONOLOGY_DOWNLOADED, pupil_id=sally.pk
    ).exists()
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    text = "\n".join(p.extract_text() for p in pages)
    assert "Confidential — child protection" in text and "Strategy discussion" in text
    context.close()

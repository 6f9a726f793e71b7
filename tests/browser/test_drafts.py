"""Drafts in a real browser: looking up a pupil and leaving keeps nothing, a started draft
is one draft however often it is saved, and the author discards it from the dashboard."""

import pytest
from playwright.sync_api import Page, expect

from safeguard.incidents.models import Draft
from tests.browser.test_add_incident import VIEWPORTS, assert_fits_width, assert_no_axe_violations
from tests.browser.test_add_incident import people as people  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def drafts_of(people) -> int:
    return Draft.objects.for_school(people["school"]).filter(author=people["midday"]).count()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_drafts_appear_only_for_something_typed_and_can_be_discarded_from_the_dashboard(
    page: Page, site, signed_in, people, viewport
):
    page.set_viewport_size(viewport)
    signed_in(people["midday"])

    # Looking a pupil up and going back, again and again, leaves no draft behind.
    for _ in range(2):
        page.goto(site("/incidents/new/"))
        page.get_by_label("Pupil's name").fill("Sal")
        expect(page.get_by_role("option").first).to_be_visible()
        page.wait_for_timeout(2500)  # longer than the autosave's pause
        page.goto(site("/"))
        expect(page.get_by_role("link", name="Carry on writing")).to_have_count(0)
    assert drafts_of(people) == 0

    # Words typed start one draft; more words and a return to it keep it one draft.
    page.goto(site("/incidents/new/"))
    page.get_by_label("What happened").fill("Sally said")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved", timeout=6000)
    page.goto(site("/"))
    page.get_by_role("link", name="Carry on writing: no pupil yet").click()
    page.get_by_label("What happened").fill("Sally said she was scared")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved", timeout=6000)
    page.goto(site("/"))
    expect(page.get_by_role("link", name="Carry on writing")).to_have_count(1)
    assert drafts_of(people) == 1
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])

    # Discarded from the dashboard, after saying yes to the question.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_text("Draft discarded.")).to_be_visible()
    expect(page.get_by_role("link", name="Carry on writing")).to_have_count(0)
    assert drafts_of(people) == 0
    assert_no_axe_violations(page)

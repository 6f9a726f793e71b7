"""A draft saved as the author types, after they switched school in another tab."""

import pytest
from playwright.sync_api import expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import MembershipFactory, SchoolFactory, member
from safeguard.incidents.models import Draft

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def work_in(tab, school_name: str) -> None:
    """Switch school from the header menu, as a person would (if not already there)."""
    if tab.get_by_text(f"You are signed in to {school_name}").count():
        return
    tab.locator("button.site-menu__button").click()
    tab.get_by_role("button", name=school_name).click()
    expect(tab.get_by_text(f"You are now working in {school_name}")).to_be_visible()


def test_autosave_after_a_school_switch_carries_on_as_a_new_draft_there(
    page, context, site, signed_in
):
    school = SchoolFactory(name="Larkspur Primary")
    other = SchoolFactory(name="Fernhill Academy")
    midday = member(school, Role.MIDDAY, email="midday@larkspur.example")
    MembershipFactory(user=midday, school=other, role=Role.TEACHER)
    signed_in(midday)
    page.goto(site("/"))
    work_in(page, "Larkspur Primary")
    page.goto(site("/incidents/new/"))
    status = page.locator("#draft-status")
    text = page.get_by_label("What happened")
    text.fill("Sally said")
    expect(status).to_contain_text("Draft saved", timeout=6000)
    first_key = page.locator("[name=submit_key]").input_value()

    other_tab = context.new_page()
    other_tab.goto(site("/"))
    work_in(other_tab, "Fernhill Academy")

    text.fill("Sally said her dad hit her.")
    expect(status).to_contain_text("new draft in Fernhill Academy", timeout=6000)
    assert page.locator("[name=submit_key]").input_value() != first_key
    text.fill("Sally said her dad hit her. More.")
    expect(status).to_contain_text("Draft saved", timeout=6000)
    assert Draft.objects.for_school(other).get().data["text"] == [
        "Sally said her dad hit her. More."
    ]
    assert Draft.objects.for_school(school).get().data["text"] == ["Sally said"]

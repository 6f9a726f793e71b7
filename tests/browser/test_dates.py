"""Dates in a real browser: the follow-up form names a task's due date as the task list does."""

import datetime
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.incidents.services.actions import submit_action
from safeguard.incidents.tests.factories import record_test_incident
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_follow_up_form_and_the_task_list_show_the_due_date_the_same_way(
    page, site, signed_in, viewport
):
    school = SchoolFactory(name="Larkspur Primary")
    author = Membership.objects.for_school(school).get(
        user=member(school, Role.TEACHER, email="teacher@larkspur.example")
    )
    assignee = Membership.objects.for_school(school).get(
        user=member(school, Role.TEACHER, email="ta@larkspur.example", first_name="Tam")
    )
    incident = record_test_incident(author, people=[assignee])
    submit_action(
        membership=author,
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Please meet mum.",
        occurred_at=timezone.now(),
        assigned_to=assignee,
        due_on=datetime.date(2030, 12, 3),
    )
    signed_in(assignee.user)
    page.set_viewport_size(viewport)
    page.goto(site("/incidents/tasks/"))
    expect(page.get_by_role("cell", name="3 Dec 2030")).to_be_visible()
    reference = incident.reference.reference
    page.get_by_role(
        "link", name=f"Record the follow-up to this task on incident {reference}"
    ).click()
    follows_up = page.get_by_label("This follows up")
    expect(follows_up).to_contain_text("Task from")
    expect(follows_up).to_contain_text("due 3 Dec 2030")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

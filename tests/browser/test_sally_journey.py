"""The policy's Sally example from end to end, in a real browser against the live server.

A midday supervisor signs in and records the school policy's "good recording" example
(section 7) with a body-map mark, a linked pupil, an SLT alert and a file. The alert email
reaches a real SMTP server and says nothing about the child; the SLT member follows its
link, signs in with a password and an authenticator code (following the link marks the
alert read) and acknowledges it; a DSL then sees both in the incident's alert log. Every page on the way has no axe
violations and fits the screen. The journey runs on a desktop, on a 375px phone, and with
the keyboard alone (no mouse at all).
"""

import re
import time
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, FileChooser, Locator, Page, ViewportSize, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import slt_group_of
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, SchoolFactory, member
from safeguard.incidents.models import Action, Alert, EmailState, Incident
from safeguard.pupils.models import YearGroup
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_bodymap import click_drawing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

# School policy, section 7: "Example entry (good recording)", word for word.
SALLY_TEXT = (
    "During lunchtime play, Sally approached me and was crying. I asked her what the matter "
    "was and she replied – 'I don't like my life anymore' I asked her why and she replied – "  # noqa: RUF001
    "'My mum and her boyfriend argue all the time, they always have cans of stuff which they "
    "drink, I really don't want to go home today because they are having a party tonight and "
    "that man will be there- you know that one....' I told Sally that I did not know what man "
    "she meant, but when I said this she ran off to play with her friends. I caught up with "
    "Sally later in the day and asked her about the man. She said it was her uncle and she "
    "doesn't like him because he drinks a lot. I asked her what she wants to happen and she "
    "said for him not to be drunk. I raised this with Mum at the end of the day and she talked "
    "about a party at the weekend where the Uncle was drunk. I explained that Sally doesn't "
    "feel comfortable or happy when the uncle is drunk and Mum said the party was a one-off "
    "and wouldn't be happening again."
)
LOCATION = "Top playground"
CATEGORY = "Family / home circumstances"
FILE_NAME = "lunchtime-notes.pdf"

# desktop and phone use the mouse; keyboard uses nothing but the keyboard, on a desktop.
JOURNEYS = {
    "desktop": (DESKTOP, False),
    "phone": (PHONE, False),
    "keyboard": (DESKTOP, True),
}


@pytest.fixture
def people(settings, live_server):
    """Larkspur Primary: a midday supervisor, Sam (SLT, in the SLT group), Dana (DSL),
    Sally Jones, her brother Tom and Salma (a second "Sal")."""
    settings.SITE_URL = live_server.url  # so the emailed link leads to this server
    school = SchoolFactory(name="Larkspur Primary")
    midday = member(
        school, Role.MIDDAY, email="midday@larkspur.example", first_name="Mo", last_name="Reid"
    )
    slt = member(
        school, Role.SLT, email="slt@larkspur.example", first_name="Sam", last_name="Patel"
    )
    dsl = member(
        school, Role.DSL, email="dsl@larkspur.example", first_name="Dana", last_name="Shaw"
    )
    slt_group_of(school).members.add(slt.memberships.get())
    sally = PupilFactory(
        school=school, legal_first_name="Sally", legal_last_name="Jones", year_group=YearGroup.Y3
    )
    PupilFactory(
        school=school, legal_first_name="Tom", legal_last_name="Jones", year_group=YearGroup.Y5
    )
    PupilFactory(school=school, legal_first_name="Salma", legal_last_name="Khan")
    return {"school": school, "midday": midday, "slt": slt, "dsl": dsl, "sally": sally}


@pytest.fixture
def new_page(browser: Browser):
    """new_page(viewport) -> a page in a browser context of its own (a different person)."""
    contexts = []

    def make(viewport: ViewportSize) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def pdf_file(tmp_path) -> Path:
    path = tmp_path / FILE_NAME
    path.write_bytes(small_pdf("Lunchtime notes"))
    return path


def small_pdf(line: str) -> bytes:
    """A real one-page PDF (with its cross-reference table) showing one line of text."""
    stream = b"BT /F1 14 Tf 72 770 Td (%s) Tj ET" % line.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


class Person:
    """One person at one browser, using the mouse or the keyboard alone.

    With the keyboard, every control is reached by Tab (or Shift+Tab) and used with
    Enter, Space, arrows and typing, as someone who can't use a mouse would.
    """

    def __init__(self, page: Page, *, keyboard: bool) -> None:
        self.page = page
        self.keyboard = keyboard
        # Listen from the start: Playwright turns on catching file choosers without waiting
        # for the browser, so a listener added just before a key press can miss it.
        self.file_choosers: list[FileChooser] = []
        page.on("filechooser", lambda chooser: self.file_choosers.append(chooser))

    def tab_to(self, target: Locator, *, backwards: bool = False, limit: int = 150) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            if target.evaluate("node => node === document.activeElement"):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"{key} never reached {target}")

    def activate(self, target: Locator) -> None:
        """Follow a link, press a button, tick a box or choose a radio button."""
        if not self.keyboard:
            target.click()
            return
        self.tab_to(target)
        kind = target.evaluate("node => node.type || ''")
        self.page.keyboard.press("Space" if kind in ("checkbox", "radio") else "Enter")

    def fill(self, target: Locator, text: str) -> None:
        if not self.keyboard:
            target.click()
            target.fill(text)
            return
        self.tab_to(target)
        self.page.keyboard.insert_text(text)

    def search(self, combobox: Locator, query: str) -> None:
        """Type into a combobox, key by key, so its suggestions open."""
        if self.keyboard:
            self.tab_to(combobox)
        else:
            combobox.click()
        self.page.keyboard.type(query, delay=20)
        expect(combobox).to_have_attribute("aria-expanded", "true")

    def pick(self, combobox: Locator, name: str) -> None:
        """Choose the suggestion called `name` from an open combobox."""
        option = self.page.get_by_role("option", name=name)
        if not self.keyboard:
            option.click()
            return
        option_id = option.get_attribute("id")
        for _ in range(10):
            if combobox.get_attribute("aria-activedescendant") == option_id:
                break
            self.page.keyboard.press("ArrowDown")
        expect(combobox).to_have_attribute("aria-activedescendant", option_id)
        self.page.keyboard.press("Enter")

    def choose(self, select: Locator, label: str, *, backwards: bool = False) -> None:
        """Choose from a drop-down list: with the keyboard, by typing the option's start."""
        if not self.keyboard:
            select.select_option(label=label)
            return
        self.tab_to(select, backwards=backwards)
        self.page.keyboard.type(label[:3].lower())
        expect(select.locator("option:checked")).to_have_text(label)

    def attach(self, file_input: Locator, path: Path) -> None:
        if not self.keyboard:
            file_input.set_input_files(path)
            return
        self.tab_to(file_input)
        self.page.keyboard.press("Space")
        for _ in range(50):
            if self.file_choosers:
                break
            self.page.wait_for_timeout(100)
        assert self.file_choosers, "Space on the file input opened no file chooser"
        self.file_choosers.pop().set_files(path)

    def mark_upper_chest(self) -> None:
        """Place a mark on the upper chest of the body map's front."""
        if not self.keyboard:
            click_drawing(self.page, "front", 500, 262)
            return
        self.activate(self.page.get_by_role("button", name="Add a mark on the front"))
        status = self.page.get_by_role("status").filter(has_text="Mark 1, front")
        expect(status).to_contain_text("Mark 1, front, tummy added.")
        for key in ["Shift+ArrowUp"] * 3 + ["ArrowUp"] * 3:  # up 180 of the drawing's 1000
            self.page.keyboard.press(key)
        expect(status).to_have_text("Mark 1, front, upper chest")
        self.page.keyboard.press("Enter")  # on the mark: describe it

    def sign_in(self, email: str, *, with_code: bool) -> None:
        page = self.page
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        check_page(page)
        self.fill(page.get_by_label("School email address"), email)
        self.fill(page.get_by_label("Password"), DEFAULT_PASSWORD)
        self.activate(page.get_by_role("button", name="Sign in", exact=True))
        if with_code:
            expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
            check_page(page)
            self.fill(page.get_by_label("Code"), fresh_totp_code())
            self.activate(page.get_by_role("button", name="Sign in", exact=True))


def fresh_totp_code() -> str:
    """The factory key's code now, never one about to expire (tolerance is 0)."""
    totp = pyotp.TOTP(TOTP_SECRET)
    left = totp.interval - time.time() % totp.interval
    if left < 4:
        time.sleep(left + 0.2)
    return totp.now()


def check_page(page: Page) -> None:
    """No axe violations, and nothing wider than the screen."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.viewport_size is not None
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def email_to(messages: list[Message], address: str, timeout: float = 10) -> Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in messages:
            if message["X-Envelope-To"] == address:
                return message
        time.sleep(0.1)
    raise AssertionError(f"No email reached {address}; got {[m['To'] for m in messages]}")


def record_sally(person: Person, pdf: Path) -> None:
    """The midday supervisor records the policy's Sally example and submits it."""
    page = person.page
    person.activate(page.get_by_role("link", name="Add Incident").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Incident")
    check_page(page)

    pupil = page.get_by_role("combobox", name="Pupil's name")
    person.search(pupil, "Sal")
    expect(page.get_by_role("option")).to_have_count(2)
    expect(page.get_by_role("option", name="Sally Jones")).to_contain_text("Year 3")
    check_page(page)  # with the suggestions open
    person.pick(pupil, "Sally Jones")
    expect(page.locator("#pupil-chosen")).to_contain_text("Sally Jones")

    person.activate(page.get_by_label("Direct conversation with the child"))
    person.fill(page.get_by_label("What happened"), SALLY_TEXT)
    person.fill(page.get_by_label("Where"), LOCATION)

    person.mark_upper_chest()
    mark = page.get_by_role("group", name="Mark 1: front, upper chest")
    expect(mark.get_by_label("What kind of mark")).to_be_focused()
    person.choose(mark.get_by_label("What kind of mark"), "Bruise")
    person.fill(mark.get_by_label("Colour"), "purple")
    person.fill(mark.get_by_label("Shape"), "round")
    person.fill(mark.get_by_label("Approximate size"), "2 cm")

    person.activate(page.get_by_label(CATEGORY))

    linked = page.get_by_role("combobox", name="Add a linked pupil")
    person.search(linked, "Tom")
    person.pick(linked, "Tom Jones")
    # The new row sits above the search box: Shift+Tab goes back to it.
    person.choose(page.get_by_label("How Tom is involved"), "Affected", backwards=True)

    person.activate(page.get_by_label("SLT"))
    recipients = page.locator("#recipients")
    expect(recipients).to_contain_text("Sam Patel")
    expect(recipients).to_contain_text("Dana Shaw")

    person.attach(page.locator("#files-section").get_by_label("Files"), pdf)
    check_page(page)  # the whole form filled in: mark, linked pupil, who will be told
    person.activate(page.get_by_role("button", name="Add Incident"))


@pytest.mark.parametrize("journey", JOURNEYS.values(), ids=JOURNEYS.keys())
def test_sally_is_recorded_alerted_read_acknowledged_and_seen_in_the_alert_log(
    page, new_page, site, people, smtp_server, pdf_file, journey
):
    viewport, keyboard = journey

    # 1. The midday supervisor signs in and records the Sally example.
    page.set_viewport_size(viewport)
    page.goto(site("/"))
    midday = Person(page, keyboard=keyboard)
    midday.sign_in("midday@larkspur.example", with_code=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    check_page(page)
    record_sally(midday, pdf_file)

    expect(page.get_by_text("Incident recorded. 2 people have been alerted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident about Sally Jones")
    expect(page.get_by_text("I don't like my life anymore")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Direct conversation")
    expect(facts).to_contain_text(LOCATION)
    expect(facts).to_contain_text(CATEGORY)
    expect(facts).to_contain_text("Tom Jones (Affected)")
    marks = page.get_by_role("table", name="The marks on the body map, as recorded")
    expect(marks.get_by_role("row")).to_have_count(2)
    for value in ("Upper chest", "Bruise", "purple", "round", "2 cm"):
        expect(marks).to_contain_text(value)
    expect(page.get_by_role("link", name=FILE_NAME)).to_be_visible()
    check_page(page)
    incident = Incident.objects.for_school(people["school"]).get()
    assert (incident.author, incident.pupil) == (people["midday"], people["sally"])

    # 2. The SLT member's email names the author and the category, and nothing else.
    email = email_to(smtp_server, "slt@larkspur.example")
    subject = str(make_header(decode_header(email["Subject"])))
    body = email.get_payload(decode=True).decode()
    assert subject == f"Safeguard alert from Mo Reid: {CATEGORY}"
    assert "Mo Reid" in body and CATEGORY in body
    for secret in ("Sally", "Jones", "Tom", "life anymore", "lunchtime", LOCATION, "Bruise"):
        assert secret.lower() not in (subject + body).lower(), secret
    [link] = re.findall(r"https?://\S+/alerts/[0-9a-f-]{36}/", body)
    assert link.startswith(site("/alerts/"))

    # 3. The SLT member follows the link, signs in with a code, reads and acknowledges.
    slt = Person(new_page(viewport), keyboard=keyboard)
    slt.page.goto(link)
    expect(slt.page).to_have_url(re.compile(r"/accounts/login/\?next=/alerts/"))
    slt.sign_in("slt@larkspur.example", with_code=True)
    expect(slt.page).to_have_url(site(reverse("incidents:incident-detail", args=[incident.pk])))
    expect(slt.page.get_by_role("heading", level=1)).to_have_text("Incident about Sally Jones")
    expect(slt.page.get_by_text("I don't like my life anymore")).to_be_visible()
    # Opening the incident from the emailed link has marked the alert read.
    expect(slt.page.locator("#alert-bar")).to_contain_text("Read")
    expect(slt.page.get_by_role("button", name="Mark as read")).to_have_count(0)
    check_page(slt.page)
    slt.activate(slt.page.get_by_role("button", name="I have read and understood"))
    expect(slt.page.get_by_text("Acknowledged: you have read and understood")).to_be_visible()
    check_page(slt.page)
    slt.activate(slt.page.get_by_role("link", name=re.compile(r"^Alerts \(0")))
    expect(slt.page.get_by_role("heading", level=1)).to_have_text("Your alerts")
    expect(slt.page.get_by_role("table")).to_contain_text("Acknowledged")
    check_page(slt.page)

    # 4. A DSL signs in, opens the incident from their alerts and sees the alert log.
    dsl = Person(new_page(viewport), keyboard=keyboard)
    dsl.page.goto(site("/"))
    dsl.sign_in("dsl@larkspur.example", with_code=True)
    expect(dsl.page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    check_page(dsl.page)
    dsl.activate(dsl.page.get_by_role("link", name=re.compile(r"^Alerts \(1")))
    expect(dsl.page.get_by_role("heading", level=1)).to_have_text("Your alerts")
    check_page(dsl.page)
    dsl.activate(dsl.page.get_by_role("link", name=f"Open incident {incident.reference}"))
    expect(dsl.page.get_by_role("heading", level=1)).to_have_text("Incident about Sally Jones")
    log = dsl.page.locator("#alert-log")
    expect(log).to_contain_text("Incident recorded: 2 told, 1 read, 1 acknowledged")
    dsl.activate(log.get_by_text("Everyone alerted"))  # the full table, one click away
    expect(log.get_by_role("table")).to_be_visible()
    sam = log.get_by_role("row").filter(has_text="Sam Patel")
    when = re.compile(r"^\s*\d{1,2} \w{3} \d{4}, \d{2}:\d{2}\s*$")
    expect(sam.locator('td[data-label="Why"]')).to_contain_text("SLT")
    expect(sam.locator('td[data-label="Email"]')).to_have_text(re.compile(r"^\s*Sent \d"))
    expect(sam.locator('td[data-label="Read"]')).to_have_text(when)
    expect(sam.locator('td[data-label="Acknowledged"]')).to_have_text(when)
    dana = log.get_by_role("row").filter(has_text="Dana Shaw")
    expect(dana.locator('td[data-label="Read"]')).to_have_text("Not yet")
    check_page(dsl.page)
    with dsl.page.expect_download() as download:
        dsl.activate(dsl.page.get_by_role("link", name=FILE_NAME))
    assert download.value.suggested_filename == FILE_NAME
    assert Path(download.value.path()).read_bytes() == pdf_file.read_bytes()

    alert = Alert.objects.for_school(people["school"]).get(recipient=people["slt"])
    assert alert.email_state == EmailState.SENT
    assert alert.read_at is not None and alert.acknowledged_at is not None

    # 5. The midday supervisor finds her incident again from "My incidents".
    open_section(midday, "My incidents")
    expect(page.get_by_role("heading", level=1)).to_have_text("My incidents")
    expect(page.locator('nav[aria-label="Main"] a[aria-current="page"]').first).to_have_text(
        "My incidents"
    )
    mine = page.get_by_role("row").filter(has_text=str(incident.reference))
    expect(mine).to_contain_text("You recorded it")
    check_page(page)

    # 6. The DSL finds it under "Incidents", filtered to those awaiting review, and adds an
    # action alerting a colleague found by typing and the SLT group.
    member(
        people["school"],
        Role.TEACHER,
        email="teacher@larkspur.example",
        first_name="Terry",
        last_name="Hale",
    )
    open_section(dsl, "Incidents")
    expect(dsl.page.get_by_role("heading", level=1)).to_have_text("Incidents")
    dsl.choose(dsl.page.get_by_label("Status", exact=True), "Awaiting DSL review")
    dsl.activate(dsl.page.get_by_role("button", name="Show"))
    row = dsl.page.get_by_role("row").filter(has_text=str(incident.reference))
    expect(row).to_contain_text("Awaiting DSL review")
    check_page(dsl.page)
    dsl.activate(row.get_by_role("link"))
    dsl.activate(dsl.page.get_by_role("link", name="Add action"))
    expect(dsl.page.get_by_role("heading", level=1)).to_have_text("Add an action")
    check_page(dsl.page)
    dsl.fill(dsl.page.get_by_label("What was done"), "Asked her class teacher to keep watch.")
    dsl.activate(dsl.page.get_by_label("Share this action with the staff alerted"))
    dsl.activate(dsl.page.get_by_role("checkbox", name=re.compile(r"^SLT")))
    by_name = dsl.page.get_by_role("combobox", name="Alert someone by name")
    dsl.search(by_name, "Hal")
    check_page(dsl.page)  # with the suggestions open
    dsl.pick(by_name, "Terry Hale Teacher")
    expect(dsl.page.locator('[data-rows="people"]')).to_contain_text("Terry Hale")
    check_page(dsl.page)
    dsl.activate(dsl.page.get_by_role("button", name="Add action"))
    expect(dsl.page.get_by_text("Action added. 3 people alerted.")).to_be_visible()
    check_page(dsl.page)
    action = Action.objects.for_school(people["school"]).get(incident=incident)
    told = {
        a.recipient.email for a in Alert.objects.for_school(people["school"]).filter(action=action)
    }
    assert told == {"slt@larkspur.example", "teacher@larkspur.example", "midday@larkspur.example"}


def open_section(person: Person, name: str) -> None:
    """Follow a main section's link: in the bar on a desktop, through the Menu on a phone."""
    page = person.page
    assert page.viewport_size is not None
    if page.viewport_size["width"] < 600:
        person.activate(page.get_by_role("button", name="Menu"))
        nav = page.locator("#site-menu").get_by_role("navigation", name="Main")
    else:
        nav = page.locator(".site-nav")
    person.activate(nav.get_by_role("link", name=name, exact=True))

"""The mixed workload: named requests, grouped in journeys a person makes, each with the
check that says whether the page showed what it should.

A journey is picked by weight, then a person who may make it (a lead for the incident
list, a teacher for a teacher's dashboard...); its requests are timed one by one under
their own names, so "incident_submit" is the POST alone and the form it came from is
timed as "incident_form". An unexpected status, a sign-in page instead of the page, or a
page without its heading counts as an error of that request type.
"""

import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import html
from bench.accounts import LEADS, RECORDERS
from bench.client import Connection, Response
from bench.people import Person, incident_path, needs_step_up, step_up

FLOOR_URL = "/ping/"
_UNREAD_ROW = re.compile(r'<tr class="alert-list__unread">(.*?)</tr>', re.S)
_HREF = re.compile(r'href="([^"]+)"')
_SEARCH_URL = re.compile(r'data-search-url="([^"]+)"')

SENTENCES = (
    "During lunchtime play {name} came to me and was upset.",
    "I asked what the matter was and was told: 'I don't want to go home today.'",
    "I noticed a bruise on the left forearm, about the size of a coin, and recorded it.",
    "{name} said that an older pupil had been sending messages late at night.",
    "Mum phoned the office to say that there had been an argument at home last night.",
    "I reassured {name}, did not ask leading questions, and said I would pass this on.",
    "Attendance has dropped this half term and {name} has been late on several days.",
    "A classmate reported that {name} had not eaten lunch for the last three days.",
)


class Recorder:
    """Timings and errors per request type, kept only while `measuring` is set."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.measuring = False
        self.step_ups = 0
        self._lock = threading.Lock()

    def add(self, name: str, ms: float, problem: str | None) -> None:
        if not self.measuring:
            return
        with self._lock:
            self.samples[name].append(ms)
            if problem is not None:
                self.errors[name] += 1
                if len(self.examples[name]) < 5:
                    self.examples[name].append(problem)


Check = Callable[[Response], str | None]


def shows(*markers: str, status: int = 200, what: str = "") -> Check:
    """The page answered `status` and holds each marker (a regular expression)."""

    def check(response: Response) -> str | None:
        if response.status in (302, 303) and "/accounts/login/" in response.location:
            return f"{response.url}: sent to sign in"
        if response.status != status:
            return f"{response.url}: status {response.status}"
        for marker in markers:
            if not re.search(marker, response.body):
                return f"{response.url}: no {marker!r} on the page {what}".rstrip()
        return None

    return check


def redirects(to: str) -> Check:
    def check(response: Response) -> str | None:
        if response.status not in (302, 303):
            return f"{response.url}: status {response.status}, not a redirect"
        if "/accounts/login/" in response.location or to not in response.location:
            return f"{response.url}: sent to {response.location}"
        return None

    return check


@dataclass
class Run:
    conn: Connection
    recorder: Recorder
    rng: random.Random

    def get(self, name: str, person: Person, url: str, check: Check) -> Response:
        return self._timed(name, person, check, lambda: self.conn.get(url, person.cookies))

    def post(
        self,
        name: str,
        person: Person,
        page: html.Page,
        form: html.Form,
        pairs: list[tuple[str, str]],
        check: Check,
    ) -> Response:
        url = page.action_of(form)
        multipart = "multipart" in form.enctype
        return self._timed(
            name,
            person,
            check,
            lambda: self.conn.post_form(url, person.cookies, pairs, multipart=multipart),
        )

    def _timed(
        self, name: str, person: Person, check: Check, send: Callable[[], Response]
    ) -> Response:
        sent_at = time.monotonic()
        with person.session.using():
            response = send()
        if needs_step_up(response):  # the audit screens' "Confirm it's you"
            step_up(self.conn, person, response, sent_at=sent_at)
            self.recorder.step_ups += 1
            with person.session.using():
                response = send()
        self.recorder.add(name, response.ms, check(response))
        return response


def fill(
    form: html.Form, button: html.Control | None, set_: dict[str, str], add: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The form's own values with some replaced and some added, as a person fills it in."""
    pairs = [(k, set_.get(k, v)) for k, v in form.values(button=button)]
    return pairs + [(k, v) for k, v in set_.items() if k not in dict(pairs)] + add


def incident_text(rng: random.Random, name: str) -> str:
    count = rng.randint(3, 8)
    return " ".join(rng.choice(SENTENCES).format(name=name.split()[0]) for _ in range(count))


# Journeys -----------------------------------------------------------------------------------


def floor(run: Run, person: Person) -> None:
    run.get("floor", person, FLOOR_URL, shows(r"^ok"))


def type_ahead(run: Run, person: Person) -> None:
    _search(run, person, "/incidents/pupil-search/", run.rng.choice(person.terms))


def _search(run: Run, person: Person, url: str, term: str) -> list[html.Option]:
    pairs = [("term", term)]
    response = run._timed(
        "pupil_search",
        person,
        shows(r'role="option"', what=f"for {term!r}"),
        lambda: run.conn.post_form(
            url, person.cookies, pairs, multipart=True, headers={"X-CSRFToken": person.csrf}
        ),
    )
    return html.parse(response.body, response.url).options


def record_incident(run: Run, person: Person) -> None:
    response = run.get(
        "incident_form",
        person,
        "/incidents/new/",
        shows(r"<h1[^>]*>\s*Add Incident", r'name="submit_key"'),
    )
    page = html.parse(response.body, response.url)
    form = page.form(id="incident-form")
    if form is None:
        return
    search = _SEARCH_URL.search(response.body)
    options = [
        o
        for o in _search(
            run,
            person,
            page.absolute(search.group(1) if search else "/incidents/pupil-search/"),
            run.rng.choice(person.terms),
        )
        if not o.disabled
    ]
    submit = next((b for b in form.buttons() if b.value == "submit"), None)
    if not options or submit is None:
        return
    pupil = run.rng.choice(options)
    kinds, categories = form.choices("kind"), form.choices("categories")
    add = [("kind", run.rng.choice(kinds))] if kinds else []
    add += [("categories", run.rng.choice(categories))] if categories else []
    fields = {
        "pupil": pupil.value,
        "pupil_query": pupil.label,
        "text": incident_text(run.rng, pupil.label),
    }
    response = run.post(
        "incident_submit",
        person,
        page,
        form,
        fill(form, submit, fields, add),
        redirects("/incidents/"),
    )
    if response.status in (302, 303) and incident_path(response.location):
        person.remember_incident(page.absolute(incident_path(response.location) or ""))


def incident_page(run: Run, person: Person, url: str | None = None) -> Response:
    url = url or run.rng.choice(person.incidents)
    return run.get("incident_page", person, url, shows(r"<h1[^>]*>\s*Incident about"))


def add_action(run: Run, person: Person) -> None:
    response = incident_page(run, person)
    page = html.parse(response.body, response.url)
    links = [link for link in page.links_to("/actions/add/") if "follows_up" not in link]
    if not links:
        return
    response = run.get(
        "action_form", person, links[0], shows(r"<h1[^>]*>\s*Add an action", r'name="submit_key"')
    )
    page = html.parse(response.body, response.url)
    form = page.form(id="action-form")
    button = next((b for b in form.buttons() if "Add action" in b.text), None) if form else None
    if form is None or button is None:
        return
    text = (
        "Spoke to the pupil's parent on the phone; they will come in tomorrow. "
        * run.rng.randint(1, 4)
    )
    run.post(
        "action_add",
        person,
        page,
        form,
        fill(form, button, {"text": text}, []),
        redirects("/incidents/"),
    )


def alerts(run: Run, person: Person) -> Response:
    return run.get("alerts", person, "/alerts/", shows(r"<h1[^>]*>\s*Your alerts"))


def mark_read(run: Run, person: Person) -> None:
    response = alerts(run, person)
    # Alerts from this school open the incident here; another school's would switch school.
    here = html.Page(response.url, [], [], [], "")
    unread = [
        here.absolute(m.group(1))
        for row in _UNREAD_ROW.findall(response.body)
        for m in _HREF.finditer(row)
        if incident_path(here.absolute(m.group(1)))
    ]
    if not unread:
        return
    response = incident_page(run, person, unread[0])
    page = html.parse(response.body, response.url)
    form = page.form(button_text="Mark as read")
    if form is None:
        return
    button = next(b for b in form.buttons() if "Mark as read" in b.text)
    run.post("alert_mark_read", person, page, form, fill(form, button, {}, []), redirects("/"))


def my_tasks(run: Run, person: Person) -> None:
    run.get("my_tasks", person, "/incidents/tasks/", shows(r"<h1[^>]*>\s*Your tasks"))


def dashboard(name: str) -> Callable[[Run, Person], None]:
    def journey(run: Run, person: Person) -> None:
        run.get(name, person, "/", shows(r"<h1[^>]*>\s*Dashboard"))

    return journey


def incident_list(run: Run, person: Person) -> None:
    run.get("incident_list", person, "/incidents/", shows(r"<h1[^>]*>\s*Incidents"))


def incident_list_deep(run: Run, person: Person) -> None:
    run.get("incident_list_deep", person, person.deep_page, shows(r"<h1[^>]*>\s*Incidents"))


def pupil_page(run: Run, person: Person) -> None:
    run.get(
        "pupil_page", person, run.rng.choice(person.pupils), shows(r"<h1[^>]*>", r"Edit details")
    )


def review_queue(run: Run, person: Person) -> None:
    run.get("review_queue", person, "/casework/review/", shows(r"<h1[^>]*>\s*Review queue"))


def audit_trail(run: Run, person: Person) -> None:
    run.get("audit_trail", person, "/audit/", shows(r"<h1[^>]*>\s*Audit trail"))


def pupil_access_log(run: Run, person: Person) -> None:
    run.get(
        "pupil_access_log",
        person,
        run.rng.choice(person.access_logs),
        shows(r"<h1[^>]*>\s*Who has seen"),
    )


@dataclass
class Journey:
    name: str
    weight: int
    run: Callable[[Run, Person], object]
    who: Callable[[Person], bool]
    eligible: list[Person] = field(default_factory=list)


def _records(p: Person) -> bool:
    return p.role in LEADS | RECORDERS


def journeys() -> list[Journey]:
    """The mix, per 100 journeys: recording and reading incidents dominate, as at the end
    of a school day; the DSL's screens and the audit pages come less often."""
    return [
        Journey("floor", 8, floor, lambda p: True),
        Journey("type_ahead", 12, type_ahead, lambda p: _records(p) and bool(p.terms)),
        Journey("record_incident", 8, record_incident, lambda p: _records(p) and bool(p.terms)),
        Journey("incident_list", 6, incident_list, lambda p: p.is_lead),
        Journey(
            "incident_list_deep", 4, incident_list_deep, lambda p: p.is_lead and bool(p.deep_page)
        ),
        Journey("incident_page", 10, incident_page, lambda p: _records(p) and bool(p.incidents)),
        Journey("add_action", 5, add_action, lambda p: _records(p) and bool(p.incidents)),
        Journey("alerts", 6, alerts, _records),
        Journey("mark_read", 5, mark_read, _records),
        Journey("my_tasks", 5, my_tasks, _records),
        Journey("dashboard_dsl", 7, dashboard("dashboard_dsl"), lambda p: p.role == "dsl"),
        Journey(
            "dashboard_teacher", 7, dashboard("dashboard_teacher"), lambda p: p.role == "teacher"
        ),
        Journey("pupil_page", 7, pupil_page, lambda p: p.is_lead and bool(p.pupils)),
        Journey("review_queue", 4, review_queue, lambda p: p.is_lead),
        Journey(
            "audit_trail", 3, audit_trail, lambda p: p.is_lead and p.account.totp_secret is not None
        ),
        Journey(
            "pupil_access_log",
            3,
            pupil_access_log,
            lambda p: p.is_lead and p.account.totp_secret is not None and bool(p.access_logs),
        ),
    ]

"""The people the load generator acts as: signing in the way a browser does, and what
each has found on their pages (incidents they may open, pupils, the lists' deep page).

Signing in follows allauth's real flow: the sign-in page's form (with its CSRF token),
then, for roles that need one, the authenticator-app page and a code computed from the
account's key. An authenticator code is accepted once per 30-second step, so a person
who must show one again (the audit screens ask every STEP_UP_SECONDS) waits for the next.
"""

import html as html_text
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import html
from bench.accounts import LEADS, RECORDERS, Account, totp
from bench.client import Connection, Cookies, Response

SIGN_IN_URL = "/accounts/login/"
_CSRF_IN_BODY = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_IN_HEADERS = re.compile(r'"X-CSRFToken": "([^"]+)"')
_PUPIL_CELL = re.compile(r'data-label="Pupil">([^<]+)<')
_INCIDENT_PATH = re.compile(r"^/incidents/([A-Za-z0-9_-]+)/$")
_NOT_INCIDENTS = {
    "new",
    "mine",
    "tasks",
    "draft",
    "pupil-search",
    "staff-search",
    "recipients-preview",
}


class SignInFailed(Exception):
    pass


class SessionLock:
    """Many requests of one person at once (several tabs), but none while their session
    changes: passing a second factor again gives the session a new id, and a request still
    using the old one would find itself signed out."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._using = 0
        self._changing = False

    @contextmanager
    def using(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._changing)
            self._using += 1
        try:
            yield
        finally:
            with self._changed:
                self._using -= 1
                self._changed.notify_all()

    @contextmanager
    def changing(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._changing)
            self._changing = True
            self._changed.wait_for(lambda: self._using == 0)
        try:
            yield
        finally:
            with self._changed:
                self._changing = False
                self._changed.notify_all()


@dataclass
class Person:
    account: Account
    cookies: Cookies = field(default_factory=Cookies)
    csrf: str = ""
    incidents: list[str] = field(default_factory=list)  # incident pages they may open
    pupils: list[str] = field(default_factory=list)  # pupil pages (leads)
    access_logs: list[str] = field(default_factory=list)  # pupils' access logs (leads)
    terms: list[str] = field(default_factory=list)  # what they type into the pupil search
    deep_page: str = ""  # the incident list's deep page (leads)
    deep_page_depth: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    code_lock: threading.Lock = field(default_factory=threading.Lock)
    session: SessionLock = field(default_factory=SessionLock)
    last_code_step: int = -1
    stepped_up_at: float = 0.0

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def is_lead(self) -> bool:
        return self.account.role in LEADS

    def remember_incident(self, url: str) -> None:
        with self.lock:
            if url not in self.incidents:
                self.incidents.append(url)
                del self.incidents[:-200]

    def code(self) -> str:
        """A code for the authenticator app, never one already used (one per 30 s step)."""
        if self.account.totp_secret is None:
            raise SignInFailed(
                f"{self.account.email}: asked for a code, but the account has no key"
            )
        with self.code_lock:
            code, step = totp(self.account.totp_secret)
            while step <= self.last_code_step:
                time.sleep(max(0.2, 30 - time.time() % 30))
                code, step = totp(self.account.totp_secret)
            self.last_code_step = step
        return code


def _submit(
    conn: Connection, person: Person, page: html.Page, form: html.Form, **fields: str
) -> Response:
    pairs = [(k, fields.pop(k) if k in fields else v) for k, v in form.values()]
    pairs += list(fields.items())
    return conn.post_form(
        page.action_of(form), person.cookies, pairs, multipart="multipart" in form.enctype
    )


def _page(conn: Connection, person: Person, url: str) -> tuple[Response, html.Page]:
    response = conn.get(url, person.cookies)
    return response, html.parse(response.body, response.url)


def sign_in(conn: Connection, person: Person) -> None:
    """Sign `person` in with their password and, if they have one, their authenticator app."""
    email = person.account.email
    response, page = _page(conn, person, SIGN_IN_URL)
    form = page.form(action_contains="login") or next(
        (f for f in page.forms if any(c.name == "password" for c in f.controls)), None
    )
    if response.status != 200 or form is None:
        raise SignInFailed(
            f"{email}: the sign-in page answered {response.status} without a sign-in form"
        )
    response = _submit(conn, person, page, form, login=email, password=person.account.password)
    if response.status not in (302, 303):
        raise SignInFailed(f"{email}: the password was not accepted (status {response.status})")
    target = response.location
    if "2fa" in target or "authenticate" in target:
        if person.account.totp_secret is None:
            raise SignInFailed(f"{email}: asked for a second factor, but the account has no key")
        response = _second_factor(conn, person, target)
        target = response.location
    if "login" in target or "2fa" in target or "confirm-email" in target:
        raise SignInFailed(f"{email}: signing in ended at {target} instead of the dashboard")
    response = conn.get("/", person.cookies)
    match = _CSRF_IN_HEADERS.search(response.body) or _CSRF_IN_BODY.search(response.body)
    if response.status != 200 or match is None:
        raise SignInFailed(f"{email}: the dashboard answered {response.status} after signing in")
    person.csrf = match.group(1)


def _second_factor(conn: Connection, person: Person, url: str) -> Response:
    """Give the authenticator-app code where `url` asks for it. A code already used (by an
    earlier run, in this 30-second step) is refused: then wait for the next one, as a person
    would."""
    response, page = _page(conn, person, url)
    for _ in range(3):
        form = next((f for f in page.forms if any(c.name == "code" for c in f.controls)), None)
        if form is None:
            break
        response = _submit(conn, person, page, form, code=person.code())
        if response.status in (302, 303):
            return response
        page = html.parse(response.body, response.url)
    raise SignInFailed(
        f"{person.account.email}: no authenticator code was accepted at {url} (status {response.status})"
    )


def needs_step_up(response: Response) -> bool:
    return response.status in (302, 303) and "reauthenticate" in response.location


def step_up(conn: Connection, person: Person, response: Response, *, sent_at: float) -> None:
    """Pass "Confirm it's you" where `response` sent the person, unless another thread has
    done it since the request was sent."""
    with person.session.changing():
        if person.stepped_up_at < sent_at:
            _second_factor(conn, person, response.location)
            person.stepped_up_at = time.monotonic()


# What each person finds on their pages ------------------------------------------------------


def incident_path(url: str) -> str | None:
    """The incident page `url` leads to (in the current school), without query or anchor."""
    path = urlsplit(url).path
    match = _INCIDENT_PATH.match(path)
    return path if match and match.group(1) not in _NOT_INCIDENTS else None


def incident_links(page: html.Page) -> list[str]:
    found = [
        page.absolute(path)
        for link in page.links
        if (path := incident_path(page.absolute(link.href)))
    ]
    return list(dict.fromkeys(found))


def search_terms(names: list[str]) -> list[str]:
    """What someone types to find each pupil: the first three letters of a name."""
    terms = []
    for name in names:
        for part in re.split(r"[,\s]+", name):
            if len(part) >= 3:
                terms.append(part[:3])
    return list(dict.fromkeys(terms))


def discover(conn: Connection, person: Person, *, deep_pages: int) -> None:
    """Find, as the person would by clicking, what the workload's requests need."""
    if person.is_lead:
        response, page = _page(conn, person, "/incidents/")
        person.incidents = incident_links(page)[:100]
        names = _PUPIL_CELL.findall(response.body)
        person.deep_page, person.deep_page_depth = _follow_older(conn, person, page, deep_pages)
        response, page = _page(conn, person, "/pupils/")
        to_pupils = [link for link in page.links if re.search(r"/pupils/\d+/$", link.href)]
        person.pupils = [page.absolute(link.href) for link in to_pupils][:50]
        names += [link.text for link in to_pupils]
        for url in person.pupils[:5]:
            response, pupil_page = _page(conn, person, url)
            person.access_logs += pupil_page.links_to("/audit/pupil/")
        person.access_logs = list(dict.fromkeys(person.access_logs))
    elif person.role in RECORDERS:
        response, page = _page(conn, person, "/incidents/mine/")
        person.incidents = incident_links(page)[:100]
        names = _PUPIL_CELL.findall(response.body)
    else:
        names = []  # a governor records nothing and sees no incidents
    person.terms = search_terms([html_text.unescape(" ".join(n.split())) for n in names])


def _follow_older(conn: Connection, person: Person, page: html.Page, depth: int) -> tuple[str, int]:
    """The list page `depth` pages down, by following its "Older" (or rel="next") link."""
    url, reached = page.url, 1
    while reached < depth:
        older = page.link_with_text("Older", "Next", "Older incidents")
        if older is None:
            break
        response, page = _page(conn, person, older)
        if response.status != 200:
            break
        url, reached = older, reached + 1
    return url, reached

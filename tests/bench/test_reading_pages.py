"""The load generator reads forms, links and type-ahead options as a browser would."""

import pyotp

from bench import html
from bench.accounts import demo_accounts, synthetic_accounts, totp
from bench.people import incident_path, search_terms
from safeguard.demo.synthetic import identities

FORM = """
<form method="post" action="/incidents/new/" enctype="multipart/form-data" id="incident-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="submit_key" value="k-1">
  <input type="text" name="pupil_query" value="">
  <input type="hidden" name="pupil" value="">
  <input type="radio" name="kind" value="disclosure"><input type="radio" name="kind" value="observation">
  <input type="radio" name="spoke_to_dsl" value="yes"><input type="radio" name="spoke_to_dsl" value="no" checked>
  <input type="checkbox" name="categories" value="3"><input type="checkbox" name="categories" value="4" disabled>
  <select name="dsl_spoken_to"><option value="">Choose…</option><option value="7">Dana</option></select>
  <select name="when"><option>first</option><option selected>second</option></select>
  <textarea name="text">Already typed</textarea>
  <input type="file" name="files">
  <button type="submit" name="intent" value="search-pupil">Find pupil</button>
  <button type="submit" name="intent" value="submit" data-submit-once>Add Incident</button>
</form>
<nav class="pagination"><a href="?page=1">Newer</a> <a href="?page=3">Older</a></nav>
<ul><li role="option" data-value="12" data-label="Ada Lovelace">Ada</li>
<li role="option" data-value="13" data-label="Old Pupil" aria-disabled="true">Old</li></ul>
<h1 id="t">Add
  Incident</h1>
"""


def test_a_form_submits_what_a_browser_would():
    page = html.parse(FORM, "http://s/incidents/new/")
    form = page.form(id="incident-form")
    assert form is not None
    submit = next(b for b in form.buttons() if b.value == "submit")
    assert form.values(button=submit) == [
        ("csrfmiddlewaretoken", "tok"),
        ("submit_key", "k-1"),
        ("pupil_query", ""),
        ("pupil", ""),
        ("spoke_to_dsl", "no"),
        ("dsl_spoken_to", ""),
        ("when", "second"),
        ("text", "Already typed"),
        ("intent", "submit"),
    ]
    assert form.choices("kind") == ["disclosure", "observation"]
    assert form.choices("categories") == ["3"]  # the disabled one can't be chosen
    assert page.action_of(form) == "http://s/incidents/new/"
    assert "multipart" in form.enctype


def test_links_options_and_heading_are_read_from_the_page():
    page = html.parse(FORM, "http://s/incidents/?page=2")
    assert page.link_with_text("Older") == "http://s/incidents/?page=3"
    assert [(o.value, o.label, o.disabled) for o in page.options] == [
        ("12", "Ada Lovelace", False),
        ("13", "Old Pupil", True),
    ]
    assert page.h1 == "Add Incident"


def test_a_cursor_link_is_followed_as_well_as_a_numbered_one():
    page = html.parse('<a rel="next" href="?after=abc123">More</a>', "http://s/incidents/")
    assert page.link_with_text("Older") == "http://s/incidents/?after=abc123"


def test_incident_pages_are_told_from_other_incident_addresses():
    assert incident_path("http://s/incidents/AbC-9x/#alert-bar") == "/incidents/AbC-9x/"
    assert incident_path("http://s/incidents/new/") is None
    assert incident_path("http://s/incidents/tasks/") is None
    assert incident_path("http://s/alerts/4/incident/") is None


def test_search_terms_are_the_first_letters_of_each_name():
    assert search_terms(["Lovelace, Ada", "Bo Li", "Ada Byron"]) == ["Lov", "Ada", "Byr"]


def test_authenticator_codes_match_an_authenticator_app():
    secret = identities.totp_secret(1, "dsl")
    code, step = totp(secret, at=1_800_000_000)
    assert code == pyotp.TOTP(secret).at(1_800_000_000)
    assert step == 1_800_000_000 // 30


def test_synthetic_accounts_are_the_generators_named_ones_in_the_chosen_schools():
    rows = [
        (identities.role_email(1, "dsl"), "dsl", True),
        (identities.role_email(1, "teacher"), "teacher", False),
        (identities.role_email(1, "slt"), "slt", False),  # needs a key it hasn't: left out
        (identities.role_email(2, "dsl"), "dsl", True),  # school 2: not asked for
        ("someone@s0001.synthetic.example", "teacher", False),  # not a role account
    ]
    accounts = synthetic_accounts(rows, schools=1)
    assert [(a.email, a.role) for a in accounts] == [
        (identities.role_email(1, "dsl"), "dsl"),
        (identities.role_email(1, "teacher"), "teacher"),
    ]
    assert accounts[0].totp_secret == identities.totp_secret(1, "dsl")
    assert accounts[0].password == identities.PASSWORD
    assert accounts[1].totp_secret is None


LOAD_DEMO_OUTPUT = """
Demo data ready (already loaded; nothing new).

  Open http://127.0.0.1:8000 and sign in as anyone below.

  Email                     Role                          School                          Password
  ------------------------  ----------------------------  ------------------------------  ---------------
  dsl@larkspur.example      Designated Safeguarding Lead  Larkspur Primary School (demo)  Demo-Pass-2026!
  teacher@larkspur.example  Teacher                       Larkspur Primary School (demo)  Demo-Pass-2026!
  dsl@fernhill.example      Designated Safeguarding Lead  Fernhill Academy (demo)         Demo-Pass-2026!
  lead@northwind.example    Deputy DSL                    Larkspur Primary School (demo)  Demo-Pass-2026!
  lead@northwind.example    Deputy DSL                    Fernhill Academy (demo)         Demo-Pass-2026!

  Second factor: DSLs, deputies and senior leaders need one.

  dsl@larkspur.example    setup key G26LRPSN2WTEHNETJGRLNQ2H4TDWCJXF
                          otpauth://totp/Safeguard:dsl%40larkspur.example?secret=G26LRPSN2WTEHNETJGRLNQ2H4TDWCJXF
  lead@northwind.example  setup key YUM6FU3K7IHYFDEKT2D63LLNLBPWHLKE
"""


def test_demo_accounts_are_read_from_what_load_demo_prints():
    accounts = demo_accounts(LOAD_DEMO_OUTPUT)
    assert [(a.email, a.role, a.totp_secret) for a in accounts] == [
        ("dsl@larkspur.example", "dsl", "G26LRPSN2WTEHNETJGRLNQ2H4TDWCJXF"),
        ("teacher@larkspur.example", "teacher", None),
        # dsl@fernhill has no authenticator yet: it would be asked to set one up.
        ("lead@northwind.example", "deputy_dsl", "YUM6FU3K7IHYFDEKT2D63LLNLBPWHLKE"),
    ]
    assert {a.password for a in accounts} == {"Demo-Pass-2026!"}


def test_a_session_changes_only_when_no_request_is_using_it():
    import threading
    import time

    from bench.people import SessionLock

    lock, events = SessionLock(), []

    def change():
        with lock.changing():
            events.append("changed")

    with lock.using():
        changer = threading.Thread(target=change)
        changer.start()
        time.sleep(0.1)
        events.append("request done")
    changer.join(timeout=5)
    assert events == ["request done", "changed"]

"""Reading incidents (`views/incidents.py`): the lists, one incident with its body map, and
its printable copy, for those who may see them, audited."""

import datetime
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.links import incident_key
from safeguard.incidents.models import BodyMapMark, Category, IncidentReview
from safeguard.incidents.services.bodymap import Mark
from safeguard.incidents.tests.factories import add_test_action, record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_author_opens_their_incident_and_the_view_is_audited(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher), text="Sally said <b>hello</b>")
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    assert b"Sally said &lt;b&gt;hello&lt;/b&gt;" in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.INCIDENT_VIEWED, actor=teacher, target_id=str(incident.pk)
    ).exists()


def test_someone_elses_incident_is_not_found(client_as, teacher, midday, membership_of, school):
    from safeguard.incidents.models import Category

    incident = record_test_incident(
        membership_of(midday),
        categories=[Category.objects.for_school(school).get(name="Behaviour")],
    )
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 404


def test_missing_incident_looks_the_same_as_someone_elses(client_as, teacher):
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[999999]))
    assert response.status_code == 404


def test_dsl_lists_every_incident(client_as, dsl, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("incidents:incident-list"))
    assert list(response.context["page"].object_list) == [incident]


def test_governor_cannot_open_incidents(client_as, governor, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    client = client_as(governor)
    assert client.get(reverse("incidents:incident-list")).status_code == 403
    assert client.get(reverse("incidents:incident-detail", args=[incident.pk])).status_code == 403


def test_long_incident_list_is_paged_with_older_and_newer_links(
    client_as, dsl, teacher, membership_of
):
    for _ in range(51):
        record_test_incident(membership_of(teacher))
    client = client_as(dsl)
    first = client.get(reverse("incidents:incident-list"))
    assert len(first.context["page"].object_list) == 50
    oldest_shown = first.context["page"].object_list[-1]
    older = f"?after={incident_key(oldest_shown.pk)}"
    assert f'href="{older}">Older</a>'.encode() in first.content
    assert b">Newer</a>" not in first.content
    assert b"51 incidents" in first.content
    second = client.get(reverse("incidents:incident-list") + older)
    assert len(second.context["page"].object_list) == 1
    (oldest,) = second.context["page"].object_list
    newer = f"?before={incident_key(oldest.pk)}"
    assert f'href="{newer}">Newer</a>'.encode() in second.content
    assert b">Older</a>" not in second.content
    back = client.get(reverse("incidents:incident-list") + newer)
    assert back.context["page"].object_list == first.context["page"].object_list


def test_dsl_dashboard_lists_incidents_awaiting_review(client_as, dsl, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("dashboard"))
    assert response.context["awaiting_review_count"] == 1
    assert list(response.context["awaiting_review"]) == [incident]


def test_teacher_dashboard_has_no_review_list(client_as, teacher, membership_of):
    record_test_incident(membership_of(teacher))
    response = client_as(teacher).get(reverse("dashboard"))
    assert response.context["awaiting_review_count"] == 0
    assert b"Awaiting your review" not in response.content


def test_dsl_filters_the_list_by_review_status(client_as, dsl, teacher, membership_of, school):
    from safeguard.incidents.models import IncidentReview

    reviewed = record_test_incident(membership_of(teacher))
    fresh = record_test_incident(membership_of(teacher))
    IncidentReview.objects.for_school(school).filter(incident=reviewed).update(status="open")
    client = client_as(dsl)
    new_only = client.get(reverse("incidents:incident-list") + "?status=new")
    assert list(new_only.context["page"].object_list) == [fresh]
    nonsense = client.get(reverse("incidents:incident-list") + "?status=nonsense")
    assert len(nonsense.context["page"].object_list) == 2


MY_INCIDENTS = reverse("incidents:my-incidents")


ALL_INCIDENTS = reverse("incidents:incident-list")


RECORDERS = [role for role in Role if role not in (Role.GOVERNOR, Role.DSL, Role.DEPUTY_DSL)]


def nav_links(response) -> dict[str, str]:
    """The main navigation's entries, by label: {label: the link's attributes}."""
    html = response.content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "the page has no main navigation"
    return {
        label: attributes
        for attributes, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav.group(1))
    }


def shown(response) -> list:
    return list(response.context["page"].object_list)


@pytest.mark.parametrize("role", RECORDERS)
def test_staff_who_record_see_my_incidents_and_not_incidents(role, persona, client_as):
    client = client_as(persona(role))
    links = nav_links(client.get(reverse("dashboard")))
    assert f'href="{MY_INCIDENTS}"' in links["My incidents"]
    assert "Incidents" not in links
    assert client.get(MY_INCIDENTS).status_code == 200


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL])
def test_leads_see_incidents_and_my_incidents(role, persona, client_as):
    client = client_as(persona(role))
    links = nav_links(client.get(reverse("dashboard")))
    assert f'href="{ALL_INCIDENTS}"' in links["Incidents"]
    assert f'href="{MY_INCIDENTS}"' in links["My incidents"]
    assert client.get(ALL_INCIDENTS).status_code == 200
    assert client.get(MY_INCIDENTS).status_code == 200


def test_governors_see_neither_entry_and_neither_page_opens(governor, client_as):
    client = client_as(governor)
    links = nav_links(client.get(reverse("dashboard")))
    assert "My incidents" not in links and "Incidents" not in links
    assert client.get(MY_INCIDENTS).status_code == 403
    assert client.get(ALL_INCIDENTS).status_code == 403


def test_the_current_list_is_marked_in_the_navigation(dsl, client_as):
    client = client_as(dsl)
    on_mine = nav_links(client.get(MY_INCIDENTS))
    assert 'aria-current="page"' in on_mine["My incidents"]
    assert 'aria-current="page"' not in on_mine["Incidents"]
    on_all = nav_links(client.get(ALL_INCIDENTS))
    assert 'aria-current="page"' in on_all["Incidents"]
    assert 'aria-current="page"' not in on_all["My incidents"]


def test_the_categories_and_alerts_pages_are_marked_as_current(dsl, client_as):
    client = client_as(dsl)
    on_categories = nav_links(client.get(reverse("incidents:category-list")))
    assert 'aria-current="page"' in on_categories["Categories"]
    alerts_page = client.get(reverse("incidents:alert-list")).content.decode()
    alerts_link = re.search(r'<a class="[^"]*alerts-link"[^>]*>', alerts_page)
    assert alerts_link and 'aria-current="page"' in alerts_link.group(0)
    on_dashboard = client.get(reverse("dashboard")).content.decode()
    dashboard_link = re.search(r'<a class="[^"]*alerts-link"[^>]*>', on_dashboard)
    assert dashboard_link and 'aria-current="page"' not in dashboard_link.group(0)
    assert 'aria-current="page"' not in nav_links(client.get(reverse("dashboard")))["Categories"]


def test_staff_who_open_the_whole_school_list_are_sent_to_their_own(teacher, client_as):
    response = client_as(teacher).get(ALL_INCIDENTS)
    assert response.status_code == 302
    assert response["Location"] == MY_INCIDENTS


def test_a_midday_supervisor_finds_her_own_incident_after_recording_it(
    midday, client_as, membership_of
):
    incident = record_test_incident(membership_of(midday))
    response = client_as(midday).get(MY_INCIDENTS)
    assert shown(response) == [incident]
    assert "You recorded it" in response.content.decode()


def test_my_incidents_shows_those_alerted_to_me_labelled_so(teacher, slt, client_as, membership_of):
    mine = record_test_incident(membership_of(teacher))
    told = record_test_incident(membership_of(slt), people=[membership_of(teacher)])
    record_test_incident(membership_of(slt))  # neither mine nor alerted to me
    response = client_as(teacher).get(MY_INCIDENTS)
    assert shown(response) == [told, mine]
    html = response.content.decode()
    assert html.count("You recorded it") == 1
    assert html.count("Alerted to you") == 1


def test_a_leads_my_incidents_holds_only_theirs_not_the_whole_school(
    dsl, teacher, slt, client_as, membership_of, school
):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    theirs = record_test_incident(membership_of(dsl))
    record_test_incident(membership_of(teacher), categories=[behaviour])  # the DSL isn't told
    alerted = record_test_incident(membership_of(slt), people=[membership_of(dsl)])
    response = client_as(dsl).get(MY_INCIDENTS)
    assert set(shown(response)) == {theirs, alerted}


def test_my_incidents_pages_through_both_kinds_in_one_order_each_once(
    teacher, slt, client_as, membership_of, monkeypatch
):
    """The page's ids come from my own incidents and my alerts, merged newest first; an
    incident I recorded and was also alerted to (an action on it) shows once."""
    from safeguard.incidents.views import incidents as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    me, them = membership_of(teacher), membership_of(slt)
    made = []
    for n in range(5):
        if n % 2:
            made.append(record_test_incident(them, people=[me]))
        else:
            made.append(record_test_incident(me, people=[them]))
    # An action by SLT on my first incident alerts me about my own incident too.
    add_test_action(them, made[0], text="Seen.", people=[me], is_shared_with_alerted=True)
    newest_first = sorted(made, key=lambda i: (i.recorded_at, i.pk), reverse=True)
    client = client_as(teacher)
    pages = [client.get(MY_INCIDENTS)]
    while b">Older</a>" in pages[-1].content:
        edge = pages[-1].context["page"].object_list[-1]
        pages.append(client.get(MY_INCIDENTS, {"after": incident_key(edge.pk)}))
    assert [i for page in pages for i in shown(page)] == newest_first
    assert [len(shown(page)) for page in pages] == [2, 2, 1]
    assert b"5 incidents" in pages[0].content
    back = client.get(MY_INCIDENTS, {"before": incident_key(newest_first[4].pk)})
    assert shown(back) == newest_first[2:4]


def test_my_incidents_filters_to_recorded_or_alerted(teacher, slt, client_as, membership_of):
    mine = record_test_incident(membership_of(teacher))
    told = record_test_incident(membership_of(slt), people=[membership_of(teacher)])
    client = client_as(teacher)
    assert shown(client.get(MY_INCIDENTS, {"show": "recorded"})) == [mine]
    assert shown(client.get(MY_INCIDENTS, {"show": "alerted"})) == [told]
    assert len(shown(client.get(MY_INCIDENTS, {"show": "nonsense"}))) == 2


@pytest.fixture
def three(teacher, slt, membership_of, school):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    year3 = record_test_incident(
        membership_of(teacher),
        pupil=PupilFactory(school=school, year_group="3"),
        categories=[behaviour],
    )
    year5 = record_test_incident(
        membership_of(slt), pupil=PupilFactory(school=school, year_group="5")
    )
    withdrawn = record_test_incident(
        membership_of(teacher), pupil=PupilFactory(school=school, year_group="5")
    )
    IncidentReview.objects.for_school(school).filter(incident=withdrawn).update(is_withdrawn=True)
    IncidentReview.objects.for_school(school).filter(incident=year5).update(status="monitoring")
    return {"year3": year3, "year5": year5, "withdrawn": withdrawn, "behaviour": behaviour}


def test_leads_filter_incidents_by_status_withdrawn_apart(dsl, client_as, three):
    client = client_as(dsl)
    assert shown(client.get(ALL_INCIDENTS, {"status": "new"})) == [three["year3"]]
    assert shown(client.get(ALL_INCIDENTS, {"status": "monitoring"})) == [three["year5"]]
    assert shown(client.get(ALL_INCIDENTS, {"status": "withdrawn"})) == [three["withdrawn"]]


def test_leads_filter_incidents_by_category(dsl, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"category": three["behaviour"].pk})
    assert shown(response) == [three["year3"]]


def test_leads_filter_incidents_by_year_group(dsl, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"year": "5"})
    assert set(shown(response)) == {three["year5"], three["withdrawn"]}


def test_leads_filter_incidents_by_who_recorded_them(dsl, slt, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"recorded_by": slt.pk})
    assert shown(response) == [three["year5"]]


def test_leads_filter_incidents_by_the_date_recorded(dsl, teacher, client_as, membership_of, three):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        old = record_test_incident(membership_of(teacher))
    client = client_as(dsl)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    recent = shown(client.get(ALL_INCIDENTS, {"recorded_from": since}))
    assert old not in recent and three["year5"] in recent
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert shown(client.get(ALL_INCIDENTS, {"recorded_to": until})) == [old]


def test_a_bad_filter_is_explained_and_the_others_still_apply(dsl, client_as, three):
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"status": "monitoring", "recorded_from": "2026-02-30", "category": "x"}
    )
    assert response.status_code == 200
    assert shown(response) == [three["year5"]]
    html = response.content.decode()
    assert "Enter a real date" in html
    assert "Choose a category from the list" in html


def test_the_from_date_after_the_to_date_is_explained(dsl, client_as, three):
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"recorded_from": "2026-03-10", "recorded_to": "2026-03-01"}
    )
    assert "The “from” date is after the “to” date" in response.content.decode()


def test_another_schools_category_or_person_is_not_a_filter(
    dsl, dsl_other_school, client_as, three, other_school
):
    theirs = Category.objects.for_school(other_school).first()
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"category": theirs.pk, "recorded_by": dsl_other_school.pk}
    )
    assert len(shown(response)) == 3
    html = response.content.decode()
    assert "Choose a category from the list" in html
    assert "Choose someone from the list" in html


def test_the_pages_keep_the_filters(dsl, teacher, client_as, membership_of):
    for _ in range(51):
        record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(ALL_INCIDENTS, {"status": "new", "recorded_by": teacher.pk})
    assert len(shown(response)) == 50
    html = response.content.decode()
    oldest_shown = shown(response)[-1]
    assert (
        f"?status=new&amp;recorded_by={teacher.pk}&amp;after={incident_key(oldest_shown.pk)}"
        in html
    )


def test_the_filters_carry_no_names_in_the_address(dsl, client_as, three):
    html = client_as(dsl).get(ALL_INCIDENTS).content.decode()
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    names = set(re.findall(r'name="([^"]+)"', form))
    assert names == {"status", "category", "year", "recorded_by", "recorded_from", "recorded_to"}


def test_non_leads_cannot_filter_my_incidents_by_status_to_learn_the_review(
    teacher, client_as, membership_of, school
):
    mine = record_test_incident(membership_of(teacher))
    IncidentReview.objects.for_school(school).filter(incident=mine).update(status="closed")
    response = client_as(teacher).get(MY_INCIDENTS, {"status": "new"})
    assert shown(response) == [mine]


@pytest.fixture
def incident(teacher, membership_of):
    return record_test_incident(
        membership_of(teacher),
        text="Sally said <b>her uncle</b> hurt her arm.",
        location="Playground",
        marks=[Mark(side="front", x=300, y=400, mark_type="bruise", note="Size of a coin")],
    )


def print_url(incident) -> str:
    return reverse("incidents:incident-print", args=[incident.pk])


def test_the_author_prints_the_whole_incident(client_as, teacher, incident):
    response = client_as(teacher).get(print_url(incident))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sally said &lt;b&gt;her uncle&lt;/b&gt; hurt her arm." in html
    assert "Playground" in html
    assert "Confidential: safeguarding record. Printed by" in html


def test_printing_is_audited(client_as, dsl, incident):
    client_as(dsl).get(print_url(incident))
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_PRINTED)
    assert (event.actor, event.target_id) == (dsl, str(incident.pk))
    assert event.detail == {"pupil": incident.pupil_id}


def test_staff_who_may_not_see_the_incident_cannot_print_it(client_as, midday, incident):
    assert client_as(midday).get(print_url(incident)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.INCIDENT_PRINTED).exists()


def test_a_governor_cannot_print_an_incident(client_as, governor, incident):
    assert client_as(governor).get(print_url(incident)).status_code == 403


def test_another_schools_dsl_cannot_print_the_incident(client_as, dsl_other_school, incident):
    assert client_as(dsl_other_school).get(print_url(incident)).status_code == 404


def test_the_print_view_lists_actions_and_files(client_as, dsl, incident):
    html = client_as(dsl).get(print_url(incident)).content.decode()
    assert "No actions recorded yet." in html
    assert "No files were attached." in html


BRUISE = Mark(side="front", x=500, y=260, mark_type="bruise", colour="purple", size="2 cm")


CUT = Mark(side="back", x=252, y=625, mark_type="cut", shape="a straight line")


def markers(html: str, side: str) -> list[tuple[str, str, str]]:
    """(number, x, y) of each numbered marker drawn on one side's outline."""
    svg = re.search(rf"<svg[^>]*>\s*<title>Body map, {side}</title>.*?</svg>", html, re.S)
    assert svg, f"no {side} outline"
    found = re.findall(r'<text x="(\d+)" y="(\d+)"[^>]*>(\d+)</text>', svg.group(0))
    return [(number, x, y) for x, y, number in found]


def open_incident(client, incident) -> str:
    response = client.get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_incident_shows_each_mark_numbered_on_its_side_of_the_body(
    client_as, teacher, membership_of
):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    html = open_incident(client_as(teacher), incident)
    assert markers(html, "front") == [("1", "500", "260")]
    assert markers(html, "back") == [("2", "252", "625")]


def test_incident_lists_the_marks_in_a_table_as_the_drawings_equivalent(
    client_as, teacher, membership_of
):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    html = open_incident(client_as(teacher), incident)
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("bodymap__table")[1], re.S)
    cells = [re.findall(r'<td data-label="[^"]+">(.*?)</td>', row, re.S) for row in rows[1:]]
    assert cells == [
        ["<strong>1</strong>", "Front", "Upper chest", "Bruise", "purple", "—", "2 cm", "—"],
        [
            "<strong>2</strong>",
            "Back",
            "Back of the left hand",
            "Cut",
            "—",
            "a straight line",
            "—",
            "—",
        ],
    ]


def test_marks_text_is_shown_as_text_not_markup(client_as, teacher, membership_of):
    script = Mark(
        side="front", x=500, y=500, mark_type="other",
        colour="<b>red</b>", shape='"><svg onload=alert(1)>', size="<i>", note="<script>alert(1)</script>",
    )  # fmt: skip
    incident = record_test_incident(membership_of(teacher), marks=[script])
    html = open_incident(client_as(teacher), incident)
    assert "<script>alert(1)" not in html
    assert "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;red&lt;/b&gt;" in html


def test_an_incident_without_marks_shows_no_body_map(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    html = open_incident(client_as(teacher), incident)
    assert "Body map, front" not in html


def test_the_print_view_shows_the_body_map(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE])
    response = client_as(teacher).get(reverse("incidents:incident-print", args=[incident.pk]))
    html = response.content.decode()
    assert markers(html, "front") == [("1", "500", "260")]
    assert "Upper chest" in html


def test_the_drawing_needs_nothing_from_outside_the_page_to_make_a_pdf(teacher, membership_of):
    import weasyprint

    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    marks = BodyMapMark.objects.for_school(incident.school).filter(incident=incident)
    html = render_to_string("incidents/includes/body_map_display.html", {"marks": marks})
    fetched = []

    def refuse(url, *args, **kwargs):
        fetched.append(url)
        raise ValueError("the body map must not fetch anything")

    document = weasyprint.HTML(string=f"<html><body>{html}</body></html>", url_fetcher=refuse)
    pdf = document.write_pdf()
    assert fetched == []
    assert pdf.startswith(b"%PDF")

"""`{% url %}` remembers what it reversed, and never gives an address that is out of date."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from safeguard.incidents.links import incident_key


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_tag_gives_what_reverse_gives():
    assert render("{% url 'incidents:incident-detail' 42 %}") == reverse(
        "incidents:incident-detail", args=[42]
    )
    assert render("{% url 'pupils:pupil-detail' pupil_id=7 %}") == "/pupils/7/"
    assert render("{% url 'incidents:incident-detail' 42 as link %}[{{ link }}]") == (
        f"[/incidents/{incident_key(42)}/]"
    )


def test_each_argument_gets_its_own_address():
    links = render(
        "{% for n in ids %}{% url 'incidents:incident-detail' n %} {% endfor %}", ids=[1, 2, 1]
    )
    first, second, again = links.split()
    assert first != second and first == again


def test_a_new_secret_key_gives_new_addresses():
    before = render("{% url 'incidents:incident-detail' 42 %}")
    with override_settings(SECRET_KEY="another secret key that is long enough to be used" * 2):
        after = render("{% url 'incidents:incident-detail' 42 %}")
    assert after != before
    assert render("{% url 'incidents:incident-detail' 42 %}") == before


def test_the_script_prefix_is_part_of_the_address():
    plain = render("{% url 'pupils:pupil-list' %}")
    set_script_prefix("/safeguard/")
    try:
        assert render("{% url 'pupils:pupil-list' %}") == "/safeguard" + plain
    finally:
        set_script_prefix("/")
    assert render("{% url 'pupils:pupil-list' %}") == plain


def test_a_wrong_name_still_fails_and_as_var_still_swallows_it():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' 1 %}")
    assert render("{% url 'no-such-page' 1 as link %}[{{ link }}]") == "[]"


@pytest.mark.django_db
def test_a_record_given_itself_is_reversed_as_before(school, dsl, membership_of):
    from safeguard.incidents.tests.factories import record_test_incident

    incident = record_test_incident(membership_of(dsl))
    assert render("{% url 'incidents:incident-detail' incident %}", incident=incident) == (
        f"/incidents/{incident_key(incident.pk)}/"
    )

"""The school's decision options: added, renamed, retired and reordered, each audited."""

import pytest
from django.core.exceptions import ValidationError

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.selectors import decision_options_of, decision_options_offered
from safeguard.casework.services import decisions
from safeguard.casework.tests.factories import decision

pytestmark = pytest.mark.django_db


def names(school) -> list[str]:
    return list(decision_options_of(school).values_list("name", flat=True))


def test_an_option_is_added_at_the_end_and_audited(dsl, school):
    option = decisions.add_decision_option(actor=dsl, school=school, name="  Strategy meeting ")
    assert names(school)[-1] == "Strategy meeting"
    assert AuditEvent.objects.get(action=AuditAction.DECISION_OPTION_CREATED).target_id == str(
        option.pk
    )


def test_a_name_the_school_has_in_any_case_is_refused(dsl, school):
    with pytest.raises(ValidationError):
        decisions.add_decision_option(actor=dsl, school=school, name="EARLY HELP")


def test_another_school_may_use_the_same_name(dsl_other_school, other_school, school):
    decisions.add_decision_option(actor=dsl_other_school, school=other_school, name="Gangs panel")
    assert "Gangs panel" not in names(school)


def test_renaming_to_the_same_name_changes_nothing(dsl, school):
    assert not decisions.rename_decision_option(
        actor=dsl, option=decision(school, "Monitor"), name="Monitor"
    )
    assert not AuditEvent.objects.filter(action=AuditAction.DECISION_OPTION_UPDATED).exists()


def test_a_retired_option_is_kept_but_not_offered(dsl, school):
    option = decision(school, "Other")
    assert decisions.set_decision_option_retired(actor=dsl, option=option, is_retired=True)
    assert not decisions.set_decision_option_retired(actor=dsl, option=option, is_retired=True)
    assert "Other" in names(school)
    assert option not in decision_options_offered(school)


def test_moving_swaps_neighbours_and_stops_at_the_ends(dsl, school):
    first = decision(school, "No further action")
    assert not decisions.move_decision_option(actor=dsl, option=first, direction="up")
    assert decisions.move_decision_option(actor=dsl, option=first, direction="down")
    assert names(school)[:2] == ["Monitor", "No further action"]
    last = decision(school, "Other")
    assert not decisions.move_decision_option(actor=dsl, option=last, direction="down")

import pytest

from safeguard.lib.text import (
    BIDI_CONTROLS,
    NAME_DIRECTION_MESSAGE,
    direction_control_problem,
    reveal_direction_controls,
    single_line_problem,
)


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_a_name_with_a_direction_control_gets_the_specific_message(char):
    assert single_line_problem(f"Sam{char}", max_length=100) == NAME_DIRECTION_MESSAGE


def test_a_line_break_in_a_name_keeps_its_own_message():
    assert single_line_problem("Sam\nJones", max_length=100) == (
        "This contains control characters that aren't allowed."
    )


def test_revealed_text_reads_in_the_order_it_was_typed():
    assert reveal_direction_controls("abc\u202edef\u202c") == "abc[U+202E]def[U+202C]"


def test_text_without_controls_is_shown_unchanged():
    text = "שלום Sam, café \u200d👩‍👧"
    assert reveal_direction_controls(text) == text


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_a_description_with_a_direction_control_gets_the_specific_message(char):
    assert direction_control_problem(f"For\n{char}SEND", noun="Descriptions") == (
        "Descriptions cannot contain invisible direction-control characters."
    )


def test_a_description_may_run_over_several_lines():
    assert (
        direction_control_problem("Year 6 staff.\nAlert them first.", noun="Descriptions") is None
    )


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
def test_a_line_or_paragraph_separator_in_a_name_is_refused(char):
    assert single_line_problem(f"Ann{char}Smith", max_length=100) == (
        "Keep this to one line: it contains a line or paragraph separator."
    )


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u180e"])
def test_an_invisible_format_character_in_a_name_is_refused(char):
    problem = single_line_problem(f"Ann{char}a", max_length=100)
    assert problem is not None and "invisible characters" in problem


@pytest.mark.parametrize("name", ["مهرآسا\u200cی", "Ravi\u200d", "Zoë", "Nguyễn", "O'Brien-Smith"])
def test_names_that_need_a_joiner_or_accents_are_accepted(name):
    assert single_line_problem(name, max_length=100) is None


@pytest.mark.parametrize("name", ["\u3164", "\u3164\u3164 ", "\u2800", "\uffa0\u115f"])
def test_a_name_that_shows_as_blank_is_refused(name):
    assert single_line_problem(name, max_length=100) == (
        "This shows as blank: type at least one visible letter or number."
    )

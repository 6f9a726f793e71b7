"""Working days skip weekends, England's bank holidays and the school's own closures."""

import datetime

import pytest

from safeguard.lib.working_days import Calendar, bank_holidays_in, closed_days

D = datetime.date
PLAIN = Calendar()


def test_one_working_day_after_a_friday_is_the_monday():
    assert PLAIN.add(D(2026, 11, 20), 1) == D(2026, 11, 23)


def test_easter_skips_good_friday_and_easter_monday():
    # Maundy Thursday 2 April 2026: Good Friday 3rd, Easter Monday 6th.
    assert PLAIN.add(D(2026, 4, 2), 1) == D(2026, 4, 7)
    assert PLAIN.count(D(2026, 4, 2), D(2026, 4, 7)) == 1


def test_christmas_skips_the_substitute_boxing_day():
    # 2026: Christmas on a Friday, Boxing Day on the Saturday, its substitute on Monday 28th.
    assert D(2026, 12, 28) in bank_holidays_in(2026)
    assert PLAIN.add(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_new_year_follows_on_from_christmas():
    # Thursday 31 December 2026 to Friday 1 January 2027 (a bank holiday) to Monday 4th.
    assert PLAIN.add(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_a_school_closure_week_is_skipped():
    half_term = Calendar(closed_days([(D(2026, 10, 26), D(2026, 10, 30))]))
    assert half_term.add(D(2026, 10, 23), 1) == D(2026, 11, 2)
    assert half_term.count(D(2026, 10, 23), D(2026, 11, 2)) == 1
    assert PLAIN.count(D(2026, 10, 23), D(2026, 11, 2)) == 6


def test_fifteen_working_days_over_easter():
    # From Wednesday 25 March 2026: 3 weeks of weekdays, less Good Friday and Easter Monday.
    assert PLAIN.add(D(2026, 3, 25), 15) == D(2026, 4, 17)


def test_counting_back_for_a_report_due_before_a_conference():
    # Two working days before Tuesday 7 April 2026 (after Easter) is Wednesday 1 April.
    assert PLAIN.add(D(2026, 4, 7), -2) == D(2026, 4, 1)


@pytest.mark.parametrize("days", [0, 1, 2, 7, 15, 40])
def test_count_undoes_add(days):
    start = D(2026, 12, 18)
    assert PLAIN.count(start, PLAIN.add(start, days)) == days


def test_a_weekend_start_counts_from_the_next_working_day():
    assert PLAIN.add(D(2026, 11, 21), 1) == D(2026, 11, 23)  # a Saturday


def test_a_clock_out_of_range_is_refused():
    with pytest.raises(ValueError):
        PLAIN.add(D(2026, 1, 1), 100_000)

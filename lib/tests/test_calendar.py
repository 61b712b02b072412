import datetime as dt

import pytest

from lib.calendar import add_working_days, is_bank_holiday, is_working_day

D = dt.date


def test_england_bank_holidays_2025():
    for day in [
        D(2025, 1, 1),
        D(2025, 4, 18),
        D(2025, 4, 21),
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 8, 25),
        D(2025, 12, 25),
        D(2025, 12, 26),
    ]:
        assert is_bank_holiday(day), day
    # St Andrew's Day and 12 July are Scottish / Northern Irish holidays, not England and Wales ones.
    assert not is_bank_holiday(D(2025, 12, 1))
    assert not is_bank_holiday(D(2025, 7, 14))
    assert not is_bank_holiday(D(2025, 8, 4))  # Scotland's summer holiday


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(D(2025, 1, 6))  # Monday
    assert not is_working_day(D(2025, 1, 4))  # Saturday
    assert not is_working_day(D(2025, 1, 5))  # Sunday
    assert not is_working_day(D(2025, 5, 26))  # Spring bank holiday


def test_three_working_days_excluding_the_trigger_day():
    # Told on Thursday 17 April 2025: Good Friday and Easter Monday are skipped.
    assert add_working_days(D(2025, 4, 17), 3) == D(2025, 4, 24)
    assert add_working_days(D(2025, 1, 6), 3) == D(2025, 1, 9)
    assert add_working_days(D(2025, 1, 6), 0) == D(2025, 1, 6)


def test_christmas_crossing():
    # Tuesday 23 Dec 2025 + 3 working days: 24 Dec, (25, 26 bank holidays, 27-28 weekend) 29, 30 Dec.
    assert add_working_days(D(2025, 12, 23), 3) == D(2025, 12, 30)


def test_fifteen_working_days_beginning_with_the_day_of_awareness_reg_15_2():
    # Aware on Monday 6 Jan 2025 (day 1): the 15th working day is Friday 24 Jan 2025.
    assert add_working_days(D(2025, 1, 6), 15, inclusive=True) == D(2025, 1, 24)
    # Aware on a Saturday: day 1 is the Monday.
    assert add_working_days(D(2025, 1, 4), 1, inclusive=True) == D(2025, 1, 6)
    # Aware on Thu 22 May 2025; Spring bank holiday Mon 26 May is skipped: day 15 is Thu 12 June.
    assert add_working_days(D(2025, 5, 22), 15, inclusive=True) == D(2025, 6, 12)


def test_invalid_counts():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 6), -1)
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 6), 0, inclusive=True)

import datetime as dt

import pytest

from lib.phases import (
    Phase,
    age_on,
    csa_end,
    csa_start,
    is_young_person,
    national_curriculum_year,
    pfa_required,
    phase,
)

D = dt.date


@pytest.mark.parametrize(
    ("dob", "start"),
    [
        (D(2015, 3, 31), D(2020, 3, 31)),  # 5th birthday on a prescribed day
        (D(2015, 4, 1), D(2020, 8, 31)),
        (D(2015, 9, 1), D(2020, 12, 31)),
        (D(2015, 12, 31), D(2020, 12, 31)),
        (D(2016, 1, 1), D(2021, 3, 31)),
        (D(2016, 2, 29), D(2021, 3, 31)),  # leap-day birthday: 5th birthday is 1 March 2021
    ],
)
def test_compulsory_school_age_starts_on_a_prescribed_day(dob, start):
    assert csa_start(dob) == start


@pytest.mark.parametrize(
    ("dob", "leaving"),
    [
        (D(2010, 3, 15), D(2026, 6, 26)),  # turns 16 in March 2026
        (D(2009, 10, 15), D(2026, 6, 26)),  # turns 16 in Oct 2025, same school year
        (D(2010, 8, 31), D(2026, 6, 26)),  # 16 by the start of the next school year
        (D(2010, 9, 1), D(2027, 6, 25)),  # the next cohort
    ],
)
def test_school_leaving_date_is_last_friday_in_june(dob, leaving):
    assert csa_end(dob) == leaving
    assert leaving.weekday() == 4


@pytest.mark.parametrize(
    ("dob", "on", "ncy"),
    [
        (D(2015, 3, 15), D(2019, 9, 2), 0),  # Reception
        (D(2014, 10, 15), D(2019, 9, 2), 0),  # autumn-born, same cohort
        (D(2015, 8, 31), D(2019, 9, 2), 0),  # youngest in the year
        (D(2015, 9, 1), D(2019, 9, 2), -1),  # oldest in the next year: nursery
        (D(2015, 3, 15), D(2020, 8, 31), 0),  # still Reception on 31 August
        (D(2015, 3, 15), D(2020, 9, 1), 1),
        (D(2012, 1, 10), D(2025, 11, 23), 9),
    ],
)
def test_national_curriculum_year(dob, on, ncy):
    assert national_curriculum_year(dob, on) == ncy


def test_phases_through_childhood():
    dob = D(2012, 1, 10)  # cohort 2012: Reception 2016-17, Year 9 2025-26, leaves June 2028
    assert phase(dob, D(2016, 9, 5)) == Phase.EARLY_YEARS  # in Reception but not yet of CSA
    assert phase(dob, D(2017, 3, 31)) == Phase.SCHOOL_AGE  # first prescribed day after 5th birthday
    assert phase(dob, D(2025, 8, 31)) == Phase.SCHOOL_AGE  # end of Year 8
    assert phase(dob, D(2025, 9, 1)) == Phase.PREPARING_FOR_ADULTHOOD  # Year 9
    assert phase(dob, D(2028, 6, 30)) == Phase.PREPARING_FOR_ADULTHOOD  # leaving date, Fri 30 June 2028
    assert phase(dob, D(2028, 7, 1)) == Phase.POST_16
    assert pfa_required(dob, D(2030, 1, 1))


def test_young_person_from_the_day_after_the_school_leaving_date():
    dob = D(2010, 3, 15)
    assert not is_young_person(dob, D(2026, 6, 26))
    assert is_young_person(dob, D(2026, 6, 27))
    assert not is_young_person(dob, D(2035, 3, 15))  # 25


def test_age_on():
    assert age_on(D(2010, 3, 15), D(2026, 3, 14)) == 15
    assert age_on(D(2010, 3, 15), D(2026, 3, 15)) == 16

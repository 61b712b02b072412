"""Age-derived phases for children and young people (statutory.md section 8).

Everything is computed from the date of birth and a date ("on"), never stored, so it is always right.

- Compulsory school age (CSA) starts on the 5th birthday if that is a prescribed day (31 December,
  31 March, 31 August), otherwise on the next prescribed day (Education Act 1996 s8(2)).
- CSA ends on the school leaving date, the last Friday in June of the school year in which the child
  turns 16 (s8(3)). From the next day they are a young person (CFA 2014 s83(2)) until 25.
- The national curriculum year counts school years (1 September to 31 August) with the 31 August
  cut-off: Reception is the school year in which the child turns 5.
- Preparing for adulthood is required from Year 9 (SEND Regs reg 6(1)(g); regs 20(6)/21(6)).
"""

from __future__ import annotations

import datetime as dt
import enum

__all__ = [
    "Phase",
    "age_on",
    "csa_end",
    "csa_start",
    "is_young_person",
    "national_curriculum_year",
    "pfa_required",
    "phase",
]

PFA_FROM_YEAR = 9


class Phase(enum.StrEnum):
    EARLY_YEARS = "early_years"
    SCHOOL_AGE = "school_age"
    PREPARING_FOR_ADULTHOOD = "preparing_for_adulthood"  # school age, Year 9 and above
    POST_16 = "post_16"  # over compulsory school age: a young person

    @property
    def label(self) -> str:
        return {
            "early_years": "Early years",
            "school_age": "School age",
            "preparing_for_adulthood": "School age: preparing for adulthood (Year 9 and above)",
            "post_16": "Post-16 (young person)",
        }[self.value]


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in whole years (a 29 February birthday counts from 1 March in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def _birthday(date_of_birth: dt.date, years: int) -> dt.date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:  # 29 February in a year that has none
        return dt.date(date_of_birth.year + years, 3, 1)


def csa_start(date_of_birth: dt.date) -> dt.date:
    """The first day of compulsory school age: the 5th birthday if it is 31 Dec, 31 Mar or 31 Aug,
    otherwise the next of those days (Education Act 1996 s8(2))."""
    fifth = _birthday(date_of_birth, 5)
    candidates = [
        dt.date(fifth.year, 3, 31),
        dt.date(fifth.year, 8, 31),
        dt.date(fifth.year, 12, 31),
        dt.date(fifth.year + 1, 3, 31),
    ]
    return next(day for day in candidates if day >= fifth)


def _cohort_year(date_of_birth: dt.date) -> int:
    """The calendar year in which the child's school-year cohort's birthdays end (31 August cut-off)."""
    return date_of_birth.year if date_of_birth.month <= 8 else date_of_birth.year + 1


def _last_friday_in_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def csa_end(date_of_birth: dt.date) -> dt.date:
    """The school leaving date: the last Friday in June of the school year in which the child turns 16
    (Education Act 1996 s8(3)). The child is of compulsory school age until the end of this day."""
    return _last_friday_in_june(_cohort_year(date_of_birth) + 16)


def national_curriculum_year(date_of_birth: dt.date, on: dt.date) -> int:
    """National curriculum year on a date: 0 is Reception, 1 to 13 are Years 1 to 13; negative numbers
    are the years before Reception (-1 is the nursery year). Continues counting after Year 13."""
    school_year_start = on.year if on.month >= 9 else on.year - 1
    # Reception (0) is the school year starting in the September after the cohort year minus 1:
    # born Mar 2015 (cohort 2015) -> Reception in the school year starting Sep 2019.
    return school_year_start - _cohort_year(date_of_birth) - 4


def is_young_person(date_of_birth: dt.date, on: dt.date) -> bool:
    """Over compulsory school age and under 25 (CFA 2014 s83(2)): decides requests and consent."""
    return on > csa_end(date_of_birth) and age_on(date_of_birth, on) < 25


def pfa_required(date_of_birth: dt.date, on: dt.date) -> bool:
    """Preparation for adulthood must be covered from Year 9 (reg 6(1)(g), regs 20(6) and 21(6))."""
    return national_curriculum_year(date_of_birth, on) >= PFA_FROM_YEAR


def phase(date_of_birth: dt.date, on: dt.date) -> Phase:
    """The child's phase on `on`: early years before CSA; school age; preparing for adulthood from
    Year 9 while still of school age; post-16 from the end of CSA."""
    if on < csa_start(date_of_birth):
        return Phase.EARLY_YEARS
    if on > csa_end(date_of_birth):
        return Phase.POST_16
    if pfa_required(date_of_birth, on):
        return Phase.PREPARING_FOR_ADULTHOOD
    return Phase.SCHOOL_AGE

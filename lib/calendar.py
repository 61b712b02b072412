"""The working-day calendar for England (and Wales): weekends and bank holidays.

Bank holidays come from the maintained `holidays` package (subdivision "ENG", which covers England and
Wales), never from a hard-coded list (statutory.md 1.4). Used only where a rule counts *working* days,
for example reg 15(2) plan transfers (15 working days) and mediation certificates (3 working days):
the SEND Regs' "weeks" are calendar weeks and ignore bank holidays.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

__all__ = ["add_working_days", "bank_holidays", "is_bank_holiday", "is_working_day"]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays (including Christmas Day and Good Friday) in `year`."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: dt.date, n: int, *, inclusive: bool = False) -> dt.date:
    """The n-th working day counted from `start`.

    inclusive=False ("within 3 working days of X", statutory.md 1.2(4)): the start day is not counted;
    the result is the n-th working day after it. n=0 gives `start` itself.
    inclusive=True ("within 15 working days beginning with the day on which...", reg 15(2)): the start
    day is day 1 if it is a working day; otherwise day 1 is the next working day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if inclusive:
        if n == 0:
            raise ValueError("an inclusive count starts at day 1")
        day = start
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        remaining = n - 1
    else:
        day = start
        remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day

"""Response targets counted in working days (England and Wales: weekends and bank holidays from the
maintained `holidays` package, through lib.calendar), for any kind of case.

A target is a local choice (an enquiry acknowledged within 3 working days, a section 23 notification
acknowledged within 10), not a statutory week count: statutory weeks are lib.clocks. As with statutory
dates, a case stores its due date when its starting event is recorded, so lists sort and filter in SQL.
"""

from __future__ import annotations

import datetime as dt

from lib.calendar import add_working_days, is_working_day


def due_after(start: dt.date, working_days: int) -> dt.date:
    """ "Within N working days of `start`": the start day is not counted (statutory.md 1.2(4))."""
    return add_working_days(start, working_days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`):
    the time a case took, counted the way its target is."""
    days = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def within_target(*, due_on: dt.date, done_on: dt.date) -> bool:
    return done_on <= due_on


def working_days_overdue(due_on: dt.date, today: dt.date) -> int:
    """How many working days past its target an open case is (0 when not overdue)."""
    return working_days_between(due_on, today) if today > due_on else 0

"""Statutory clocks for EHC needs assessments and health advice (SEND Regulations 2014, SI 2014/1530).

Pure date arithmetic: no Django, no database. Every rule cites its regulation; the worked examples in
lib/tests/test_clocks.py come from statutory.md sections 1 to 3.

Counting (statutory.md 1.2): "within N weeks of [event]" excludes the event day, so the deadline is
event + 7N days and the act is on time on or before that day. Weeks are calendar weeks: bank holidays
and school holidays are counted and never extend a deadline (1.3).

Exceptions (reg 8(2) for health bodies) never move a deadline: they are recorded beside it and
reported separately (2.3(c)). Nothing here changes a due date because an exception exists.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import enum
from dataclasses import dataclass

DAY = dt.timedelta(days=1)

# The number of weeks in each limit, named after the regulation that sets it.
HEALTH_ADVICE_WEEKS = 6  # reg 8(1)
DECISION_TO_ASSESS_WEEKS = 6  # regs 4(1) and 5(1)
NO_PLAN_NOTICE_WEEKS = 16  # reg 10(1)
FINAL_PLAN_WEEKS = 20  # reg 13(2)
ABSENCE_MINIMUM_DAYS = 28  # reg 8(2)(b): "a continuous period of not less than 4 weeks"
DEFAULT_AT_RISK_DAYS = 10  # local choice: the DCO is warned this many days before the deadline


# --- counting units (statutory.md 1.1, 1.4) -------------------------------------------------------


def add_weeks(event_date: dt.date, n: int) -> dt.date:
    """ "Within n weeks of [event]": the event day is not counted (statutory.md 1.2(1)).

    Used by regs 4(1), 5(1), 8(1), 10(1), 13(2) and every other week-based limit in the SEND Regs.
    """
    return event_date + dt.timedelta(weeks=n)


def add_days_inclusive(start: dt.date, n: int) -> dt.date:
    """The last day of "n days beginning with [start]": the start day is day 1.

    Reg 13(1)(a) and reg 22(2)(c): "at least 15 days, beginning with the day on which the draft plan
    was served". Draft served Thu 1 May 2025 -> last day Thu 15 May 2025.
    """
    if n < 1:
        raise ValueError("an inclusive count starts at day 1")
    return start + dt.timedelta(days=n - 1)


def add_months(start: dt.date, n: int) -> dt.date:
    """Calendar months by the corresponding-date rule (Dodds v Walker): the same day number in the
    later month, or that month's last day when it has no such day (31 Jan + 1 month -> 28/29 Feb).

    Used by CFA s44(1) (12 months), reg 15(5), reg 33 (2 months) and HESC rule 20.
    """
    month_index = start.month - 1 + n
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


# --- the limits --------------------------------------------------------------------------------


def health_advice_due(received_by_health: dt.date) -> dt.date:
    """SEND Regs 2014 reg 8(1): a health body must give the advice "within 6 weeks of the date on
    which they receive" the LA's request.

    The clock runs from the day *that body* receives the request, not the day the LA sent or logged
    it, so each provider team's assignment has its own date. Received Mon 6 Jan 2025 -> due Mon 17
    Feb 2025. A bank holiday on the due day does not extend it.
    """
    return add_weeks(received_by_health, HEALTH_ADVICE_WEEKS)


def decision_to_assess_due(clock_start: dt.date) -> dt.date:
    """SEND Regs 2014 regs 4(1) and 5(1): the LA decides whether to assess, and tells the parent or
    young person, within 6 weeks of receiving a s36(1) request or becoming responsible under s24.
    """
    return add_weeks(clock_start, DECISION_TO_ASSESS_WEEKS)


def no_plan_notice_due(clock_start: dt.date) -> dt.date:
    """SEND Regs 2014 reg 10(1): notice that the LA will not secure a plan, within 16 weeks of the
    clock start. Received Mon 6 Jan 2025 -> Mon 28 Apr 2025.
    """
    return add_weeks(clock_start, NO_PLAN_NOTICE_WEEKS)


def final_plan_due(clock_start: dt.date) -> dt.date:
    """SEND Regs 2014 reg 13(2): the final EHC plan within 20 weeks of the clock start.
    Received Mon 6 Jan 2025 -> Mon 26 May 2025 (a bank holiday, which does not extend it).
    """
    return add_weeks(clock_start, FINAL_PLAN_WEEKS)


@dataclass(frozen=True)
class AssessmentDates:
    """The LA's statutory dates for one EHC needs assessment, all from the same clock start."""

    decision_due: dt.date
    no_plan_notice_due: dt.date
    final_plan_due: dt.date


def assessment_dates(clock_start: dt.date) -> AssessmentDates:
    """The reg 4/5 (6 weeks), reg 10 (16 weeks) and reg 13 (20 weeks) dates from one clock start:
    the day the LA received the s36(1) request, or became responsible for the child under s24.
    """
    return AssessmentDates(
        decision_due=decision_to_assess_due(clock_start),
        no_plan_notice_due=no_plan_notice_due(clock_start),
        final_plan_due=final_plan_due(clock_start),
    )


# --- reg 8(2) exceptions ---------------------------------------------------------------------


class HealthException(enum.StrEnum):
    """The only reasons a health body may miss the 6-week limit (SEND Regs 2014 reg 8(2)).

    There is no school-holiday exception and no waiting-list exception for health.
    """

    EXCEPTIONAL_CIRCUMSTANCES = "exceptional_circumstances"  # reg 8(2)(a)
    ABSENCE = "absence"  # reg 8(2)(b): absent from the LA's area for 4 weeks or more
    MISSED_APPOINTMENT = "missed_appointment"  # reg 8(2)(c)

    @property
    def regulation(self) -> str:
        return {
            "exceptional_circumstances": "reg 8(2)(a)",
            "absence": "reg 8(2)(b)",
            "missed_appointment": "reg 8(2)(c)",
        }[self.value]


@dataclass(frozen=True)
class ExceptionCheck:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def advice_window(received_by_health: dt.date) -> tuple[dt.date, dt.date]:
    """The reg 8 "6-week period" as a closed date range: from the day of receipt to the due date."""
    return received_by_health, health_advice_due(received_by_health)


def check_health_exception(
    *,
    code: str,
    received_by_health: dt.date,
    start: dt.date,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> ExceptionCheck:
    """Whether a proposed reg 8(2) exception is allowed, with the reason when it is not.

    Each circumstance must arise *during the 6-week period* (reg 8(2)(a)-(c)):
    - exceptional circumstances (a): `start` inside the window; `end`, if given, not before `start`;
    - absence (b): `start` inside the window and at least 28 continuous days of absence inside it
      (`end` is required; an absence continuing past the due date counts only up to the due date);
    - missed appointment (c): the appointment date (`start`) inside the window.
    When `today` is given, no date may be in the future (an exception records what happened).
    Allowing an exception never changes the due date.
    """
    try:
        kind = HealthException(code)
    except ValueError:
        return ExceptionCheck(
            False, "This is not a reason reg 8(2) allows (no waiting-list or holiday exception)."
        )
    window_start, window_end = advice_window(received_by_health)
    window_text = f"{window_start:%-d %B %Y} to {window_end:%-d %B %Y}"
    if end is not None and end < start:
        return ExceptionCheck(False, "The end date must be the same as or after the start date.")
    if today is not None and (
        start > today or (end is not None and end > today and kind != HealthException.ABSENCE)
    ):
        return ExceptionCheck(
            False, "An exception records what has happened: its dates cannot be in the future."
        )
    if not window_start <= start <= window_end:
        what = "appointment" if kind == HealthException.MISSED_APPOINTMENT else "start"
        return ExceptionCheck(
            False,
            f"The {what} date must fall within the 6-week period ({window_text}), as {kind.regulation} requires.",
        )
    if kind == HealthException.ABSENCE:
        if end is None:
            return ExceptionCheck(False, "Give the date the absence ended (or is expected to end).")
        days_inside = (min(end, window_end) - start).days + 1
        if days_inside < ABSENCE_MINIMUM_DAYS:
            return ExceptionCheck(
                False,
                f"The absence must last at least 4 weeks (28 days) within the 6-week period ({window_text}); "
                f"it covers {days_inside} days of it.",
            )
    return ExceptionCheck(True)


# --- timeliness ------------------------------------------------------------------------------


class Timeliness(enum.StrEnum):
    """How a piece of advice stands against its reg 8 deadline, for reporting (KPI H1).

    Returned advice: on time, late, or late with a reg 8(2) exception (reported separately).
    Open requests: on track, at risk (due soon), overdue, or overdue with an exception.
    """

    ON_TIME = "on_time"
    LATE = "late"
    LATE_WITH_EXCEPTION = "late_with_exception"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    OVERDUE_WITH_EXCEPTION = "overdue_with_exception"


def returned_on_time(*, due: dt.date, returned_on: dt.date) -> bool:
    """On time means on or before the due date (statutory.md 1.2(1))."""
    return returned_on <= due


def is_at_risk(
    *, due: dt.date, today: dt.date, returned: bool = False, threshold_days: int = DEFAULT_AT_RISK_DAYS
) -> bool:
    """Not yet returned and due within `threshold_days` (today counts; an overdue request is overdue,
    not at risk)."""
    return not returned and today <= due <= today + dt.timedelta(days=threshold_days)


def timeliness(
    *,
    due: dt.date,
    today: dt.date,
    returned_on: dt.date | None = None,
    has_exception: bool = False,
    threshold_days: int = DEFAULT_AT_RISK_DAYS,
) -> Timeliness:
    """Classify advice against its deadline. An exception changes the label, never the due date."""
    if returned_on is not None:
        if returned_on_time(due=due, returned_on=returned_on):
            return Timeliness.ON_TIME
        return Timeliness.LATE_WITH_EXCEPTION if has_exception else Timeliness.LATE
    if today > due:
        return Timeliness.OVERDUE_WITH_EXCEPTION if has_exception else Timeliness.OVERDUE
    if is_at_risk(due=due, today=today, threshold_days=threshold_days):
        return Timeliness.AT_RISK
    return Timeliness.ON_TRACK


def days_to_return(*, received: dt.date, returned_on: dt.date) -> int:
    """Calendar days from receipt to return (KPI H2: median and 90th percentile)."""
    return (returned_on - received).days

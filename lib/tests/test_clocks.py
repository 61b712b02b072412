"""Worked examples from statutory.md sections 1 to 3 (the master table rows cited)."""

import datetime as dt

import pytest

from lib.clocks import (
    Timeliness,
    add_days_inclusive,
    add_months,
    add_weeks,
    assessment_dates,
    check_health_exception,
    days_to_return,
    decision_to_assess_due,
    final_plan_due,
    health_advice_due,
    is_at_risk,
    no_plan_notice_due,
    timeliness,
)

D = dt.date
MON_6_JAN = D(2025, 1, 6)


def test_add_weeks_excludes_the_event_day():
    assert add_weeks(MON_6_JAN, 6) == D(2025, 2, 17)
    assert add_weeks(MON_6_JAN, 0) == MON_6_JAN


def test_health_advice_due_six_weeks_from_receipt_by_the_health_body_T03():
    assert health_advice_due(MON_6_JAN) == D(2025, 2, 17)
    # Received on a Friday before Easter: Good Friday and Easter Monday do not extend it.
    assert health_advice_due(D(2025, 3, 14)) == D(2025, 4, 25)
    # Due on a bank holiday (Mon 26 May 2025): not extended to the next working day.
    assert health_advice_due(D(2025, 4, 14)) == D(2025, 5, 26)
    # Across the Christmas holidays: calendar weeks, no school-holiday exception for health.
    assert health_advice_due(D(2025, 12, 1)) == D(2026, 1, 12)


def test_la_limits_from_the_clock_start_T01_T04_T06():
    assert decision_to_assess_due(MON_6_JAN) == D(2025, 2, 17)
    assert no_plan_notice_due(MON_6_JAN) == D(2025, 4, 28)
    assert final_plan_due(MON_6_JAN) == D(2025, 5, 26)  # a bank holiday: not extended
    dates = assessment_dates(MON_6_JAN)
    assert (dates.decision_due, dates.no_plan_notice_due, dates.final_plan_due) == (
        D(2025, 2, 17),
        D(2025, 4, 28),
        D(2025, 5, 26),
    )


def test_leap_year():
    assert health_advice_due(D(2028, 1, 25)) == D(2028, 3, 7)


def test_days_beginning_with_T05():
    # Draft served Thu 1 May 2025: last day for representations Thu 15 May.
    assert add_days_inclusive(D(2025, 5, 1), 15) == D(2025, 5, 15)
    with pytest.raises(ValueError):
        add_days_inclusive(D(2025, 5, 1), 0)


@pytest.mark.parametrize(
    ("start", "months", "result"),
    [
        (D(2025, 1, 15), 2, D(2025, 3, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # no 31 Feb: last day of the month
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 3, 31), 12, D(2026, 3, 31)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_months_corresponding_date(start, months, result):
    assert add_months(start, months) == result


class TestReg8_2Exceptions:
    received = MON_6_JAN  # window 6 Jan to 17 Feb 2025

    def test_exceptional_circumstances_within_the_window(self):
        check = check_health_exception(
            code="exceptional_circumstances", received_by_health=self.received, start=D(2025, 2, 1)
        )
        assert check.allowed and check.reason == ""

    def test_exceptional_circumstances_before_the_window_refused(self):
        check = check_health_exception(
            code="exceptional_circumstances", received_by_health=self.received, start=D(2025, 1, 2)
        )
        assert not check
        assert "within the 6-week period (6 January 2025 to 17 February 2025)" in check.reason

    def test_missed_appointment_after_the_deadline_refused(self):
        check = check_health_exception(
            code="missed_appointment", received_by_health=self.received, start=D(2025, 2, 18)
        )
        assert not check and "appointment date" in check.reason

    def test_missed_appointment_on_the_due_day_allowed(self):
        assert check_health_exception(
            code="missed_appointment", received_by_health=self.received, start=D(2025, 2, 17)
        )

    def test_absence_of_exactly_28_days_within_the_window(self):
        assert check_health_exception(
            code="absence", received_by_health=self.received, start=D(2025, 1, 10), end=D(2025, 2, 6)
        )

    def test_absence_of_27_days_refused(self):
        check = check_health_exception(
            code="absence", received_by_health=self.received, start=D(2025, 1, 10), end=D(2025, 2, 5)
        )
        assert not check and "27 days" in check.reason

    def test_absence_running_past_the_deadline_counts_only_inside_it(self):
        # 1 Feb to 31 Mar is long, but only 17 days of it fall inside the window.
        check = check_health_exception(
            code="absence", received_by_health=self.received, start=D(2025, 2, 1), end=D(2025, 3, 31)
        )
        assert not check and "17 days" in check.reason

    def test_absence_needs_an_end_date(self):
        assert not check_health_exception(
            code="absence", received_by_health=self.received, start=D(2025, 1, 10)
        )

    def test_no_waiting_list_exception(self):
        check = check_health_exception(
            code="waiting_list", received_by_health=self.received, start=D(2025, 1, 10)
        )
        assert not check and "waiting-list" in check.reason

    def test_end_before_start_refused(self):
        assert not check_health_exception(
            code="exceptional_circumstances",
            received_by_health=self.received,
            start=D(2025, 1, 20),
            end=D(2025, 1, 10),
        )

    def test_future_dates_refused(self):
        check = check_health_exception(
            code="missed_appointment",
            received_by_health=self.received,
            start=D(2025, 2, 10),
            today=D(2025, 2, 1),
        )
        assert not check and "future" in check.reason

    def test_an_allowed_exception_does_not_move_the_deadline(self):
        assert check_health_exception(
            code="missed_appointment", received_by_health=self.received, start=D(2025, 2, 3)
        )
        assert health_advice_due(self.received) == D(2025, 2, 17)


class TestTimeliness:
    due = D(2025, 2, 17)

    def test_returned(self):
        assert timeliness(due=self.due, today=D(2025, 3, 1), returned_on=D(2025, 2, 17)) == Timeliness.ON_TIME
        assert timeliness(due=self.due, today=D(2025, 3, 1), returned_on=D(2025, 2, 18)) == Timeliness.LATE
        assert (
            timeliness(due=self.due, today=D(2025, 3, 1), returned_on=D(2025, 2, 18), has_exception=True)
            == Timeliness.LATE_WITH_EXCEPTION
        )
        # An exception on advice returned in time changes nothing.
        assert (
            timeliness(due=self.due, today=D(2025, 3, 1), returned_on=D(2025, 2, 10), has_exception=True)
            == Timeliness.ON_TIME
        )

    def test_open(self):
        assert timeliness(due=self.due, today=D(2025, 2, 6)) == Timeliness.ON_TRACK
        assert timeliness(due=self.due, today=D(2025, 2, 7)) == Timeliness.AT_RISK  # 10 days to go
        assert timeliness(due=self.due, today=D(2025, 2, 17)) == Timeliness.AT_RISK  # due today
        assert timeliness(due=self.due, today=D(2025, 2, 18)) == Timeliness.OVERDUE
        assert (
            timeliness(due=self.due, today=D(2025, 2, 18), has_exception=True)
            == Timeliness.OVERDUE_WITH_EXCEPTION
        )
        assert timeliness(due=self.due, today=D(2025, 2, 6), threshold_days=14) == Timeliness.AT_RISK

    def test_at_risk(self):
        assert is_at_risk(due=self.due, today=D(2025, 2, 10))
        assert not is_at_risk(due=self.due, today=D(2025, 2, 10), returned=True)
        assert not is_at_risk(due=self.due, today=D(2025, 2, 18))  # overdue, not at risk
        assert not is_at_risk(due=self.due, today=D(2025, 2, 10), threshold_days=5)

    def test_days_to_return(self):
        assert days_to_return(received=MON_6_JAN, returned_on=D(2025, 2, 17)) == 42

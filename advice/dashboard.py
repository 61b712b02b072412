"""What the DCO dashboard shows, as one read function the page (and the benchmark) calls.

Lists: due this week, at risk, overdue, awaiting quality check (each the first page, sorted by due
date, with its total); figures: the share of advice returned within 6 weeks (SEND Regs reg 8) this
month, quarter and financial year, including and excluding reg 8(2) exception cases. Everything is
scoped by `Assignment.objects.visible_to(user)` and filters on stored dates, so the number of queries
does not grow with the data. Reads only: the caller records the view in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advice.models import Assignment
from lib import clocks

LISTS = ("due_this_week", "at_risk", "overdue", "awaiting_quality_check")


@dataclass(frozen=True)
class Period:
    name: str
    start: dt.date
    end: dt.date


def periods(today: dt.date) -> list[Period]:
    """This month, this quarter (April-June, July-September, October-December, January-March) and
    this NHS financial year (from 1 April), each up to today."""
    quarter_month = ((today.month - 1) // 3) * 3 + 1
    fy_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return [
        Period("month", today.replace(day=1), today),
        Period("quarter", dt.date(today.year, quarter_month, 1), today),
        Period("year", fy_start, today),
    ]


def dashboard_lists(
    user: Any, today: dt.date, *, at_risk_days: int = clocks.DEFAULT_AT_RISK_DAYS
) -> dict[str, Any]:
    """The four lists as QuerySets (unevaluated: the page filters, sorts, paginates or exports them)."""
    base = (
        Assignment.objects.visible_to(user)
        .select_related("advice_request", "advice_request__child", "advice_request__local_authority", "team")
        .order_by("due_on", "pk")
    )
    week_end = today + dt.timedelta(days=6 - today.weekday())  # to Sunday
    return {
        "due_this_week": base.due_between(today, week_end),
        "at_risk": base.at_risk(today, days=at_risk_days),
        "overdue": base.overdue(today),
        "awaiting_quality_check": base.awaiting_quality_check(),
    }


def dco_dashboard(user: Any, today: dt.date, *, page_size: int = 25) -> dict[str, Any]:
    """Everything on the dashboard: each list's total and first page, and the timeliness figures."""
    lists = dashboard_lists(user, today)
    result: dict[str, Any] = {"lists": {}, "timeliness": {}}
    for name, queryset in lists.items():
        result["lists"][name] = {"count": queryset.count(), "first_page": list(queryset[:page_size])}
    scoped = Assignment.objects.visible_to(user)
    for period in periods(today):
        result["timeliness"][period.name] = {
            "start": period.start,
            "end": period.end,
            **scoped.timeliness_summary(period.start, period.end),
        }
    return result

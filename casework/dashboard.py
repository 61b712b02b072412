"""What every casework dashboard needs: a period chosen by the person (a preset or any from/to
dates), counts by one dimension, shares within a target, medians, and CSV that a spreadsheet will not
run as formulas (core.exports' csv_response and safe_cell, named here too for the dashboards). Pure
reading helpers: each app's dashboard module decides what to count, scoped by its own access rules;
the view records the view in the access log.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from core.exports import csv_response as csv_response
from core.exports import safe_cell as safe_cell

PRESETS = {
    "month": "This month",
    "quarter": "This quarter",
    "year": "This financial year",
    "last-year": "Last financial year",
    "custom": "Choose dates",
}


@dataclass(frozen=True)
class Period:
    key: str  # one of PRESETS
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.key == "custom":
            return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"
        return PRESETS[self.key]

    @property
    def query(self) -> dict[str, str]:
        """The query parameters that choose this period again (for links and the CSV)."""
        params = {"period": self.key}
        if self.key == "custom":
            params |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return params


def financial_year_start(today: dt.date) -> dt.date:
    """The NHS financial year starts on 1 April."""
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def preset(key: str, today: dt.date) -> Period:
    """A named period up to today: this month, this quarter (April-June, July-September,
    October-December, January-March), this financial year; or the whole last financial year."""
    if key == "month":
        return Period(key, today.replace(day=1), today)
    if key == "quarter":
        return Period(key, dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1), today)
    if key == "last-year":
        start = financial_year_start(today)
        return Period(key, start.replace(year=start.year - 1), start - dt.timedelta(days=1))
    return Period("year", financial_year_start(today), today)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def period_from(params: Mapping[str, Any], today: dt.date) -> tuple[Period, dict[str, str]]:
    """The period the query parameters choose (`period`, and `from`/`to` for any dates), with errors
    by field for dates that cannot be used; bad or missing input falls back to this financial year."""
    key = str(params.get("period") or "year")
    if key != "custom":
        return preset(key if key in PRESETS else "year", today), {}
    start, end = _date(params.get("from")), _date(params.get("to"))
    errors: dict[str, str] = {}
    if start is None:
        errors["from"] = "Enter the first day as a date, for example 2026-04-01"
    if end is None:
        errors["to"] = "Enter the last day as a date, for example 2026-06-30"
    if start and end and end < start:
        errors["to"] = "The last day must be the same as or after the first day"
    if start and start.year < 2000:
        errors["from"] = "The first day must be in 2000 or later"
    if end and end > today + dt.timedelta(days=366):
        errors["to"] = "The last day must be within a year from today"
    if errors or start is None or end is None:
        return preset("year", today), errors
    return Period("custom", start, end), {}


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, as a whole percentage (None when there is nothing to count)."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None

    def __str__(self) -> str:
        return "no cases" if self.percent is None else f"{self.percent}% ({self.part} of {self.whole})"


@dataclass(frozen=True)
class Count_:
    value: str
    label: str
    count: int


def counts_by(rows: QuerySet[Any], field: str, labels: Mapping[Any, str] | None = None) -> list[Count_]:
    """How many rows per value of `field` (one GROUP BY), largest first; labels from `labels` (for
    example a TextChoices' choices) or the value itself."""
    labels = labels or {}
    grouped = rows.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)
    return [
        Count_(str(row[field]), str(labels.get(row[field], row[field] or "Not recorded")), row["n"])
        for row in grouped
    ]


def counts_of(values: Iterable[Any], labels: Mapping[Any, str] | None = None) -> list[Count_]:
    """Counts of values computed in Python (for a list field such as areas of need), largest first."""
    labels = labels or {}
    tally: dict[Any, int] = {}
    for value in values:
        tally[value] = tally.get(value, 0) + 1
    ordered = sorted(tally.items(), key=lambda item: (-item[1], str(item[0])))
    return [Count_(str(v), str(labels.get(v, v)), n) for v, n in ordered]


@dataclass(frozen=True)
class Spread:
    """Days taken: how many cases, the median, the 90th percentile and the longest."""

    cases: int
    median: float | None
    p90: float | None
    longest: int | None


def spread(days: Sequence[int]) -> Spread:
    if not days:
        return Spread(0, None, None, None)
    ordered = sorted(days)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]  # nearest rank
    return Spread(len(ordered), statistics.median(ordered), float(p90), ordered[-1])

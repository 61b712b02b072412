"""Service facts in words, the way the NHS.UK content style guide writes them (pure functions).

"Monday to Friday, 9am to 5pm", "For ages 5 to 11", "9:30am", "midday".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from lib.weekdays import DAY_CODES, DAY_NAMES, byday_codes


class ScheduleLike(Protocol):
    byday: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    description: str


def clock(value: dt.time) -> str:
    """9:00 -> '9am', 17:30 -> '5:30pm', 12:00 -> 'midday', 00:00 -> 'midnight'."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def join_words(words: Sequence[str]) -> str:
    """['a'] -> 'a'; ['a', 'b', 'c'] -> 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def days_in_words(days: Iterable[str]) -> str:
    """{'MO','TU','WE','TH','FR'} -> 'Monday to Friday'; {'MO','WE'} -> 'Monday and Wednesday'."""
    indexes = sorted({DAY_CODES.index(d) for d in days if d in DAY_CODES})
    if not indexes:
        return ""
    if len(indexes) == 7:
        return "Every day"
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[DAY_CODES[run[0]]]} to {DAY_NAMES[DAY_CODES[run[-1]]]}")
        else:
            parts.extend(DAY_NAMES[DAY_CODES[i]] for i in run)
    return join_words(parts)


def opening_times(schedules: Iterable[ScheduleLike]) -> list[str]:
    """One line per set of hours: ['Monday to Friday, 9am to 5pm', 'Saturday, 10am to midday']."""
    by_hours: dict[tuple[dt.time | None, dt.time | None], set[str]] = {}
    order: list[tuple[dt.time | None, dt.time | None]] = []
    notes: list[str] = []
    for schedule in schedules:
        days = byday_codes(schedule.byday)
        if not days:
            if schedule.description:
                notes.append(schedule.description)
            continue
        key = (schedule.opens_at, schedule.closes_at)
        if key not in by_hours:
            by_hours[key] = set()
            order.append(key)
        by_hours[key].update(days)
    # Earliest day first.
    order.sort(key=lambda k: min(DAY_CODES.index(d) for d in by_hours[k]))
    lines = []
    for opens, closes in order:
        days_text = days_in_words(by_hours[(opens, closes)])
        if opens and closes:
            lines.append(f"{days_text}, {clock(opens)} to {clock(closes)}")
        else:
            lines.append(days_text)
    return lines + notes


def ages_in_words(minimum: int | None, maximum: int | None) -> str:
    """Who the service is for by age: 'Ages 5 to 11', 'Up to age 5', 'Ages 16 and over', 'All ages'."""
    if minimum in (None, 0) and maximum in (None, 99):
        return "All ages"
    if minimum in (None, 0):
        return f"Up to age {maximum}"
    if maximum in (None, 99):
        return f"Ages {minimum} and over"
    if minimum == maximum:
        return f"Age {minimum}"
    return f"Ages {minimum} to {maximum}"

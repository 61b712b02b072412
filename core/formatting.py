"""Display formats in the NHS.UK / GOV.UK style: '23 November 2026', '9am', '5:30pm'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone


def long_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%b %Y}"


def date_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local)} at {clock_time(local.time())}"


def clock_time(value: dt.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


SUMMARY_END_PUNCTUATION = " \t\r\n.,;:!?-–—…"


def shorten(value: str | None, length: int = 220, end: str = "…") -> str:
    """`value` whole when it fits in `length` characters; otherwise cut at the last word that fits,
    without its closing punctuation, and `end` added ('Meet at the station…', never 'station.…')."""
    text = str(value or "")
    if len(text) <= length:
        return text
    room = max(length - len(end), 1)
    cut = text[:room]
    if not text[room].isspace() and any(c.isspace() for c in cut):
        cut = cut[: max(i for i, c in enumerate(cut) if c.isspace())]
    return cut.rstrip(SUMMARY_END_PUNCTUATION) + end


FILTERS: dict[str, Callable[..., Any]] = {
    "long_date": long_date,
    "short_date": short_date,
    "date_time": date_time,
    "clock_time": clock_time,
    "plural": plural,
    "shorten": shorten,
}

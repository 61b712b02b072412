"""Limits on what a person or a system may send, in one place for pages, APIs and importers.

Every text, number and date that comes in from outside is checked against these before it reaches
the database or date arithmetic, so bad input is a clear message and never a server error:

- text must not contain NUL characters (PostgreSQL text cannot store them; nothing legitimate has one);
- whole numbers (page numbers, counts) are bounded, so an OFFSET or a multiplication never overflows;
- numbers are finite (no `NaN`, `inf` or `1e999`);
- dates and date-times lie in a range where statutory clocks can add weeks and months to them, and a
  date-time's offset from UTC is one PostgreSQL can store (at most 15:59 either way).

Pure functions, no Django: `core.inputs` adapts them to forms and API schemas.
"""

from __future__ import annotations

import datetime as dt
import math
import re

#: The earliest and latest dates we accept anywhere: wide enough for every real date of birth,
#: request and review, narrow enough that adding a statutory period can never overflow.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
#: PostgreSQL stores offsets up to 15:59 from UTC (Python allows 23:59).
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
#: Page numbers beyond any real list; keeps OFFSET inside what databases accept.
MAX_PAGE = 1_000_000

NUL_MESSAGE = "must not contain NUL characters"

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def has_nul(value: str) -> bool:
    """True when `value` holds a NUL character, which no database text column may store."""
    return "\x00" in value


def date_problem(value: dt.date) -> str | None:
    """Why a date is out of range, or None when it is fine."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        return f"must be on or after {EARLIEST_DATE:%-d %B %Y}"
    if value > LATEST_DATE:
        return f"must be on or before {LATEST_DATE:%-d %B %Y}"
    return None


def aware_utc(value: dt.datetime) -> dt.datetime:
    """`value` in UTC (a naive value is taken as UTC). Raises ValueError when it is out of range or
    its offset cannot be stored, rather than OverflowError deep inside a query."""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ValueError("has a UTC offset of more than 15:59")
    problem = date_problem(value.date())
    if problem:
        raise ValueError(problem)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)  # in range after the check above, so this cannot overflow


def bounded_int(raw: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number from text within [minimum, maximum]; ValueError with a reason otherwise."""
    text = raw.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueError("must be a whole number")
    if len(text) > 1000:  # int() refuses very long digit strings; no bound we use is near this long
        raise ValueError("must be a shorter whole number")
    value = int(text)
    if minimum is not None and value < minimum:
        raise ValueError(f"must be {minimum} or more")
    if maximum is not None and value > maximum:
        raise ValueError(f"must be {maximum} or less")
    return value


def finite_number(raw: str | float | int) -> float:
    """A finite number (no NaN or infinity); ValueError otherwise."""
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (ValueError, OverflowError) as exc:
        raise ValueError("must be a number") from exc
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value

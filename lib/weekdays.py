"""Days of the week as the two-letter codes of iCalendar's BYDAY (RFC 5545), which ORUK schedules,
the search filters and the import template all use: "MO" to "SU", Monday first (pure functions)."""

from __future__ import annotations

DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES: dict[str, str] = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
WEEKDAYS: tuple[str, ...] = DAY_CODES[:5]

# What people write for a day, lower case: the code, the name and its usual short forms.
_WORDS: dict[str, str] = {
    **{code.lower(): code for code in DAY_CODES},
    **{name.lower(): code for code, name in DAY_NAMES.items()},
    **{name[:3].lower(): code for code, name in DAY_NAMES.items()},
    "tues": "TU", "thur": "TH", "thurs": "TH",
}  # fmt: skip


def day_code(text: str) -> str | None:
    """'MO', 'mon', 'Monday', 'Thurs' -> the day's code; None when `text` is not a day."""
    return _WORDS.get(text.strip().lower())


def byday_codes(byday: str) -> list[str]:
    """The day codes of a BYDAY value, in its order, without ordinals: 'MO,+1TU, we' -> MO, TU, WE.
    Parts that are not days are left out."""
    parts = (part.strip().upper().lstrip("+-0123456789") for part in (byday or "").split(","))
    return [part for part in parts if part in DAY_CODES]

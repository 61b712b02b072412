"""Opening times and ages in words."""

import datetime as dt
from types import SimpleNamespace

from directory.search_text import ages_in_words, clock, days_in_words, opening_times


def schedule(byday: str, opens: str | None = None, closes: str | None = None, description: str = ""):
    t = lambda s: dt.time.fromisoformat(s) if s else None  # noqa: E731
    return SimpleNamespace(byday=byday, opens_at=t(opens), closes_at=t(closes), description=description)


def test_clock():
    assert [clock(dt.time(9)), clock(dt.time(17, 30)), clock(dt.time(12)), clock(dt.time(0))] == [
        "9am",
        "5:30pm",
        "midday",
        "midnight",
    ]


def test_days_in_words():
    assert days_in_words(["MO", "TU", "WE", "TH", "FR"]) == "Monday to Friday"
    assert days_in_words(["MO", "WE", "FR"]) == "Monday, Wednesday and Friday"
    assert days_in_words(["SA", "SU"]) == "Saturday and Sunday"
    assert days_in_words(["MO", "TU", "WE", "SA"]) == "Monday to Wednesday and Saturday"
    assert days_in_words(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]) == "Every day"


def test_opening_times_groups_days_with_the_same_hours():
    lines = opening_times(
        [
            schedule("SA", "10:00", "12:00"),
            schedule("MO,TU,WE,TH", "09:00", "17:00"),
            schedule("FR", "09:00", "17:00"),
            schedule("", description="Closed on bank holidays"),
        ]
    )
    assert lines == ["Monday to Friday, 9am to 5pm", "Saturday, 10am to midday", "Closed on bank holidays"]


def test_ages_in_words():
    assert ages_in_words(5, 11) == "Ages 5 to 11"
    assert ages_in_words(0, 5) == "Up to age 5"
    assert ages_in_words(16, None) == "Ages 16 and over"
    assert ages_in_words(None, None) == "All ages"
    assert ages_in_words(4, 4) == "Age 4"

import datetime as dt

from core.formatting import clock_time, long_date, plural


def test_dates_and_times_read_as_the_nhs_style_guide_says():
    assert long_date(dt.date(2026, 11, 3)) == "3 November 2026"
    assert clock_time(dt.time(9, 0)) == "9am"
    assert clock_time(dt.time(17, 30)) == "5:30pm"
    assert clock_time(dt.time(12, 0)) == "midday"
    assert plural(1, "service") == "1 service"
    assert plural(1200, "service") == "1,200 services"


def test_a_shortened_summary_ends_at_a_word_with_one_ellipsis():
    from core.formatting import shorten

    assert shorten("Short enough.", 220) == "Short enough."
    text = "Meet at the bus station. Then we walk to the park together with everyone"
    assert shorten(text, 26) == "Meet at the bus station…"  # never "station.…" or "station…."
    assert shorten("Ask our assistant, who will help you today", 19) == "Ask our assistant…"
    assert shorten("Help with speech and language", 12) == "Help with…"  # never half a word
    assert not shorten("a" * 300, 220).endswith(".…") and len(shorten("a" * 300, 220)) <= 220

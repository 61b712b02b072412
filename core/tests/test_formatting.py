import datetime as dt

from core.formatting import clock_time, long_date, plural


def test_dates_and_times_read_as_the_nhs_style_guide_says():
    assert long_date(dt.date(2026, 11, 3)) == "3 November 2026"
    assert clock_time(dt.time(9, 0)) == "9am"
    assert clock_time(dt.time(17, 30)) == "5:30pm"
    assert clock_time(dt.time(12, 0)) == "midday"
    assert plural(1, "service") == "1 service"
    assert plural(1200, "service") == "1,200 services"

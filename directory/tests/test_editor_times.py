"""Opening times in the service editor: shown as 09:00 and sent back unchanged without retyping."""

from __future__ import annotations

import datetime as dt

from directory.forms_editor import TimeText


def test_an_opening_time_is_shown_as_hours_and_minutes_and_accepted_back():
    field = TimeText(required=False)
    html = field.widget.render("monday_opens", dt.time(9, 0))
    assert 'value="09:00"' in html
    # a form filled from stored values ("09:00:00") sends them back: no retyping needed
    assert field.clean("09:00:00") == dt.time(9, 0)
    assert field.clean("9:30") == dt.time(9, 30)

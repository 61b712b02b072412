"""When a Local Offer record is due for review: settings.DIRECTORY_REVIEW_MONTHS calendar months
(default 12) after it was last reviewed, counted by the corresponding-date rule (lib.clocks), or at
once when it never was. The public page's "may be out of date" notice, the editors' lists and the
reminder e-mails all ask here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from lib.clocks import add_months


def review_months() -> int:
    return int(settings.DIRECTORY_REVIEW_MONTHS)


def review_cutoff(today: dt.date | None = None) -> dt.date:
    """Records last reviewed before this date are due for review."""
    return add_months(today or timezone.localdate(), -review_months())


def is_due_for_review(last_reviewed: dt.date | None, today: dt.date | None = None) -> bool:
    return last_reviewed is None or last_reviewed < review_cutoff(today)

"""One rule each: which services are published, and when a record is due for review."""

import datetime as dt

import pytest

from directory.freshness import is_due_for_review, review_cutoff
from directory.models import Service
from directory.testing import ServiceFactory

TODAY = dt.date(2026, 11, 23)


def test_published_services_are_active_or_temporarily_closed(db):
    for status in Service.Status.values:
        ServiceFactory(name=status, status=status)
    assert set(Service.objects.published().values_list("name", flat=True)) == {
        Service.Status.ACTIVE,
        Service.Status.TEMPORARILY_CLOSED,
    }


def test_due_for_review_twelve_calendar_months_after_the_last_review_or_never_reviewed(db):
    ServiceFactory(name="never", last_reviewed=None)
    ServiceFactory(name="a year and a day ago", last_reviewed=dt.date(2025, 11, 22))
    ServiceFactory(name="a year ago today", last_reviewed=dt.date(2025, 11, 23))
    ServiceFactory(name="last month", last_reviewed=dt.date(2026, 10, 23))
    due = set(Service.objects.due_for_review(TODAY).values_list("name", flat=True))
    assert due == {"never", "a year and a day ago"}
    for service in Service.objects.all():
        assert is_due_for_review(service.last_reviewed, TODAY) == (service.name in due)


@pytest.mark.parametrize(
    ("months", "today", "cutoff"),
    [(12, dt.date(2024, 2, 29), dt.date(2023, 2, 28)), (6, dt.date(2026, 8, 31), dt.date(2026, 2, 28))],
)
def test_the_cutoff_counts_calendar_months_from_settings(settings, months, today, cutoff):
    settings.DIRECTORY_REVIEW_MONTHS = months
    assert review_cutoff(today) == cutoff

"""Rate-limit counts kept in the database (core.rate_limits): counted per scope and value, a window that
starts again after it ends, a row made by someone else first, and expired rows forgotten by the worker."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from core import rate_limits
from core.models import RateCount
from core.tasks import PERIODIC_JOBS

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def test_counts_are_per_scope_and_value_and_hold_no_value():
    now = timezone.now()
    assert [rate_limits.add("a", "198.51.100.1", window=HOUR, now=now) for _ in range(3)] == [1, 2, 3]
    rate_limits.add("b", "198.51.100.1", window=HOUR, now=now)
    assert rate_limits.count("a", " 198.51.100.1 ", now=now) == 3  # trimmed, any case
    assert rate_limits.count("b", "198.51.100.1", now=now) == 1
    assert rate_limits.count("a", "198.51.100.2", now=now) == 0
    assert not RateCount.objects.filter(key__contains="198.51").exists()


def test_a_window_ends_and_a_new_one_starts_at_the_next_count():
    start = timezone.now()
    rate_limits.add("a", "x", window=HOUR, now=start)
    rate_limits.add("a", "x", window=HOUR, now=start + dt.timedelta(minutes=59))
    assert rate_limits.count("a", "x", now=start + dt.timedelta(minutes=59)) == 2
    assert rate_limits.count("a", "x", now=start + HOUR) == 0
    assert rate_limits.add("a", "x", window=HOUR, now=start + HOUR) == 1
    assert rate_limits.count("a", "x", now=start + dt.timedelta(minutes=119)) == 1


def test_a_row_made_by_another_process_meanwhile_is_counted_on(monkeypatch):
    """Two processes count the same key at once: ours finds no row to update, the other inserts its
    row just before ours, and ours (refused by the unique key) counts on the other's row."""
    now = timezone.now()
    real_atomic = transaction.atomic

    @contextlib.contextmanager
    def other_process_first() -> Iterator[None]:
        monkeypatch.setattr(transaction, "atomic", real_atomic)
        RateCount.objects.create(key=rate_limits._key("a", "x"), count=1, expires_at=now + HOUR)
        with real_atomic():
            yield

    monkeypatch.setattr(transaction, "atomic", other_process_first)
    assert rate_limits.add("a", "x", window=HOUR, now=now) == 2
    assert RateCount.objects.get().count == 2


def test_the_worker_forgets_expired_counts():
    now = timezone.now()
    rate_limits.add("a", "old", window=HOUR, now=now - 2 * HOUR)
    rate_limits.add("a", "new", window=HOUR, now=now)
    assert ("core-forget-rate-counts", 3600, rate_limits.forget_expired) in PERIODIC_JOBS
    assert rate_limits.forget_expired(now=now) == 1
    assert rate_limits.count("a", "new", now=now) == 1

"""Counting what people do within a time window, in the database, for limits on public pages.

The counts live in one table (core.models.RateCount) rather than Django's cache: the cache is per
process unless CACHE_URL names Redis, so with several app server processes a cache-kept limit would be
several times looser and forgotten at every restart. A count is a conditional UPDATE on one row (a new
window, else count + 1), with an INSERT the first time, which is atomic on SQLite and PostgreSQL
without locks. Rows are keyed by a keyed hash of the scope and value, never the value itself, and
expired rows are deleted by the worker (core.tasks.PERIODIC_JOBS).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.models import RateCount


def _key(scope: str, value: str) -> str:
    return salted_hmac("core.rate_limits:" + scope, value.strip().lower(), algorithm="sha256").hexdigest()


def count(scope: str, value: str, *, now: dt.datetime | None = None) -> int:
    """How many times `value` was counted in `scope` in its current window (0 after it expires)."""
    now = now or timezone.now()
    found = RateCount.objects.filter(key=_key(scope, value), expires_at__gt=now)
    return found.values_list("count", flat=True).first() or 0


def add(scope: str, value: str, *, window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Count one more for `value` in `scope`; a window of `window` starts at the first count after the
    last one ended. Returns the count so far (other processes may have counted meanwhile)."""
    now = now or timezone.now()
    key = _key(scope, value)
    rows = RateCount.objects.filter(key=key)
    for _attempt in range(3):
        if rows.filter(expires_at__lte=now).update(count=1, expires_at=now + window):
            return 1
        if rows.filter(expires_at__gt=now).update(count=F("count") + 1):
            return rows.values_list("count", flat=True).first() or 1
        try:
            with transaction.atomic():  # a savepoint: a lost race must not spoil an outer transaction
                RateCount.objects.create(key=key, count=1, expires_at=now + window)
        except IntegrityError:  # another process made the row first: count on it
            continue
        return 1
    raise RuntimeError("rate count could not be recorded")  # pragma: no cover - three lost races in a row


def forget_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the counts whose window has ended (run by the worker). Returns how many."""
    deleted, _ = RateCount.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted

"""Is the background work being done? The worker's heartbeat and the oldest work waiting for it.

The worker (`manage.py worker`) records a heartbeat on every pass of its loop. `/healthz` fails when no
worker has beaten within WORKER_HEARTBEAT_MAX_SECONDS, or when work has waited longer than
WAITING_WORK_MAX_SECONDS: a queued task (e-mails, for one) or anything an app declares in its
tasks.py as WAITING_WORK, a list of (name, function returning the oldest due time or None), such as
casework's shared reminders job ("casework-reminders", casework/tasks.py): the reminders that are due
and unsent for every kind of case (EHC advice, section 23 notifications, enquiries). Nothing here names
a person: only ages in seconds.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core.models import WorkerHeartbeat

WaitingWork = tuple[str, Callable[[], dt.datetime | None]]
BANNER_CACHE_KEY = "core-health-background-work-late"
BANNER_CACHE_SECONDS = 30


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record_heartbeat(*, started_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """Called by the worker on every pass of its loop: this process is alive and looping."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=worker_name()).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            name=worker_name(), defaults={"pid": os.getpid(), "started_at": started_at, "beat_at": now}
        )


def forget_old_heartbeats(*, now: dt.datetime | None = None) -> None:
    """Rows of workers that stopped more than a day ago (each restart is a new process and row)."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()


@cache
def waiting_work() -> list[WaitingWork]:
    """Every app's WAITING_WORK (from its tasks.py), found once per process."""
    found: list[WaitingWork] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        found.extend(getattr(module, "WAITING_WORK", []))
    return found


def oldest_queued_task() -> dt.datetime | None:
    """When the longest-waiting task in the database queue became ready to run."""
    ready = DBTaskResult.objects.ready()
    never_deferred = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    deferred = ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    times = [at for at in (never_deferred, deferred) if at is not None]
    return min(times) if times else None


@dataclass(frozen=True)
class BackgroundHealth:
    heartbeat_age: float | None  # seconds since the newest heartbeat; None: no worker has ever run
    oldest_waiting_age: float  # seconds the oldest due work has waited (0: nothing waiting)

    @property
    def worker_ok(self) -> bool:
        return self.heartbeat_age is not None and self.heartbeat_age <= settings.WORKER_HEARTBEAT_MAX_SECONDS

    @property
    def waiting_ok(self) -> bool:
        return self.oldest_waiting_age <= settings.WAITING_WORK_MAX_SECONDS

    @property
    def ok(self) -> bool:
        return self.worker_ok and self.waiting_ok

    def report(self) -> dict[str, object]:
        """What /healthz says: statuses and ages in whole seconds, nothing about any person."""
        return {
            "status": "ok" if self.ok else "failing",
            "database": "ok",
            "worker": {
                "status": "ok"
                if self.worker_ok
                else ("stale" if self.heartbeat_age is not None else "missing"),
                "last_heartbeat_seconds_ago": None if self.heartbeat_age is None else int(self.heartbeat_age),
                "max_seconds": settings.WORKER_HEARTBEAT_MAX_SECONDS,
            },
            "waiting_work": {
                "status": "ok" if self.waiting_ok else "stale",
                "oldest_waiting_seconds": int(self.oldest_waiting_age),
                "max_seconds": settings.WAITING_WORK_MAX_SECONDS,
            },
        }


def background_health(*, now: dt.datetime | None = None) -> BackgroundHealth:
    now = now or timezone.now()
    newest_beat = WorkerHeartbeat.objects.aggregate(at=Max("beat_at"))["at"]
    due_times = [oldest_queued_task(), *(oldest() for _, oldest in waiting_work())]
    oldest_due = min((at for at in due_times if at is not None), default=None)
    return BackgroundHealth(
        heartbeat_age=None if newest_beat is None else max(0.0, (now - newest_beat).total_seconds()),
        oldest_waiting_age=0.0 if oldest_due is None else max(0.0, (now - oldest_due).total_seconds()),
    )


def background_work_late() -> bool:
    """For the staff banner: reminders and e-mails are late. Looked up at most every 30 seconds per
    process. Only once a worker has run here: a development copy without one shows no banner (its
    /healthz still says "missing")."""
    late = django_cache.get(BANNER_CACHE_KEY)
    if late is None:
        health = background_health()
        late = health.heartbeat_age is not None and not health.ok
        django_cache.set(BANNER_CACHE_KEY, late, BANNER_CACHE_SECONDS)
    return bool(late)

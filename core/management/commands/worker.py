"""The background worker started by `make run`.

It runs every app's periodic jobs (`PERIODIC_JOBS` in each app's tasks.py: reminder scans and the
like, each idempotent because reminders are rows claimed once) and drains the database task queue
that Django's tasks API writes to. Several workers may run at once: claims are conditional updates.
"""

from __future__ import annotations

import importlib
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from core import health

logger = logging.getLogger(__name__)

PeriodicJob = tuple[str, int, Callable[[], Any]]


def periodic_jobs() -> list[PeriodicJob]:
    jobs: list[PeriodicJob] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        jobs.extend(getattr(module, "PERIODIC_JOBS", []))
    return jobs


class Command(BaseCommand):
    help = "Run periodic jobs and queued background tasks until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job and the queue once, then stop")
        parser.add_argument("--sleep", type=float, default=5.0)

    def handle(self, *args: Any, once: bool = False, sleep: float = 5.0, **options: Any) -> None:
        self.running = True
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        last_run: dict[str, float] = {}
        jobs = periodic_jobs()
        self.stdout.write(f"Worker started with {len(jobs)} periodic jobs.")
        started_at = timezone.now()
        health.forget_old_heartbeats()
        # One queue runner for the life of the process; between passes the worker sleeps.
        queue = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="send-health-hub",
            excluded_queue_names=[],
        )
        while self.running:
            close_old_connections()
            health.record_heartbeat(started_at=started_at)  # read by /healthz and the staff banner
            now = time.monotonic()
            for name, interval, job in jobs:
                if once or now - last_run.get(name, -1e9) >= interval:
                    last_run[name] = now
                    try:
                        job()
                    except Exception:  # a failing job must not stop the others
                        logger.exception("Periodic job %s failed", name)
            queue.run()  # drains the queue, then returns (batch mode)
            if once:
                break
            time.sleep(sleep)

    def _stop(self, signum: int, frame: Any) -> None:
        self.running = False

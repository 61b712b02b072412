"""Periodic work for the access log: extend the tamper-evident hash chain (see audit.services)."""

from __future__ import annotations

from audit.services import seal_events


def seal_access_log(*, batch: int = 10_000) -> None:
    """Seal everything ready, a batch at a time."""
    while seal_events(batch=batch) is not None:
        pass


# (name, interval in seconds, job) for `manage.py worker`.
PERIODIC_JOBS = [("audit-seal-access-log", 300, seal_access_log)]

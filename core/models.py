"""Site-wide records: the background worker's heartbeat and the counts behind public rate limits."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running `manage.py worker` process, updated on every pass of its loop.

    `/healthz` and the staff warning banner read the newest `beat_at`: if no worker has beaten
    recently, reminders and e-mails are not being sent (core.health).
    """

    name = models.CharField(max_length=200, unique=True)  # host:pid
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name


class RateCount(models.Model):
    """How often something was done (an enquiry sent, a wrong status guess) since `window_started_at`,
    for limits that must hold on every app server and across restarts (core.rate_limits).

    The key is a keyed hash of what is counted, so the table holds no IP address, reference or e-mail
    address. A row whose `expires_at` has passed counts as nothing; the worker deletes it.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.count} until {self.expires_at:%Y-%m-%d %H:%M}"

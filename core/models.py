"""Site-wide records: only the background worker's heartbeat so far."""

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

"""The shared reminder scan (casework.reminders), run by `manage.py worker` every 5 minutes."""

from __future__ import annotations

from casework.reminders import oldest_due_reminder, send_due

PERIODIC_JOBS = [("casework-reminders", 300, send_due)]
WAITING_WORK = [("casework-reminders", oldest_due_reminder)]

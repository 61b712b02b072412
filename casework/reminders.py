"""Reminders for any kind of case: scheduled as rows, claimed once, sent by the worker.

An app schedules reminders with its case (`schedule`), cancels those it no longer needs when the case
moves on (`cancel`), and registers one `ReminderHandler` per case model from its AppConfig.ready:

    reminders.register(ReminderHandler(
        record_type="section23.notification",
        open_records=lambda ids: {n.public_id: n for n in Notification.objects.filter(public_id__in=ids, status="sent")},
        message=lambda reminder, notification: (subject, body),
        event=NotificationEvent.REMINDER,
    ))

`send_due` (every 5 minutes in `manage.py worker`, casework/tasks.py) claims each due row with a
conditional UPDATE (sent_at IS NULL -> now) and e-mails it only if that UPDATE changed the row, so
several workers, or a worker restarted mid-scan, never send one twice. The e-mail goes through
`accounts.notifications.notify` as the handler's `event`, so it honours what the recipient chooses
at the time it is sent: a person who turned the event off gets nothing, one who chose a daily digest
gets it in the digest. A reminder whose case no longer needs it (closed, or its app not registered)
is deleted unsent. Messages carry references and links, never a child's name or health details.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import NotificationEvent
from accounts.notifications import notify
from casework.models import CaseReminder

MAX_ATTEMPTS = 5
BATCH = 500
REMINDER_HOUR = 8  # local time: reminders arrive at the start of a working day


@dataclass(frozen=True)
class ReminderHandler:
    record_type: str  # the case model's label, lower case ("section23.notification")
    # Of these public ids, the cases that still need their reminders, by public id.
    open_records: Callable[[list[uuid.UUID]], Mapping[uuid.UUID, Any]]
    # (subject, body) of one reminder about one open case.
    message: Callable[[CaseReminder, Any], tuple[str, str]]
    # The notification event it is sent as (accounts.models.NotificationEvent): the recipient's and
    # their organisation's preferences for this event decide whether it is sent at once, held for the
    # daily digest, or not sent.
    event: str = NotificationEvent.REMINDER


_handlers: dict[str, ReminderHandler] = {}


def register(handler: ReminderHandler) -> None:
    _handlers[handler.record_type] = handler


def record_type(record: Any) -> str:
    return str(record._meta.label_lower)


def at_start_of(day: dt.date, hour: int = REMINDER_HOUR) -> dt.datetime:
    """The moment a reminder for `day` is due: that day at `hour`, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def schedule(*, record: Any, kind: str, recipients: Iterable[str], due_at: dt.datetime) -> int:
    """Reminder rows for `record` (a model instance with a public_id), one per recipient. Idempotent:
    a row already there for the same case, kind and recipient is kept as it is. Returns how many rows
    were asked for."""
    rows = [
        CaseReminder(
            record_type=record_type(record),
            record_id=record.public_id,
            kind=kind,
            recipient=email,
            due_at=due_at,
        )
        for email in sorted(set(recipients))
        if email
    ]
    CaseReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def cancel(*, record: Any, kinds: Iterable[str] | None = None) -> int:
    """Delete the unsent reminders about `record` (of these kinds, or all). Sent ones stay as the record."""
    rows = CaseReminder.objects.filter(
        record_type=record_type(record), record_id=record.public_id, sent_at__isnull=True
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    deleted, _ = rows.delete()
    return deleted


def reminders_for(record: Any) -> QuerySet[CaseReminder]:
    return CaseReminder.objects.filter(record_type=record_type(record), record_id=record.public_id).order_by(
        "due_at", "pk"
    )


def due_reminders(now: dt.datetime) -> QuerySet[CaseReminder]:
    """Due, unsent and not given up on."""
    return CaseReminder.objects.filter(
        sent_at__isnull=True, due_at__lte=now, attempts__lt=MAX_ATTEMPTS
    ).order_by("due_at", "pk")


def claim(reminder_id: int, now: dt.datetime) -> bool:
    """True for exactly one caller: the one whose conditional update marked the row sent."""
    return (
        CaseReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
            sent_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def send_due(now: dt.datetime | None = None) -> int:
    """Send every reminder that is due and whose case still needs it; returns how many were claimed.
    Each goes through accounts.notifications.notify as its handler's event: queued as an e-mail
    (retried by the worker), held for the recipient's daily digest, or dropped if they turned the
    event off (claimed all the same, so it is not tried again)."""
    now = now or timezone.now()
    due = list(due_reminders(now)[:BATCH])
    by_type: dict[str, list[CaseReminder]] = defaultdict(list)
    for reminder in due:
        by_type[reminder.record_type].append(reminder)
    sent = 0
    for kind_of_case, rows in by_type.items():
        handler = _handlers.get(kind_of_case)
        records = handler.open_records(sorted({r.record_id for r in rows})) if handler else {}
        finished = [r.pk for r in rows if r.record_id not in records]
        if finished:  # the case moved on (or its app is gone): nothing to send, ever
            CaseReminder.objects.filter(pk__in=finished, sent_at__isnull=True).delete()
        for reminder in rows:
            record = records.get(reminder.record_id)
            if handler is None or record is None or not claim(reminder.pk, now):
                continue
            subject, body = handler.message(reminder, record)
            notify(event=handler.event, to=[reminder.recipient], subject=subject, body=body)
            sent += 1
    return sent


def oldest_due_reminder() -> dt.datetime | None:
    """When the longest-waiting due reminder fell due (core.health reports reminders running late)."""
    return due_reminders(timezone.now()).values_list("due_at", flat=True).first()

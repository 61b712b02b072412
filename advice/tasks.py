"""Background work for advice casework: reminder and escalation e-mails.

`scan_and_send` runs every 5 minutes in `manage.py worker` (PERIODIC_JOBS). Reminder rows are made
when a request is routed (`advice.services.schedule_reminders`); each is claimed with a conditional
UPDATE (sent_at IS NULL -> now) and sent only by the worker whose UPDATE changed the row, so several
workers, or a worker restarted mid-scan, never send one twice. E-mails carry the reference, the team,
the due date and a link: never a child's name or health details.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import NotificationEvent as Event
from accounts.notifications import notify
from advice.models import Assignment, Reminder
from advice.services import assignment_link

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 500

SUBJECTS = {
    Reminder.Kind.DUE_SOON: "Health advice {reference} is due on {due}",
    Reminder.Kind.AT_RISK: "At risk: health advice {reference} is due on {due}",
    Reminder.Kind.OVERDUE: "Overdue: health advice {reference} was due on {due}",
}
BODIES = {
    Reminder.Kind.DUE_SOON: "Your team's EHC needs assessment health advice for {reference} is due on {due} "
    "(6 weeks from receipt, SEND Regulations 2014 reg 8).",
    Reminder.Kind.AT_RISK: "Health advice for {reference} from {team} is due on {due} and has not been returned yet.",
    Reminder.Kind.OVERDUE: "Health advice for {reference} from {team} was due on {due} and has not been returned.",
}


def message_for(reminder: Reminder) -> tuple[str, str]:
    assignment = reminder.assignment
    values = {
        "reference": assignment.advice_request.reference,
        "team": assignment.team.name,
        "due": f"{assignment.due_on:%-d %B %Y}",
    }
    body = (
        BODIES[Reminder.Kind(reminder.kind)].format(**values)
        + f"\n\nReference: {values['reference']}\nOpen it here: {assignment_link(assignment)}\n"
        + "\nYou get this e-mail because of your role in the service. Do not reply with personal details.\n"
    )
    return SUBJECTS[Reminder.Kind(reminder.kind)].format(**values), body


def claim(reminder_id: int, now: dt.datetime) -> bool:
    """True for exactly one caller: the one whose conditional update marked the row sent."""
    return (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
            sent_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def due_reminders(now: dt.datetime) -> QuerySet[Reminder]:
    """Reminders to send now: due, unsent, not given up on, and about a case still open."""
    return Reminder.objects.filter(
        sent_at__isnull=True,
        due_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
        assignment__status__in=Assignment.OPEN_STATUSES,
        assignment__advice_request__status__in=["submitted", "routed", "quality_check"],
    ).order_by("due_at")


def scan_and_send(now: dt.datetime | None = None) -> int:
    """Send every reminder that is due, unsent, and whose assignment is still open. Returns how many
    were sent. Each claimed reminder is queued as an e-mail (core.email.send_email), which the worker
    retries with back-off if the mail server fails; a claimed reminder is never sent twice."""
    now = now or timezone.now()
    due = due_reminders(now).select_related("assignment__advice_request", "assignment__team")[:BATCH]
    sent = 0
    for reminder in due:
        if not claim(reminder.pk, now):
            continue  # another worker has it
        subject, body = message_for(reminder)
        notify(event=Event.REMINDER, to=[reminder.recipient], subject=subject, body=body)
        sent += 1
    return sent


def oldest_due_reminder() -> dt.datetime | None:
    """When the longest-waiting reminder that scan_and_send would send fell due (core.health: /healthz
    and the staff banner say reminders are late when this is too long ago)."""
    return due_reminders(timezone.now()).values_list("due_at", flat=True).first()


PERIODIC_JOBS = [("advice-reminders", 300, scan_and_send)]
WAITING_WORK = [("advice-reminders", oldest_due_reminder)]

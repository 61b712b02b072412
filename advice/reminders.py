"""Reminder and escalation e-mails about health advice still with a team, on casework's shared reminders.

Rows are made when a request is routed, and again when the DCO sends advice back for rework
(`advice.services.schedule_reminders`), as `casework.models.CaseReminder` rows naming the assignment
by public id. The shared worker job (`casework.reminders.send_due`, every 5 minutes) sends each once,
through `accounts.notifications.notify` as a reminder, so each person's notification choices apply;
it drops those whose assignment is no longer with the team or whose request is finished (`HANDLER`,
registered by `advice.registrations`). E-mails carry the reference, the team, the due date and a
link: never a child's name or health details.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from accounts.models import NotificationEvent
from advice.models import AdviceRequest, Assignment, ReminderKind
from advice.services import assignment_link
from casework.models import CaseReminder
from casework.reminders import ReminderHandler

# The request's statuses in which a team may still owe advice (not complete, not cancelled).
OPEN_REQUEST_STATUSES = (
    AdviceRequest.Status.SUBMITTED,
    AdviceRequest.Status.ROUTED,
    AdviceRequest.Status.QUALITY_CHECK,
)

SUBJECTS = {
    ReminderKind.DUE_SOON: "Health advice {reference} is due on {due}",
    ReminderKind.AT_RISK: "At risk: health advice {reference} is due on {due}",
    ReminderKind.OVERDUE: "Overdue: health advice {reference} was due on {due}",
}
BODIES = {
    ReminderKind.DUE_SOON: "Your team's EHC needs assessment health advice for {reference} is due on {due} "
    "(6 weeks from receipt, SEND Regulations 2014 reg 8).",
    ReminderKind.AT_RISK: "Health advice for {reference} from {team} is due on {due} and has not been returned yet.",
    ReminderKind.OVERDUE: "Health advice for {reference} from {team} was due on {due} and has not been returned.",
}


def open_assignments(ids: list[uuid.UUID]) -> Mapping[uuid.UUID, Assignment]:
    """Of these assignments, those still with their team on a request that is still open."""
    rows = Assignment.objects.filter(
        public_id__in=ids,
        status__in=Assignment.OPEN_STATUSES,
        advice_request__status__in=OPEN_REQUEST_STATUSES,
    ).select_related("advice_request", "team")
    return {assignment.public_id: assignment for assignment in rows}


def message_for(reminder: CaseReminder, assignment: Assignment) -> tuple[str, str]:
    """(subject, body) of one reminder about one assignment."""
    kind = ReminderKind(reminder.kind)
    values = {
        "reference": assignment.advice_request.reference,
        "team": assignment.team.name,
        "due": f"{assignment.due_on:%-d %B %Y}",
    }
    body = (
        BODIES[kind].format(**values)
        + f"\n\nReference: {values['reference']}\nOpen it here: {assignment_link(assignment)}\n"
        + "\nYou get this e-mail because of your role in the service. Do not reply with personal details.\n"
    )
    return SUBJECTS[kind].format(**values), body


HANDLER = ReminderHandler(
    record_type="advice.assignment",
    open_records=open_assignments,
    message=message_for,
    event=NotificationEvent.REMINDER,
)

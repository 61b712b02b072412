"""The advice app's involvements with a child (ADR 0018), written by `advice.services` in the same
transaction as the casework they follow:

- the requesting local authority, from the day health received the request until it is complete
  (every team has answered and the DCO has released or accepted it) or cancelled;
- each provider team the DCO routes it to, from the day the team received it until its advice (or
  its "not known") went to the LA, or the request was cancelled.

The DCO service needs no rows: it reaches a child through the involvements of the LAs in its areas.
"""

from __future__ import annotations

import datetime as dt

from advice.models import AdviceRequest, Assignment
from children.involvements import record_involvement

REASON = "advice_request"
REASON_LABEL = "EHC needs assessment health advice"


def _cancelled_on(record: AdviceRequest | Assignment) -> dt.date:
    return record.updated_at.date()


def request_ended_on(advice_request: AdviceRequest) -> dt.date | None:
    if advice_request.status == AdviceRequest.Status.COMPLETE:
        return advice_request.completed_on or advice_request.updated_at.date()
    if advice_request.status == AdviceRequest.Status.CANCELLED:
        return _cancelled_on(advice_request)
    return None


def assignment_ended_on(assignment: Assignment) -> dt.date | None:
    if assignment.status in (Assignment.Status.RELEASED, Assignment.Status.NOT_KNOWN):
        return assignment.returned_on or assignment.updated_at.date()
    if assignment.status == Assignment.Status.CANCELLED:
        return _cancelled_on(assignment)
    return None


def record_involvements(advice_request: AdviceRequest) -> None:
    """Bring the request's involvement rows up to date with its state (idempotent)."""
    advice_request = AdviceRequest.objects.get(pk=advice_request.pk)
    record_involvement(
        child=advice_request.child,
        organisation_id=advice_request.local_authority_id,
        reason=REASON,
        record=advice_request,
        started_on=advice_request.received_by_health,
        ended_on=request_ended_on(advice_request),
    )
    for assignment in advice_request.assignments.all():
        record_involvement(
            child=advice_request.child,
            organisation_id=assignment.team_id,
            reason=REASON,
            record=assignment,
            started_on=assignment.received_on,
            ended_on=assignment_ended_on(assignment),
        )

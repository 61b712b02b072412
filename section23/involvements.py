"""The section 23 app's involvements with a child (ADR 0018), written by `section23.services` in the
same transaction as the notification or concern they follow:

- the notifying team (or the DCO service, for the ICB), from the day the notification is drafted until
  the LA records its decision;
- the local authority it is sent to, from the day it is sent until it records its decision;
- the GP practice or independent provider that raised a concern, from the day it raised it until the
  DCO service decided.

The DCO service of the area needs no rows for notifications sent to its LAs: it reaches the child
through the LA's involvement.
"""

from __future__ import annotations

from children.involvements import record_involvement
from section23.models import Concern, Notification

REASON = "s23_notification"
REASON_LABEL = "Section 23 notification (child under school age who may have SEND)"
CONCERN_REASON = "s23_concern"
CONCERN_REASON_LABEL = "Concern raised with the DCO service about a young child"


def record_involvements(notification: Notification) -> None:
    """Bring the notification's involvement rows up to date with its state (idempotent)."""
    ended = notification.decided_on
    record_involvement(
        child=notification.child,
        organisation_id=notification.notifier.pk,
        reason=REASON,
        record=notification,
        started_on=notification.created_at.date(),
        ended_on=ended,
    )
    if notification.sent_on is not None:
        record_involvement(
            child=notification.child,
            organisation_id=notification.local_authority_id,
            reason=REASON,
            record=notification,
            started_on=notification.sent_on,
            ended_on=ended,
        )


def record_concern_involvement(concern: Concern) -> None:
    record_involvement(
        child=concern.child,
        organisation_id=concern.raised_by_organisation_id,
        reason=CONCERN_REASON,
        record=concern,
        started_on=concern.created_at.date(),
        ended_on=concern.decided_on,
    )

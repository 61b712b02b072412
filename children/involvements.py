"""Writing involvements: how every app tells `children` who is involved with a child (ADR 0018).

An app's service calls `record_involvement` in the same transaction as its own record, and again
whenever that record's state changes (it is idempotent: one row per organisation and source record).
`children` never reads the app's tables: it knows the source only by its model label and public id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from children.models import ChildOrYoungPerson, Involvement


def record_involvement(
    *,
    child: ChildOrYoungPerson,
    organisation_id: int,
    reason: str,
    record: Any,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> Involvement:
    """The involvement of one organisation with `child` through `record` (a model instance with a
    `public_id`), created or brought up to date. `ended_on` None means the work is still going on."""
    involvement, _ = Involvement.objects.update_or_create(
        organisation_id=organisation_id,
        record_type=record._meta.label_lower,
        record_id=record.public_id,
        defaults={
            "child": child,
            "reason": reason,
            "started_on": started_on,
            "ended_on": ended_on,
            "updated_at": timezone.now(),
        },
    )
    return involvement


def involvements_of(record: Any) -> list[Involvement]:
    """The involvements written for one source record."""
    return list(Involvement.objects.filter(record_type=record._meta.label_lower, record_id=record.public_id))

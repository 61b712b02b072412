"""Involvements for the advice requests and assignments made before they existed (ADR 0018).

The same rules as `advice.involvements`, restated here because a migration cannot import app code:
the requesting LA from the day health received the request until it was complete or cancelled;
each team from the day it received the request until its advice or "not known" went to the LA, or
the request was cancelled.
"""

import uuid

from django.db import migrations
from django.utils import timezone

REASON = "advice_request"


def backfill(apps, schema_editor):
    AdviceRequest = apps.get_model("advice", "AdviceRequest")
    Assignment = apps.get_model("advice", "Assignment")
    Involvement = apps.get_model("children", "Involvement")
    now = timezone.now()
    rows = []
    for r in AdviceRequest.objects.all().iterator(chunk_size=2000):
        ended = None
        if r.status == "complete":
            ended = r.completed_on or r.updated_at.date()
        elif r.status == "cancelled":
            ended = r.updated_at.date()
        rows.append(
            Involvement(
                public_id=uuid.uuid4(),
                child_id=r.child_id,
                organisation_id=r.local_authority_id,
                reason=REASON,
                record_type="advice.advicerequest",
                record_id=r.public_id,
                started_on=r.received_by_health,
                ended_on=ended,
                created_at=now,
                updated_at=now,
            )
        )
    for a in Assignment.objects.select_related("advice_request").iterator(chunk_size=2000):
        ended = None
        if a.status in ("released", "not_known"):
            ended = a.returned_on or a.updated_at.date()
        elif a.status == "cancelled":
            ended = a.updated_at.date()
        rows.append(
            Involvement(
                public_id=uuid.uuid4(),
                child_id=a.advice_request.child_id,
                organisation_id=a.team_id,
                reason=REASON,
                record_type="advice.assignment",
                record_id=a.public_id,
                started_on=a.received_on,
                ended_on=ended,
                created_at=now,
                updated_at=now,
            )
        )
    Involvement.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def remove(apps, schema_editor):
    Involvement = apps.get_model("children", "Involvement")
    Involvement.objects.filter(record_type__in=["advice.advicerequest", "advice.assignment"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0007_assessment_version"),
        ("children", "0003_involvements"),
    ]

    operations = [migrations.RunPython(backfill, remove)]

"""Advice reminders move to casework's shared reminder table (casework.CaseReminder).

Every advice.Reminder row, sent or not, becomes a CaseReminder naming its assignment the way every
case's reminders do: record type "advice.assignment" and the assignment's public id. Kind, recipient,
due time, sent time and attempts are kept; a row's created_at is when its assignment was routed (when
the reminders were scheduled). Unsent rows about assignments no longer with a team are copied too; the
shared worker job drops them, as it does any reminder whose case has moved on. The old table goes in
0012. Backwards, the rows go back to advice.Reminder (for assignments that still exist).
"""

from django.db import migrations

RECORD_TYPE = "advice.assignment"
BATCH = 2000


def to_casework(apps, schema_editor):
    Reminder = apps.get_model("advice", "Reminder")
    CaseReminder = apps.get_model("casework", "CaseReminder")
    rows = []
    old = Reminder.objects.order_by("pk").values(
        "kind",
        "recipient",
        "due_at",
        "sent_at",
        "attempts",
        "assignment__public_id",
        "assignment__routed_at",
    )
    for reminder in old.iterator(chunk_size=BATCH):
        rows.append(
            CaseReminder(
                record_type=RECORD_TYPE,
                record_id=reminder["assignment__public_id"],
                kind=reminder["kind"],
                recipient=reminder["recipient"],
                due_at=reminder["due_at"],
                sent_at=reminder["sent_at"],
                attempts=reminder["attempts"],
                created_at=reminder["assignment__routed_at"],
            )
        )
        if len(rows) >= BATCH:
            CaseReminder.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    CaseReminder.objects.bulk_create(rows, ignore_conflicts=True)


def back_to_advice(apps, schema_editor):
    Assignment = apps.get_model("advice", "Assignment")
    Reminder = apps.get_model("advice", "Reminder")
    CaseReminder = apps.get_model("casework", "CaseReminder")
    shared = CaseReminder.objects.filter(record_type=RECORD_TYPE)
    rows = []
    for reminder in shared.order_by("pk").iterator(chunk_size=BATCH):
        rows.append(reminder)
        if len(rows) >= BATCH:
            _restore(Assignment, Reminder, rows)
            rows = []
    _restore(Assignment, Reminder, rows)
    shared.delete()


def _restore(Assignment, Reminder, rows):
    ids = dict(
        Assignment.objects.filter(public_id__in={r.record_id for r in rows}).values_list("public_id", "pk")
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                assignment_id=ids[r.record_id],
                kind=r.kind,
                recipient=r.recipient,
                due_at=r.due_at,
                sent_at=r.sent_at,
                attempts=r.attempts,
            )
            for r in rows
            if r.record_id in ids
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0010_advice_draft"),
        ("casework", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_casework, back_to_advice)]

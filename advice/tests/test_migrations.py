"""Advice reminders moving to casework's shared table (advice migrations 0011 and 0012), both ways."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from advice.testing import make_request, make_world, route
from casework.models import CaseReminder

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("advice", "0010_advice_draft")]
AFTER = [("advice", "0012_delete_reminder")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_every_reminder_row_moves_to_casework_and_back():
    world = make_world()
    (assignment,) = route(world, make_request(world), world.team)
    (other,) = route(world, make_request(world), world.other_team)
    scheduled = CaseReminder.objects.filter(record_type="advice.assignment").count()
    assert scheduled > 4

    old = migrate(BEFORE)  # backwards: the rows go back to advice.Reminder
    Reminder = old.get_model("advice", "Reminder")
    assert not CaseReminder.objects.filter(record_type="advice.assignment").exists()
    assert Reminder.objects.count() == scheduled
    sent_at = timezone.now() - dt.timedelta(days=3)
    first = Reminder.objects.filter(assignment_id=assignment.pk, kind="due_soon").earliest("pk")
    Reminder.objects.filter(pk=first.pk).update(sent_at=sent_at, attempts=2)
    Reminder.objects.filter(assignment_id=other.pk, kind="overdue").update(attempts=4)
    before = {
        (r.assignment_id, r.kind, r.recipient): (r.due_at, r.sent_at, r.attempts)
        for r in Reminder.objects.all()
    }

    migrate(AFTER)
    with connection.cursor() as cursor:
        assert "advice_reminder" not in connection.introspection.table_names(cursor)
    ids = {assignment.public_id: assignment.pk, other.public_id: other.pk}
    moved = CaseReminder.objects.filter(record_type="advice.assignment")
    after = {(ids[r.record_id], r.kind, r.recipient): (r.due_at, r.sent_at, r.attempts) for r in moved}
    assert after == before  # sent and unsent, with their attempts
    assert moved.filter(sent_at__isnull=False).count() == 1
    assert {r.created_at for r in moved.filter(record_id=assignment.public_id)} == {assignment.routed_at}

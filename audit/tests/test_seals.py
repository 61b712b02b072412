"""Tamper evidence: the hash chain over the access log notices a changed or removed event."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.testing import member
from audit.models import AppendOnlyError, AuditEvent, AuditSeal
from audit.services import record_access, seal_events, verify_seals
from audit.tasks import seal_access_log

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=10)


def some_events(n: int = 3) -> list[AuditEvent]:
    user = member("dco")
    return [record_access(user=user, action="view", obj=None, detail=f"look {i}") for i in range(n)]


def test_events_are_sealed_a_few_minutes_later_in_a_chain():
    events = some_events(3)
    assert seal_events() is None  # too recent: their transactions might still be open
    first = seal_events(now=timezone.now() + LATER)
    assert first is not None and (first.first_event_id, first.last_event_id) == (events[0].pk, events[-1].pk)
    assert first.event_count == 3
    more = some_events(2)
    second = seal_events(now=timezone.now() + LATER)
    assert second is not None and second.previous_hash == first.hash
    assert second.last_event_id == more[-1].pk
    assert seal_events(now=timezone.now() + LATER) is None  # nothing new
    assert verify_seals() == []


def test_the_periodic_job_seals_everything_ready_in_batches():
    events = some_events(5)
    with mock.patch("audit.services.SEAL_DELAY", dt.timedelta(0)):
        seal_access_log(batch=2)
    assert list(AuditSeal.objects.values_list("event_count", flat=True)) == [2, 2, 1]
    last = AuditSeal.objects.last()
    assert last is not None and last.last_event_id == events[-1].pk
    assert verify_seals() == []


def test_a_removed_event_is_detected():
    events = some_events(3)
    seal_events(now=timezone.now() + LATER)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Someone with the table owner's rights (the trigger stops everyone else).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    problems = verify_seals()
    assert len(problems) == 1 and "2 found, 3 sealed" in problems[0]
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit_log")


def test_an_altered_event_is_detected():
    events = some_events(3)
    seal_events(now=timezone.now() + LATER)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Someone with the table owner's rights (the trigger stops everyone else).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
        cursor.execute(
            "UPDATE audit_auditevent SET user_email = 'someone.else@example.org' WHERE id = %s",
            [events[0].pk],
        )
    problems = verify_seals()
    assert len(problems) == 1 and "altered" in problems[0]


def test_the_command_reports_an_intact_log(capsys):
    some_events(2)
    seal_events(now=timezone.now() + LATER)
    call_command("verify_audit_log")
    assert "Access log intact (up to event" in capsys.readouterr().out


def test_seals_are_append_only_too():
    some_events(1)
    seal = seal_events(now=timezone.now() + LATER)
    assert seal is not None
    with pytest.raises(AppendOnlyError):
        AuditSeal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        seal.save()

"""Tamper evidence: the hash chain over the access log notices a changed or removed event."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.models import AppendOnlyError, AuditEvent, AuditSeal
from audit.services import read_anchors, record_access, seal_events, verify_seals
from audit.tasks import seal_access_log

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=10)


def some_events(n: int = 3) -> list[AuditEvent]:
    return [record_access(user=None, action="view", obj=None, detail=f"look {i}") for i in range(n)]


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


# What someone with the owner's rights could do, and what finds it -----------------------------------


def _as_owner(*statements: tuple[str, list]) -> None:
    """Run SQL as the tables' owner would: past the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER audit_seal_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_seal_no_update")
        for sql, params in statements:
            cursor.execute(sql, params)


def _sealed_log(caplog, rounds: int = 3) -> tuple[list[AuditEvent], dict[int, str]]:
    """Events sealed in `rounds` seals, and the anchors the application log recorded for them."""
    events: list[AuditEvent] = []
    with caplog.at_level("INFO", logger="audit.seals"):
        for _ in range(rounds):
            events += some_events(2)
            assert seal_events(now=timezone.now() + LATER) is not None
    anchors = read_anchors(caplog.messages)
    assert len(anchors) == rounds
    assert verify_seals(anchors) == []
    return events, anchors


def test_an_event_moved_to_another_place_in_the_order_is_detected(caplog):
    events, anchors = _sealed_log(caplog)
    first, second = events[0], events[1]
    _as_owner(
        ("UPDATE audit_auditevent SET detail = %s WHERE id = %s", [second.detail, first.pk]),
        ("UPDATE audit_auditevent SET detail = %s WHERE id = %s", [first.detail, second.pk]),
    )
    assert any("altered" in p for p in verify_seals())


def test_an_event_slipped_into_the_sealed_range_is_detected(caplog):
    events, anchors = _sealed_log(caplog)
    _as_owner(("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk]))
    assert any("removed or added" in p for p in verify_seals())


def test_the_newest_seals_removed_with_their_events_are_found_only_through_the_logged_anchors(caplog):
    events, anchors = _sealed_log(caplog)
    last_two_seals = list(AuditSeal.objects.order_by("-last_event_id").values_list("pk", flat=True)[:2])
    _as_owner(
        ("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk]),
        ("DELETE FROM audit_auditseal WHERE id IN (%s, %s)", last_two_seals),
    )
    assert verify_seals() == []  # the database alone cannot tell a shorter log from a younger one
    problems = verify_seals(anchors)
    assert len(problems) == 2 and all("removed (or the tables emptied)" in p for p in problems)


def test_emptied_tables_are_found_through_the_logged_anchors(caplog):
    events, anchors = _sealed_log(caplog)
    _as_owner(("DELETE FROM audit_auditevent", []))
    assert any("removed or added" in p for p in verify_seals())  # events gone, seals left
    _as_owner(("DELETE FROM audit_auditseal", []))
    assert verify_seals() == []
    assert len(verify_seals(anchors)) == 3


def test_a_changed_event_with_the_chain_recomputed_is_found_through_the_logged_anchors(caplog):
    events, anchors = _sealed_log(caplog)
    _as_owner(
        ("UPDATE audit_auditevent SET user_email = 'someone.else@example.org' WHERE id = %s", [events[0].pk]),
        ("DELETE FROM audit_auditseal", []),
    )
    with mock.patch("audit.services.SEAL_DELAY", dt.timedelta(0)):
        seal_access_log(batch=2)  # re-sealed from the start, in the same batches
    assert verify_seals() == []
    problems = verify_seals(anchors)
    assert problems and all("chain was rebuilt" in p or "recomputed" in p for p in problems)


def test_the_command_checks_the_chain_through_a_logged_anchors_file(caplog, tmp_path, capsys):
    events, anchors = _sealed_log(caplog)
    log = tmp_path / "app.log"
    log.write_text("INFO something else\n" + "\n".join(f"2026-11-29 INFO {m}" for m in caplog.messages))
    call_command("verify_audit_log", anchors=[str(log)])
    assert "3 logged seals found in the chain" in capsys.readouterr().out
    _as_owner(("DELETE FROM audit_auditseal WHERE last_event_id = %s", [events[-1].pk]))
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit_log", anchors=[str(log)])
    empty = tmp_path / "empty.log"
    empty.write_text("nothing here\n")
    with pytest.raises(CommandError, match="No 'Access log sealed' lines"):
        call_command("verify_audit_log", anchors=[str(empty)])

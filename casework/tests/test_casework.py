"""The shared casework foundations: working-day targets, dashboard helpers, reminders claimed once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from accounts.models import DigestItem, NotificationEvent, PersonalNotification, Role
from accounts.testing import member
from casework import dashboard, inbox, reminders, targets
from casework.models import CaseReminder
from core.testing import committed, run_at_once


def test_targets_count_working_days_and_skip_bank_holidays():
    # Thu 24 Dec 2026: Fri 25 (Christmas) and Mon 28 (Boxing Day substitute) are bank holidays.
    assert targets.due_after(dt.date(2026, 12, 24), 3) == dt.date(2026, 12, 31)
    assert targets.working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 3
    assert targets.working_days_between(dt.date(2026, 12, 31), dt.date(2026, 12, 24)) == 0
    assert targets.within_target(due_on=dt.date(2026, 1, 5), done_on=dt.date(2026, 1, 5))
    assert not targets.within_target(due_on=dt.date(2026, 1, 5), done_on=dt.date(2026, 1, 6))
    assert targets.working_days_overdue(dt.date(2026, 1, 5), dt.date(2026, 1, 7)) == 2


def test_periods_presets_and_any_dates():
    today = dt.date(2026, 11, 29)
    assert dashboard.preset("month", today).start == dt.date(2026, 11, 1)
    assert dashboard.preset("quarter", today).start == dt.date(2026, 10, 1)
    assert dashboard.preset("year", today).start == dt.date(2026, 4, 1)
    last = dashboard.preset("last-year", today)
    assert (last.start, last.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    period, errors = dashboard.period_from(
        {"period": "custom", "from": "2026-05-01", "to": "2026-05-31"}, today
    )
    assert not errors and (period.start, period.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert period.query == {"period": "custom", "from": "2026-05-01", "to": "2026-05-31"}
    period, errors = dashboard.period_from(
        {"period": "custom", "from": "2026-05-31", "to": "nonsense"}, today
    )
    assert set(errors) == {"to"} and period.key == "year"
    assert dashboard.period_from({"period": "<script>"}, today)[0].key == "year"


def test_shares_spreads_and_safe_csv_cells():
    assert dashboard.Share(1, 3).percent == 33 and dashboard.Share(0, 0).percent is None
    assert str(dashboard.Share(0, 0)) == "no cases"
    spread = dashboard.spread([5, 1, 3, 10])
    assert (spread.cases, spread.median, spread.longest) == (4, 4.0, 10)
    assert dashboard.spread([]).median is None
    assert dashboard.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert dashboard.safe_cell(-3) == "-3"
    counts = dashboard.counts_of(["a", "b", "a"], {"a": "Apple"})
    assert [(c.label, c.count) for c in counts] == [("Apple", 2), ("b", 1)]


def test_a_csv_download_starts_with_a_byte_order_mark():
    response = dashboard.csv_response("x.csv", ["name"], [["=1+1"]])
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffname") and "'=1+1" in body
    response = dashboard.csv_response("x.csv", ["name"], [["=1+1"]], byte_order_mark=False)
    assert b"".join(response.streaming_content).decode() == "name\r\n'=1+1\r\n"


def test_inbox_choice_keeps_only_allowed_values():
    assert inbox.choice("due", {"due": 1}) == "due"
    assert inbox.choice("evil", {"due": 1}, "due") == "due"


class _Case:
    """Stands in for a case model: what reminders need is a model label and a public id."""

    class _meta:  # noqa: N801
        label_lower = "tests.case"

    def __init__(self) -> None:
        self.public_id = uuid.uuid4()


@pytest.mark.django_db
def test_reminders_are_scheduled_once_sent_once_and_dropped_when_the_case_closes(mailoutbox):
    case, closed = _Case(), _Case()
    now = timezone.now()
    assert (
        reminders.schedule(
            record=case, kind="chase", recipients=["a@example.org", "a@example.org"], due_at=now
        )
        == 1
    )
    reminders.schedule(record=case, kind="chase", recipients=["a@example.org"], due_at=now)
    reminders.schedule(record=closed, kind="chase", recipients=["b@example.org"], due_at=now)
    assert CaseReminder.objects.count() == 2
    reminders.register(
        reminders.ReminderHandler(
            record_type="tests.case",
            open_records=lambda ids: {i: case for i in ids if i == case.public_id},
            message=lambda reminder, record: (f"Chase {record.public_id}", "Body"),
        )
    )
    with committed():
        assert reminders.send_due(now) == 1
        assert reminders.send_due(now) == 0
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert not CaseReminder.objects.filter(record_id=closed.public_id).exists()
    assert reminders.oldest_due_reminder() is None


@pytest.mark.django_db
def test_a_reminder_is_sent_as_its_event_and_honours_what_each_recipient_chose(mailoutbox):
    case = _Case()
    now = timezone.now()
    off = member(Role.DCO, email="off@example.org")
    digest = member(Role.DCO, email="digest@example.org")
    member(Role.DCO, email="each@example.org")
    PersonalNotification.objects.create(
        user=off, event=NotificationEvent.REMINDER, delivery=PersonalNotification.Delivery.OFF
    )
    PersonalNotification.objects.create(
        user=digest, event=NotificationEvent.REMINDER, delivery=PersonalNotification.Delivery.DIGEST
    )
    # A choice about another event does not change this one.
    PersonalNotification.objects.create(
        user=digest, event=NotificationEvent.NEW_REQUEST, delivery=PersonalNotification.Delivery.OFF
    )
    reminders.schedule(
        record=case,
        kind="chase",
        recipients=["off@example.org", "digest@example.org", "each@example.org"],
        due_at=now,
    )
    reminders.register(
        reminders.ReminderHandler(
            record_type="tests.case",
            open_records=lambda ids: {i: case for i in ids if i == case.public_id},
            message=lambda reminder, record: (f"Chase {record.public_id}", "Body"),
            event=NotificationEvent.REMINDER,
        )
    )
    with committed():
        assert reminders.send_due(now) == 3
        assert reminders.send_due(now) == 0
    assert [m.to for m in mailoutbox] == [["each@example.org"]]
    assert list(DigestItem.objects.values_list("address", "event")) == [
        ("digest@example.org", NotificationEvent.REMINDER)
    ]
    # Claimed all the same: the person who turned it off is not tried again.
    assert not reminders.due_reminders(now).exists()


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_claimed_by_one_worker_only():
    case = _Case()
    reminders.schedule(record=case, kind="chase", recipients=["a@example.org"], due_at=timezone.now())
    row = CaseReminder.objects.get()
    results, errors = run_at_once(lambda: reminders.claim(row.pk, timezone.now()), 4)
    assert not errors
    assert results.count(True) == 1

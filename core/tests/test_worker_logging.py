"""The worker logs work and errors, not its idle passes."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

from core.email import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_idle_worker_pass_writes_no_log_lines(caplog):
    caplog.set_level(logging.INFO)
    call_command("worker", "--once")
    call_command("worker", "--once")
    chatter = [r.getMessage() for r in caplog.records if r.name.startswith("django_tasks_db")]
    assert chatter == []  # was "Starting worker ..." and "... exiting gracefully" every 5 seconds


def test_a_pass_that_sends_an_email_still_says_so(caplog, mailoutbox):
    send_email(to=["team@example.org"], subject="Health advice is due", body="Synthetic body")
    caplog.set_level(logging.INFO)
    call_command("worker", "--once")
    assert [m.subject for m in mailoutbox] == ["Health advice is due"]
    work = [r.getMessage() for r in caplog.records if r.name == "django.tasks"]
    assert any("core.tasks.deliver_email state=SUCCESSFUL" in line for line in work), work

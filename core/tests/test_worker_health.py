"""The background worker's heartbeat, /healthz and the staff warning when reminders are late.

The end-to-end case (a real worker under the real supervisor, killed with SIGKILL) is in
test_worker_death.py; these check the rules in one process.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.testing import sign_in
from advice.models import Assignment
from advice.testing import make_request, make_world, route
from casework.models import CaseReminder
from core.health import record_heartbeat
from core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db
BANNER = "Reminders and e-mails are running late"


@pytest.fixture(autouse=True)
def _fresh_banner_cache():
    cache.clear()
    yield
    cache.clear()


def beat(seconds_ago: float) -> None:
    now = timezone.now()
    record_heartbeat(started_at=now - dt.timedelta(hours=1), now=now - dt.timedelta(seconds=seconds_ago))


def healthz() -> tuple[int, dict]:
    response = Client().get("/healthz")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_no_worker_ever_seen_is_unhealthy():
    status, body = healthz()
    assert status == 503
    assert body["status"] == "failing"
    assert body["worker"] == {"status": "missing", "last_heartbeat_seconds_ago": None, "max_seconds": 300}


def test_a_recent_heartbeat_is_healthy_and_a_stale_one_is_not():
    beat(10)
    status, body = healthz()
    assert status == 200 and body["status"] == "ok"
    assert body["worker"]["status"] == "ok" and 10 <= body["worker"]["last_heartbeat_seconds_ago"] <= 120
    assert body["waiting_work"] == {"status": "ok", "oldest_waiting_seconds": 0, "max_seconds": 900}

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=301))
    status, body = healthz()
    assert status == 503 and body["worker"]["status"] == "stale"


def test_the_thresholds_are_settings():
    beat(10)
    with override_settings(WORKER_HEARTBEAT_MAX_SECONDS=5):
        assert healthz()[0] == 503
    with override_settings(WORKER_HEARTBEAT_MAX_SECONDS=60):
        assert healthz()[0] == 200


def test_one_live_worker_is_enough_when_another_has_stopped():
    beat(3600)
    WorkerHeartbeat.objects.create(
        name="other-host:42", pid=42, started_at=timezone.now(), beat_at=timezone.now()
    )
    assert healthz()[0] == 200


def test_a_task_waiting_too_long_is_unhealthy_even_with_a_live_worker():
    beat(1)
    task = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="core.tasks.deliver_email",
        backend_name="default",
        run_after=dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
    )
    assert healthz()[0] == 200  # just queued
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(minutes=16))
    status, body = healthz()
    assert status == 503
    assert body["worker"]["status"] == "ok"
    assert body["waiting_work"]["status"] == "stale" and body["waiting_work"]["oldest_waiting_seconds"] >= 960


def due_reminder_waiting(minutes: int) -> CaseReminder:
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    reminder = CaseReminder.objects.order_by("pk").first()
    assert reminder is not None, "routing schedules reminders"
    CaseReminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - dt.timedelta(minutes=minutes))
    return reminder


def test_a_reminder_due_long_ago_and_unsent_is_unhealthy_and_staff_are_warned():
    beat(1)
    reminder = due_reminder_waiting(minutes=30)
    status, body = healthz()
    assert status == 503 and body["waiting_work"]["status"] == "stale"
    # Nothing in the answer is about a person or a case: only statuses and numbers.
    text = str(body)
    reference = Assignment.objects.get(public_id=reminder.record_id).advice_request.reference
    assert reminder.recipient not in text and reference not in text
    assert set(body) == {"status", "database", "worker", "waiting_work"}

    staff = sign_in(Client(), make_world().la_user)
    page = staff.get("/")
    assert BANNER in page.text
    assert BANNER not in Client().get("/").text  # the public see no banner

    # Once sent, the warning goes (after the banner's 30-second cache).
    CaseReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    cache.clear()
    assert healthz()[0] == 200
    assert BANNER not in staff.get("/").text


def test_staff_are_warned_when_the_worker_has_stopped():
    beat(3600)
    staff = sign_in(Client(), make_world().dco)
    assert BANNER in staff.get("/").text
    cache.clear()
    beat(0)
    assert BANNER not in staff.get("/").text


def test_no_banner_where_no_worker_has_ever_run():
    """A development copy or a test run: /healthz says 'missing', but pages carry no banner."""
    staff = sign_in(Client(), make_world().dco)
    assert BANNER not in staff.get("/").text

"""Real concurrent writers (threads with their own connections). PostgreSQL only: SQLite's in-memory
test database is not shared between connections."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from advice import services
from advice.models import Assignment
from advice.testing import make_request, make_world, route
from audit.testing import TEST_CONTEXT
from casework import reminders
from casework.models import CaseReminder
from core.testing import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.DB_VENDOR != "postgresql", reason="needs PostgreSQL"),
]


def test_two_workers_never_send_a_reminder_twice():
    world = make_world()
    for _ in range(5):
        route(world, make_request(world), world.team, world.other_team)
    moment = timezone.make_aware(dt.datetime.combine(dt.date.today() + dt.timedelta(weeks=5), dt.time(9)))
    due = CaseReminder.objects.filter(record_type="advice.assignment", due_at__lte=moment).count()
    assert due > 10
    mail.outbox.clear()  # the routing e-mails sent on commit
    results, errors = run_at_once(lambda: reminders.send_due(moment), 4)
    assert not errors
    assert sum(results) == due
    sent = [(m.subject, m.body, m.to[0]) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == due


def test_two_people_accepting_and_declining_at_once_one_is_told():
    world = make_world()
    (assignment,) = route(world, make_request(world), world.team)
    version = assignment.version

    def accept():
        a = Assignment.objects.get(pk=assignment.pk)
        return services.accept_assignment(
            context=TEST_CONTEXT, user=world.clinician, assignment=a, expected_version=version
        )

    def decline():
        a = Assignment.objects.get(pk=assignment.pk)
        return services.decline_not_known(
            context=TEST_CONTEXT,
            user=world.manager,
            assignment=a,
            expected_version=version,
            reason="Not known to the service; assessment offered.",
        )

    results, errors = _in_threads_pair(accept, decline)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.ConcurrentUpdate | services.InvalidTransition)
    assignment.refresh_from_db()
    assert assignment.version == version + 1


def _in_threads_pair(first, second):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                results.append(fn())
            except Exception as exc:
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(first)), threading.Thread(target=wrap(second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors

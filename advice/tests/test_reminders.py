import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import NotificationEvent, PersonalNotification
from advice import services
from advice.models import Assignment
from advice.testing import GOOD_ADVICE, make_request, make_world, route
from audit.testing import TEST_CONTEXT
from casework import reminders
from casework.models import CaseReminder
from core.testing import committed, failing_mailer

pytestmark = pytest.mark.django_db


def scan(*args, **kwargs):
    """The shared reminder job as the worker runs it: its e-mails are queued as it goes (no
    transaction around it)."""
    with committed():
        return reminders.send_due(*args, **kwargs)


@pytest.fixture
def world():
    return make_world()


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_due_soon_then_at_risk_then_overdue_each_sent_once(world):
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    due = assignment.due_on

    assert scan(_at(due - dt.timedelta(days=20))) == 0
    # The team has no shared mailbox, so its members are told.
    assert scan(_at(due - dt.timedelta(days=14))) == 2
    assert {m.to[0] for m in mail.outbox} == {world.clinician.email, world.manager.email}
    sent_before = len(mail.outbox)
    assert scan(_at(due - dt.timedelta(days=14))) == 0  # again: nothing new
    at_risk = scan(_at(due - dt.timedelta(days=10)))
    assert at_risk == 3  # team manager, DCO, DCO admin
    recipients = {m.to[0] for m in mail.outbox[sent_before:]}
    assert recipients == {world.manager.email, world.dco.email, world.dco_admin.email}
    assert scan(_at(due + dt.timedelta(days=1))) == 3
    assert scan(_at(due + dt.timedelta(days=30))) == 0
    assert not reminders.reminders_for(assignment).filter(sent_at__isnull=True).exists()
    assert reminders.reminders_for(assignment).count() == 8


def test_team_mailbox_used_when_set(world):
    world.team.email = "slt-team@example.org"
    world.team.save()
    (assignment,) = route(world, make_request(world), world.team)
    scan(_at(assignment.due_on - dt.timedelta(days=14)))
    assert mail.outbox[-1].to == ["slt-team@example.org"]


def test_no_names_or_health_details_in_reminders(world):
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    scan(_at(assignment.due_on + dt.timedelta(days=2)))
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body
        assert advice_request.reference in text
        assert str(assignment.public_id) in text  # the link
        assert advice_request.child.given_name not in text
        assert advice_request.child.family_name not in text
        assert advice_request.questions not in text
        assert "speech and language therapy" not in advice_request.known_health_involvement.lower() or (
            advice_request.known_health_involvement not in text
        )


def test_no_reminders_once_advice_is_submitted(world):
    (assignment,) = route(world, make_request(world), world.team)
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )
    assert scan(_at(assignment.due_on + dt.timedelta(days=2))) == 0


def test_a_claimed_reminder_is_not_sent_by_a_second_worker(world):
    (assignment,) = route(world, make_request(world), world.team)
    reminder = reminders.reminders_for(assignment).filter(kind="due_soon").earliest("pk")
    now = timezone.now()
    assert reminders.claim(reminder.pk, now) is True
    assert reminders.claim(reminder.pk, now) is False  # the second claimant (another worker) loses
    # A worker that restarts and scans again does not resend what was claimed; it sends the rest.
    assert scan(_at(assignment.due_on - dt.timedelta(days=14))) == 1
    assert reminder.recipient not in {m.to[0] for m in mail.outbox}


def test_a_failed_send_is_retried_and_the_reminder_never_sent_twice(world):
    (assignment,) = route(world, make_request(world), world.team)
    moment = _at(assignment.due_on - dt.timedelta(days=14))
    mail.outbox.clear()
    with failing_mailer(failures=1) as attempts:
        assert scan(moment) == 2
    due_soon = reminders.reminders_for(assignment).filter(kind="due_soon")
    assert all(r.sent_at is not None for r in due_soon)
    assert len(attempts) == 3  # one failed, was tried again, and the other went first time
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient for r in due_soon)
    assert scan(moment) == 0


def test_rescheduling_is_idempotent(world):
    (assignment,) = route(world, make_request(world), world.team)
    count = CaseReminder.objects.count()
    services.schedule_reminders(assignment)
    assert CaseReminder.objects.count() == count


def test_rows_name_the_assignment_by_its_public_id(world):
    (assignment,) = route(world, make_request(world), world.team)
    rows = CaseReminder.objects.filter(record_id=assignment.public_id)
    assert set(rows.values_list("record_type", flat=True)) == {"advice.assignment"}
    assert set(rows.values_list("kind", flat=True)) == {"due_soon", "at_risk", "overdue"}
    assert {r.due_at.astimezone(timezone.get_current_timezone()).hour for r in rows} == {8}


def test_sent_by_the_shared_job_once_and_waiting_work_counted_once():
    from core.health import waiting_work
    from core.management.commands.worker import periodic_jobs

    jobs = [name for name, _, _ in periodic_jobs()]
    assert "casework-reminders" in jobs and "advice-reminders" not in jobs
    assert [name for name, _ in waiting_work()].count("casework-reminders") == 1
    assert "advice-reminders" not in [name for name, _ in waiting_work()]


def test_reminders_come_back_when_advice_is_sent_back_for_rework(world):
    """While the advice waits for the DCO's check nothing is sent, and the shared job drops what falls
    due; rework puts it back with the team, and its reminders with it."""
    (assignment,) = route(world, make_request(world), world.team)
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )
    due_soon = _at(assignment.due_on - dt.timedelta(days=14))
    assert scan(due_soon) == 0
    assert not reminders.reminders_for(assignment).filter(kind="due_soon").exists()
    assignment.refresh_from_db()
    services.request_rework(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores={},
        comments="Say what the child's speech sounds like at home as well as in clinic.",
    )
    mail.outbox.clear()
    assert scan(due_soon) == 2
    assert {m.to[0] for m in mail.outbox} == {world.clinician.email, world.manager.email}
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.REWORK_REQUESTED


def test_a_person_who_turns_reminders_off_after_routing_gets_none(world):
    """Their choice when the reminder is sent counts (accounts.notifications.notify), not when it was
    scheduled."""
    (assignment,) = route(world, make_request(world), world.team)
    PersonalNotification.objects.create(
        user=world.clinician, event=NotificationEvent.REMINDER, delivery=PersonalNotification.Delivery.OFF
    )
    mail.outbox.clear()
    assert scan(_at(assignment.due_on - dt.timedelta(days=14))) == 2  # both claimed
    assert [m.to[0] for m in mail.outbox] == [world.manager.email]

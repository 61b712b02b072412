"""One way to send e-mail (core.email.send_email): queued when the transaction commits, delivered by
the worker, retried with back-off when the mail server fails, never failing the person's request,
and never sent for a change that rolled back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import task_backends
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.mailboxes import addresses_of
from accounts.models import Organisation, Role
from accounts.testing import make_organisation, member, sign_in
from advice.models import AdviceRequest
from advice.testing import make_request, make_world
from core.email import send_email
from core.testing import committed, failing_mailer

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


class Boom(Exception):
    pass


def test_nothing_is_sent_if_the_transaction_rolls_back():
    with committed(), pytest.raises(Boom), transaction.atomic():
        send_email(to=["team@example.org"], subject="Rolled back", body="Never sent")
        raise Boom
    assert mail.outbox == []
    with committed():
        send_email(to=["team@example.org", "", "team@example.org"], subject="Kept", body="Sent once")
    assert [(m.subject, m.to) for m in mail.outbox] == [("Kept", ["team@example.org"])]


def test_nothing_is_sent_before_the_commit():
    with committed():
        send_email(to=["team@example.org"], subject="After the commit", body="")
        assert mail.outbox == []
    assert len(mail.outbox) == 1


def _route(client: Client, advice_request: AdviceRequest, world) -> int:
    return client.post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "version": advice_request.version,
            f"teams_{world.trust.pk}": [world.team.pk],
            "lawful_basis": "legal_obligation",  # the test child has no consent recorded
            "received_on-day": str(TODAY.day),
            "received_on-month": str(TODAY.month),
            "received_on-year": str(TODAY.year),
        },
    ).status_code


def test_a_failing_mail_server_does_not_fail_the_request_and_the_send_is_retried():
    world = make_world()
    world.team.email = "slt-team@example.org"
    world.team.save(update_fields=["email"])
    advice_request = make_request(world)
    with failing_mailer(failures=2) as attempts, committed():
        assert _route(sign_in(Client(), world.dco), advice_request, world) == 302
    assert advice_request.assignments.filter(team=world.team).exists()  # the change stands
    assert attempts == [["slt-team@example.org"]] * 3  # failed twice, tried again, delivered
    assert [m.to for m in mail.outbox] == [["slt-team@example.org"]]


def test_a_mail_server_that_stays_down_still_does_not_fail_the_request(settings):
    world = make_world()
    advice_request = make_request(world)
    with failing_mailer(failures=100) as attempts, committed():
        assert _route(sign_in(Client(), world.dco), advice_request, world) == 302
    assert len(attempts) == len(settings.EMAIL_RETRY_DELAYS) + 1  # then given up, and logged
    assert mail.outbox == []


@pytest.fixture
def database_queue():
    """The database queue the worker drains in production (tests otherwise run tasks at once)."""
    immediate = task_backends["default"]
    task_backends["default"] = DatabaseBackend("default", {})
    yield
    task_backends["default"] = immediate


def _run_worker() -> None:
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection as it stops
def test_through_the_worker_a_failed_send_waits_and_is_retried_later(database_queue, settings):
    with committed():
        send_email(to=["dco@example.org"], subject="Queued", body="Through the worker")
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1  # queued, not sent by the request

    with failing_mailer(failures=1):
        _run_worker()
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.args_kwargs["kwargs"]["attempt"] == 2
    delay = (waiting.run_after - timezone.now()).total_seconds()
    assert settings.EMAIL_RETRY_DELAYS[0] - 5 < delay <= settings.EMAIL_RETRY_DELAYS[0]  # back-off
    assert not DBTaskResult.objects.ready().exists()  # not due yet
    _run_worker()
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now() - dt.timedelta(seconds=1))
    _run_worker()
    assert [m.subject for m in mail.outbox] == ["Queued"]


def test_an_organisation_is_written_to_at_its_shared_mailbox_or_else_its_members():
    with_mailbox = make_organisation(kind=Organisation.Kind.PROVIDER_TEAM, email="slt@example.org")
    without = make_organisation(kind=Organisation.Kind.PROVIDER_TEAM, email="")
    clinician = member(Role.PROVIDER_CLINICIAN, without, email="clinician.one@example.org")
    member(Role.PROVIDER_CLINICIAN, with_mailbox, email="clinician.two@example.org")
    manager = member(Role.PROVIDER_TEAM_MANAGER, with_mailbox, email="manager.two@example.org")
    roles = (Role.PROVIDER_CLINICIAN,)
    assert addresses_of([with_mailbox, without], roles) == ["clinician.one@example.org", "slt@example.org"]
    managers = addresses_of([with_mailbox], (Role.PROVIDER_TEAM_MANAGER,), shared_mailbox=False)
    assert managers == [manager.email]
    assert clinician.email not in managers

"""Review reminders: recorded once per service, kind and cycle; sent exactly once, one e-mail per provider."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from accounts.testing import OrganisationFactory, member
from audit.testing import TEST_CONTEXT
from core.testing import committed, failing_mailer
from directory import services, tasks
from directory.models import ReviewReminder, Service
from directory.testing import ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def send_reminders(*args, **kwargs):
    """The job as the worker runs it: its e-mails are queued as it goes (no transaction around it)."""
    with committed():
        return tasks.send_review_reminders(*args, **kwargs)


TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def provider_with_editors():
    org = OrganisationFactory(kind="service_provider", name="Example Play CIC")
    provider = ProviderFactory(name="Example Play", account=org, email="info@example.org")
    editor = member(Role.PROVIDER_EDITOR, org, email="play.editor@example.org")
    member(Role.PROVIDER_CLINICIAN, org, email="not.an.editor@example.org")
    return provider, editor


def test_job_is_registered_for_the_worker():
    from core.management.commands.worker import periodic_jobs

    names = [name for name, _interval, _job in periodic_jobs()]
    assert "directory-review-reminders" in names


def test_one_email_per_provider_listing_its_stale_services(provider_with_editors):
    provider, editor = provider_with_editors
    overdue = ServiceFactory(provider=provider, name="Overdue club", last_reviewed=dt.date(2025, 6, 1))
    soon = ServiceFactory(provider=provider, name="Soon club", last_reviewed=dt.date(2025, 12, 10))
    ServiceFactory(provider=provider, name="Fresh club", last_reviewed=dt.date(2026, 9, 1))
    ServiceFactory(provider=provider, name="Closed club", last_reviewed=dt.date(2020, 1, 1), status="defunct")
    assert send_reminders(today=TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert "Overdue club" in message.body and "overdue" in message.body
    assert "Soon club" in message.body and "due within 30 days" in message.body
    assert "Fresh club" not in message.body and "Closed club" not in message.body
    assert f"/manage/services/{overdue.public_id}/" in message.body
    kinds = dict(ReviewReminder.objects.values_list("service__name", "kind"))
    assert kinds == {"Overdue club": "overdue", "Soon club": "due_soon"}
    assert ReviewReminder.objects.get(service=soon).recipients == editor.email


def test_calling_twice_sends_once(provider_with_editors):
    provider, _ = provider_with_editors
    ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    send_reminders(today=TODAY)
    send_reminders(today=TODAY)
    assert len(mail.outbox) == 1
    assert ReviewReminder.objects.count() == 1


def test_restart_after_recording_rows_sends_each_once(provider_with_editors):
    provider, _ = provider_with_editors
    ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    # A worker recorded the rows and died before sending.
    assert tasks.create_review_reminders(today=TODAY) == 1
    assert tasks.create_review_reminders(today=TODAY) == 0
    assert len(mail.outbox) == 0
    # The restarted worker sends it, once.
    send_reminders(today=TODAY)
    send_reminders(today=TODAY)
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_not_sent_again(provider_with_editors):
    provider, _ = provider_with_editors
    ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    tasks.create_review_reminders(today=TODAY)
    ReviewReminder.objects.update(sent_at=timezone.now(), recipients="claim:other-worker")
    send_reminders(today=TODAY)
    assert len(mail.outbox) == 0


def test_a_failed_send_is_retried_and_not_sent_twice(provider_with_editors):
    provider, _ = provider_with_editors
    ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    with failing_mailer(failures=2) as attempts:
        assert send_reminders(today=TODAY) == 1
    assert len(attempts) == 3 and len(mail.outbox) == 1
    assert ReviewReminder.objects.get().sent_at is not None
    assert send_reminders(today=TODAY) == 0
    assert len(mail.outbox) == 1


def test_provider_without_editors_gets_its_own_address():
    provider = ProviderFactory(email="hello@example.org")
    ServiceFactory(provider=provider, last_reviewed=None)
    send_reminders(today=TODAY)
    assert mail.outbox[0].to == ["hello@example.org"]
    assert "never checked" in mail.outbox[0].body


def test_a_review_starts_a_new_cycle(provider_with_editors):
    provider, editor = provider_with_editors
    service = ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    send_reminders(today=TODAY)
    services.mark_reviewed(
        service=service, user=editor, context=TEST_CONTEXT, expected_version=service.version
    )
    send_reminders(today=TODAY)
    assert len(mail.outbox) == 1  # reviewed today: nothing more to send
    Service.objects.filter(pk=service.pk).update(last_reviewed=dt.date(2025, 1, 2))
    send_reminders(today=TODAY)
    assert len(mail.outbox) == 2
    assert ReviewReminder.objects.filter(service=service).count() == 2


def test_stale_list_counts_reminders_sent(client, provider_with_editors):
    from accounts.testing import sign_in

    provider, editor = provider_with_editors
    ServiceFactory(provider=provider, name="Overdue club", last_reviewed=dt.date(2024, 1, 1))
    send_reminders()
    sign_in(client, editor)
    html = client.get("/manage/due-for-review/").content.decode()
    assert "Overdue club" in html
    assert '<td class="nhsuk-table__cell">1</td>' in html

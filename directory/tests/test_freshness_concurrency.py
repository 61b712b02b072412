"""Real concurrent workers and writers (threads with their own connections). PostgreSQL only:
SQLite's in-memory test database is not shared between connections."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import Role
from accounts.testing import OrganisationFactory, member
from audit.testing import TEST_CONTEXT
from core.concurrency import ConcurrentUpdate
from core.testing import run_at_once
from directory import services, tasks
from directory.models import ReviewReminder, Service
from directory.testing import ProviderFactory, ServiceFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(getattr(settings, "DB_VENDOR", "") != "postgresql", reason="needs PostgreSQL"),
]


def test_four_workers_send_each_providers_reminder_once():
    for n in range(6):
        org = OrganisationFactory(kind="service_provider")
        provider = ProviderFactory(account=org)
        member(Role.PROVIDER_EDITOR, org, email=f"reviewer{n}@example.org")
        for _ in range(3):
            ServiceFactory(provider=provider, last_reviewed=dt.date(2024, 1, 1))
    results, errors = run_at_once(lambda: tasks.send_review_reminders(today=dt.date(2026, 11, 23)), 4)
    assert not errors
    assert sum(results) == 6
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == [f"reviewer{n}@example.org" for n in range(6)]
    assert ReviewReminder.objects.filter(sent_at__isnull=True).count() == 0
    assert ReviewReminder.objects.count() == 18


def test_two_editors_saving_the_same_version_one_is_told():
    area = OrganisationFactory(kind="la")
    first, second = member(Role.DIRECTORY_EDITOR, area), member(Role.DIRECTORY_EDITOR, area)
    service = ServiceFactory()
    version = service.version
    editors = iter([(first, "Name from the first"), (second, "Name from the second")])
    lock = threading.Lock()

    def save():
        with lock:
            user, name = next(editors)
        fresh = Service.objects.get(pk=service.pk)
        try:
            services.update_service(
                service=fresh, data={"name": name}, user=user, context=TEST_CONTEXT, expected_version=version
            )
        except ConcurrentUpdate:
            fresh.refresh_from_db()
            base = services.values_at_version(fresh, version)
            their = services.diff_values(base, services.service_values(fresh), only_changed=True)
            return ("told", [row.key for row in their])
        return ("saved", name)

    results, errors = run_at_once(save, 2)
    assert not errors
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["saved", "told"]
    saved_name = next(r[1] for r in results if r[0] == "saved")
    told = next(r[1] for r in results if r[0] == "told")
    assert told == ["name"]
    service.refresh_from_db()
    assert service.name == saved_name
    assert service.version == version + 1

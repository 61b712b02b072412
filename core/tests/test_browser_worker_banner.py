"""The staff warning that reminders are late, as a person sees it in a browser (axe-core checked)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.testing import member, totp_device
from core.health import record_heartbeat
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_see_that_reminders_are_late_when_the_worker_has_stopped(page):
    person = member("dco", email="dco.banner@example.org")
    totp_device(person)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    record_heartbeat(started_at=an_hour_ago, now=an_hour_ago)
    cache.clear()
    browser_sign_in(page, person.email)
    page.goto("/")
    banner = page.get_by_role("region", name="Important")
    assert "Reminders and e-mails are running late" in banner.inner_text()
    assert_accessible(page)
    cache.clear()

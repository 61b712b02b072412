"""The staff warning that reminders are late, as a person sees it in a browser (axe-core checked)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from accounts.testing import member, totp_device
from core.health import record_heartbeat
from tests.browser.conftest import browser_sign_in, check

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
    expect(banner).to_contain_text("Reminders and e-mails are running late")
    check(page)
    cache.clear()

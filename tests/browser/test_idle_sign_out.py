"""Signed out for being idle, in real Chromium: the next page asked for goes to the sign-in page, which
says why. (Django's test client keeps a deleted cookie as an empty one, so a test-client test could not
see the browser drop the session cookie on the way.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from accounts.testing import member, totp_device
from tests.browser.conftest import browser_sign_in, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_someone_idle_too_long_is_told_why_they_were_signed_out(page):
    user = member("system_admin")
    totp_device(user)
    browser_sign_in(page, user.email)
    page.goto("/audit/")
    expect(page.locator("h1")).not_to_have_text("Sign in")

    # The session goes idle: its server-side expiry passes, the browser still holds the cookie.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    page.goto("/audit/")

    page.wait_for_url("**/accounts/sign-in/?next=/audit/")
    minutes = settings.SESSION_IDLE_MINUTES
    told = f"You were signed out because you had not used SEND Health Hub for {minutes} minutes"
    expect(page.get_by_text(told)).to_be_visible()
    check(page)

    # Reloading the sign-in page, or arriving at it fresh, does not repeat it.
    page.goto("/accounts/sign-in/?next=/audit/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("You were signed out because")).to_have_count(0)

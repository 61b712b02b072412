"""Sign-in, password reset and the access log in real Chromium, checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from playwright.sync_api import expect

from accounts.models import SignInThrottle
from accounts.testing import member, totp_device
from audit.services import record_access
from tests.browser.conftest import browser_sign_in, check, expect_error_summary


def make_child(**kwargs: Any) -> Any:
    from children.testing import ChildFactory

    return ChildFactory(**kwargs)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_journey_pages_are_accessible(page):
    user = member("dco", email="browser.dco@example.org")
    totp_device(user)
    page.goto("/accounts/sign-in/")
    check(page)
    page.get_by_role("button", name="Continue").click()  # empty form: error summary
    expect_error_summary(page)
    page.get_by_label("Email address").fill("browser.dco@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/sign-in/security-code/**")
    check(page)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect_error_summary(page)


def test_authenticator_set_up_page_is_accessible(page):
    member("dco", email="new.person@example.org")
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("new.person@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_contain_text("Set up security codes")
    check(page)


def test_password_reset_journey_is_accessible(page):
    member("dco", email="forgetful@example.org")
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_url("**/accounts/password-reset/")
    check(page)
    page.get_by_label("Email address").fill("forgetful@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url("**/accounts/password-reset/sent/")
    check(page)
    link = re.findall(r"https?://\S+", str(mail.outbox[0].body))[0]
    page.goto(link)
    check(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    expect_error_summary(page)
    page.get_by_label("New password", exact=True).fill("seven lazy otters swim")
    page.get_by_label("Confirm new password").fill("seven lazy otters swim")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator("h1")).to_contain_text("Your password has changed")
    check(page)


def test_locked_out_and_signed_out_pages_are_accessible(page):
    user = member("dco", email="locked@example.org")
    totp_device(user)
    for _ in range(settings.SIGN_IN_FREE_FAILURES):
        page.goto("/accounts/sign-in/")
        page.get_by_label("Email address").fill("locked@example.org")
        page.get_by_label("Password", exact=True).fill("wrong password")
        page.get_by_role("button", name="Continue").click()
        answered = page.locator(".nhsuk-error-summary").or_(
            page.get_by_role("heading", name="Wait before trying again")
        )
        expect(answered.first).to_be_visible()  # the attempt's answer, before the next goto
    expect(page.locator("h1")).to_contain_text("Wait before trying again")
    check(page)
    SignInThrottle.objects.all().delete()  # this address waits too; the rest is about signing out

    other = member("dco", email="leaver@example.org")
    totp_device(other)
    browser_sign_in(page, "leaver@example.org")
    page.goto("/accounts/sign-out/")
    check(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_contain_text("You have signed out")
    check(page)


def test_oidc_pages_are_accessible(page):
    from accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, ISSUER

    with override_settings(
        OIDC_ISSUER=ISSUER, OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_RP_CLIENT_SECRET=CLIENT_SECRET
    ):
        page.goto("/accounts/sign-in/")
        expect(page.get_by_role("button", name="Sign in with your organisation's account")).to_have_count(1)
        check(page)
        page.goto("/accounts/oidc/callback/?code=abc&state=unknown")  # no sign-in was started here
        expect(page.locator("h1")).to_contain_text("Sign-in did not work")
        check(page)


def test_access_log_pages_are_accessible(page):
    reader = member("system_admin", email="log.reader@example.org")
    totp_device(reader)
    viewer = member("provider_clinician", email="log.viewer@example.org")
    from children.testing import ChildFactory as ChildFactory

    child = make_child()
    for _ in range(60):
        record_access(user=viewer, action="view", obj=child)
    browser_sign_in(page, "log.reader@example.org")
    page.goto("/audit/")
    check(page)
    page.get_by_label("What they did").select_option("view")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"action=view"))
    expect(page.locator("main")).to_contain_text("entries")
    check(page)
    page.get_by_label("Child or young person").fill("12")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_title(re.compile(r"^Error:"))  # waits for the new page, not the old one
    check(page)
    page.goto(f"/audit/child/{child.public_id}/")
    expect(page.locator("main")).to_contain_text("log.viewer@example.org")
    check(page)

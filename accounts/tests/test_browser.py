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
from tests.browser.conftest import assert_accessible, browser_sign_in, page_title


def make_child(**kwargs: Any) -> Any:
    from children.testing import ChildFactory

    return ChildFactory(**kwargs)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page) -> None:
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_sign_in_journey_pages_are_accessible(page):
    user = member("dco", email="browser.dco@example.org")
    totp_device(user)
    page.goto("/accounts/sign-in/")
    check(page)
    page.get_by_role("button", name="Continue").click()  # empty form: error summary
    assert page_title(page).startswith("Error:")
    check(page)
    page.get_by_label("Email address").fill("browser.dco@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    check(page)  # security code
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert page_title(page).startswith("Error:")
    check(page)


def test_authenticator_set_up_page_is_accessible(page):
    member("dco", email="new.person@example.org")
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("new.person@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    assert "Set up security codes" in page.locator("h1").inner_text()
    check(page)


def test_password_reset_journey_is_accessible(page):
    member("dco", email="forgetful@example.org")
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check(page)
    page.get_by_label("Email address").fill("forgetful@example.org")
    page.get_by_role("button", name="Send the link").click()
    check(page)
    link = re.findall(r"https?://\S+", str(mail.outbox[0].body))[0]
    page.goto(link)
    check(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    assert page_title(page).startswith("Error:")
    check(page)
    page.get_by_label("New password", exact=True).fill("seven lazy otters swim")
    page.get_by_label("Confirm new password").fill("seven lazy otters swim")
    page.get_by_role("button", name="Save new password").click()
    assert "Your password has changed" in page.locator("h1").inner_text()
    check(page)


def test_locked_out_and_signed_out_pages_are_accessible(page):
    user = member("dco", email="locked@example.org")
    totp_device(user)
    for _ in range(settings.SIGN_IN_FREE_FAILURES):
        page.goto("/accounts/sign-in/")
        page.get_by_label("Email address").fill("locked@example.org")
        page.get_by_label("Password", exact=True).fill("wrong password")
        page.get_by_role("button", name="Continue").click()
    assert "Wait before trying again" in page.locator("h1").inner_text()
    check(page)
    SignInThrottle.objects.all().delete()  # this address waits too; the rest is about signing out

    other = member("dco", email="leaver@example.org")
    totp_device(other)
    browser_sign_in(page, "leaver@example.org")
    page.goto("/accounts/sign-out/")
    check(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    assert "You have signed out" in page.locator("h1").inner_text()
    check(page)


def test_oidc_pages_are_accessible(page):
    from accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, ISSUER

    with override_settings(
        OIDC_ISSUER=ISSUER, OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_RP_CLIENT_SECRET=CLIENT_SECRET
    ):
        page.goto("/accounts/sign-in/")
        assert page.get_by_role("button", name="Sign in with your organisation's account").count() == 1
        check(page)
        page.goto("/accounts/oidc/callback/?code=abc&state=unknown")  # no sign-in was started here
        assert "Sign-in did not work" in page.locator("h1").inner_text()
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
    assert "log.viewer@example.org" in page.locator("main").inner_text()
    check(page)

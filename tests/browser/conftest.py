"""Helpers for browser tests: axe-core checks, the real two-step sign-in, a page per person signed in
or not (`new_page`) and waiting for what the page says (`sees`, `sees_error`).

The `browser` and `page` fixtures live in the root conftest.py so every app's browser tests share
one Chromium. Real Chromium (Debian's package) driven by Playwright, with axe-core for accessibility.

Playwright never downloads a browser here: it launches /usr/bin/chromium (or $CHROMIUM). In CI a
missing Chromium fails the run; .ci/run installs it first.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 A and AA violations that axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return list(results.response.get("violations", []))


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Makes a page in a fresh browser context per person, signed in through the real two-step form
    if a user is given (each person on their own), 1280 pixels wide unless a width is given (375 for a
    phone), with JavaScript unless told otherwise."""
    from accounts.testing import totp_device

    contexts = []

    def make(user: Any = None, *, width: int = 1280, javascript: bool = True) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            totp_device(user)
            browser_sign_in(page, user.email)
        return page

    yield make
    for context in contexts:
        context.close()


def sees(page: Any, text: str) -> None:
    """Wait until the page's main content shows `text`."""
    expect(page.locator("main")).to_contain_text(text)


def sees_error(page: Any, text: str) -> None:
    """Wait until the page comes back with `text` in its error summary."""
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(text)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"axe-core found {len(violations)} violations on {page.url}:\n{summary}"


def check(page: Any) -> None:
    """The page on screen has loaded, has exactly one <h1> and no axe violations.

    Call it once the test has waited for the page it means to check (wait_for_url, or expect() on
    something only that page shows): straight after a click the previous page may still be showing,
    or the next one may be half-loaded.
    """
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


def expect_error_summary(page: Any) -> None:
    """Wait for the page with the error summary (a form sent back with errors) and check it."""
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page)


def fill_date(page: Any, name: str, day: dt.date) -> None:
    """Fill a day, month and year date input."""
    page.locator(f"[name='{name}-day']").fill(str(day.day))
    page.locator(f"[name='{name}-month']").fill(str(day.month))
    page.locator(f"[name='{name}-year']").fill(str(day.year))


def browser_sign_in(page: Any, email: str, password: str = "correct horse battery staple") -> None:
    """Sign in through the real two-step form, reading the code from the user's TOTP device; returns
    once the signed-in page has loaded."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Security code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in/" not in url)


def sign_out(page: Any) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-out/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()

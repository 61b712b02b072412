"""Helpers for browser tests: axe-core checks and the real two-step sign-in.

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
from typing import Any

from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 A and AA violations that axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return list(results.response.get("violations", []))


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

"""Helpers for browser tests: axe-core checks and the real two-step sign-in.

The `browser` and `page` fixtures live in the root conftest.py so every app's browser tests share
one Chromium. Real Chromium (Debian's package) driven by Playwright, with axe-core for accessibility.

Playwright never downloads a browser here: it launches /usr/bin/chromium (or $CHROMIUM). In CI a
missing Chromium fails the run; .ci/run installs it first.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

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


def browser_sign_in(page: Any, email: str, password: str = "correct horse battery staple") -> None:
    """Sign in through the real two-step form, reading the code from the user's TOTP device."""
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


def page_title(page: Any) -> str:
    """The page's title once the current document has loaded. Playwright's click() returns when the
    next page starts loading, so reading page.title() straight after a submit can see an empty one."""
    page.wait_for_load_state("load")
    return str(page.title())


def page_html(page: Any) -> str:
    """The page's HTML once the current document has loaded (see page_title)."""
    page.wait_for_load_state("load")
    return str(page.content())

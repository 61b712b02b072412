"""Section 23 in real Chromium, axe-clean on every page (error states included): a health visitor
records a notification (the statutory steps missing first), sends it; the LA's early-years SEN officer
acknowledges it with a decision; the health visitor sees the answer; the DCO sees it in the figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from section23.models import Notification
from section23.testing import make_world, postcode_in, young_birth_date
from tests.browser.conftest import browser_sign_in, check, expect_error_summary, fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    world = make_world()
    postcode_in(world.la, "TS1 1AA")
    for user in (world.health_visitor, world.caseworker, world.dco):
        totp_device(user)
    return world


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_a_health_visitor_notifies_and_the_la_acknowledges(world, new_page):
    today = dt.date.today()
    hv = new_page()
    browser_sign_in(hv, world.health_visitor.email)
    hv.goto("/notifications/")
    check(hv)
    hv.get_by_role("button", name="Record a notification").click()
    hv.wait_for_url("**/notifications/new/")
    check(hv)
    hv.get_by_label("Child's first name").fill("Robin")
    hv.get_by_label("Child's last name").fill("Browsertest")
    fill_date(hv, "date_of_birth", young_birth_date())
    hv.get_by_label("Postcode where the child lives").fill("zz9 9zz")  # not in the postcode data
    hv.get_by_label("Name of the professional who formed the opinion").fill("Alex Testvisitor")
    hv.get_by_label("Profession", exact=True).select_option(label="Health visitor")
    hv.get_by_role("button", name="Send to the local authority").click()
    expect_error_summary(hv)
    expect(hv.locator(".nhsuk-error-summary")).to_contain_text("We could not find the postcode ZZ9 9ZZ")
    expect(hv.get_by_label("Child's last name")).to_have_value("Browsertest")
    expect(hv.get_by_label("Local authority where the child lives")).to_be_visible()  # the fallback list
    check(hv)
    hv.get_by_label("Postcode where the child lives").fill("ts1 1aa")
    hv.get_by_role("button", name="Send to the local authority").click()  # statutory steps missing
    expect_error_summary(hv)
    expect(hv.locator(".nhsuk-error-summary")).to_contain_text("duty to notify")
    expect(hv.get_by_label("Child's last name")).to_have_value("Browsertest")
    expect(hv.locator("main")).to_contain_text(
        "This notification will go to Testshire Council, the council for TS1 1AA."
    )
    expect(hv.get_by_label("Local authority where the child lives")).to_have_count(0)

    hv.get_by_label("Name of the person with parental responsibility").fill("Jordan Browsertest")
    hv.get_by_label("Your opinion and what it is based on").fill("Few words at the 2-year review.")
    hv.get_by_label("Communication and interaction").check()
    fill_date(hv, "opinion_formed_on", today - dt.timedelta(days=10))
    fill_date(hv, "parent_told_on", today - dt.timedelta(days=7))
    hv.get_by_label("A discussion was held").check()
    fill_date(hv, "discussion_on", today - dt.timedelta(days=7))
    hv.get_by_label("Who with: the officer's name and role").fill("Alex Testvisitor, health visitor")
    hv.get_by_label("Agrees with the opinion").check()
    hv.get_by_label("No voluntary organisation was considered likely to help").check()
    hv.get_by_role("button", name="Send to the local authority").click()
    hv.wait_for_url(re.compile(r"/notifications/[0-9a-f-]{36}/$"))
    check(hv)
    notification = Notification.objects.get(child__family_name="Browsertest")
    expect(hv.locator("main")).to_contain_text("Sent to the local authority")
    expect(hv.locator("body")).to_contain_text(
        f"Notification {notification.reference} sent to Testshire Council, the council for TS1 1AA"
    )

    la = new_page()
    browser_sign_in(la, world.caseworker.email)
    la.goto("/notifications/")
    check(la)
    la.get_by_role("link", name=notification.reference).click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    check(la)
    la.get_by_role("button", name="Acknowledge it").click()
    la.wait_for_url("**/acknowledge/")
    check(la)
    la.get_by_label("Refer to early years SEN support").check()
    la.get_by_role("button", name="Acknowledge", exact=True).click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    expect(la.locator("main")).to_contain_text("Refer to early years SEN support")
    check(la)

    hv.reload()
    expect(hv.locator("main")).to_contain_text("Refer to early years SEN support")
    check(hv)

    dco = new_page()
    browser_sign_in(dco, world.dco.email)
    dco.goto("/notifications/dashboard/?period=month")
    expect(dco.locator("main")).to_contain_text("Health visitor")
    check(dco)
    dco.goto("/notifications/dashboard/?period=custom&from=nonsense&to=2026-01-01")
    expect_error_summary(dco)

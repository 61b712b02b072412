"""Work first in real Chromium, checked with axe-core: the DCO and a clinician land on their work
after signing in, the header counts what waits and finds a child; refusal pages and the export with
names are styled and accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from advice.testing import make_request, make_world, route
from children.testing import ChildFactory
from tests.browser.conftest import browser_sign_in, check, expect_error_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    world = make_world()
    for user in (world.dco, world.clinician, world.school_staff):
        totp_device(user)
    waiting = make_request(
        world, child=ChildFactory(local_authority=world.la, given_name="Maya", family_name="Thornfield")
    )
    routed = make_request(world)
    route(world, routed, world.team)
    world.waiting = waiting
    return world


def test_the_dco_lands_on_the_dashboard_and_finds_a_child_from_the_header(world, page):
    browser_sign_in(page, world.dco.email)
    page.wait_for_url(re.compile(r".*/casework/dashboard/$"))
    expect(page.locator("h1")).to_have_text("DCO dashboard")
    expect(page.get_by_role("link", name="Triage (1)")).to_be_visible()
    check(page)
    page.locator("#search-field").fill("thornfeild maya")
    page.locator("#search-field").press("Enter")
    page.wait_for_url(re.compile(r".*/children/search/\?q=.*"))
    expect(page.locator("main")).to_contain_text("1 child found")
    check(page)
    page.get_by_role("link", name="Maya Thornfield").click()
    page.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))
    check(page)
    page.goto(f"/children/search/?q={world.waiting.reference}")
    expect(page.locator("main")).to_contain_text(f"Health advice request {world.waiting.reference}")
    check(page)
    page.goto("/casework/dashboard/?list=due-this-week")
    page.goto("/casework/dashboard/overdue/export-with-names/")
    check(page)
    page.get_by_role("button", name="Download with names").click()
    expect_error_summary(page)


def test_a_clinician_lands_on_the_team_inbox(world, page):
    browser_sign_in(page, world.clinician.email)
    page.wait_for_url(re.compile(r".*/casework/inbox/$"))
    expect(page.get_by_role("link", name="Team inbox (1)")).to_be_visible()
    check(page)
    page.goto("/casework/no-such-page/")
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to your home page")).to_have_attribute(
        "href", "/casework/inbox/"
    )
    check(page)


def test_school_staff_land_on_their_page_and_a_staff_page_says_what_to_do(world, page):
    browser_sign_in(page, world.school_staff.email)
    page.wait_for_url(re.compile(r".*/your-work/$"))
    check(page)
    page.goto("/manage/")
    expect(page.locator("h1")).to_have_text("You do not have access to this page")
    expect(page.locator("main")).to_contain_text("Your account is for School staff at")
    check(page)
    page.get_by_role("link", name="Go to your home page").click()
    page.wait_for_url(re.compile(r".*/your-work/$"))

"""Drafts in real Chromium: what a clinician types is saved automatically (a short interval here),
survives a reload, and the session warns before it ends, offering "Stay signed in"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from advice.testing import make_request, make_world, route
from tests.browser.conftest import browser_sign_in, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    world = make_world()
    totp_device(world.clinician)
    return world


@pytest.fixture
def clinician_page(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_sign_in(page, world.clinician.email)
    yield page
    context.close()


def test_typing_is_saved_automatically_and_survives_a_reload(world, clinician_page, settings):
    settings.ADVICE_AUTOSAVE_SECONDS = 1
    (assignment,) = route(world, make_request(world), world.team)
    page = clinician_page
    page.goto(f"/casework/assignments/{assignment.public_id}/advice/")
    check(page)
    page.get_by_label("Strengths and what the child can do").fill("Builds towers of ten bricks")
    with page.expect_response(
        lambda r: "/advice/draft/" in r.url and "fine motor" in (r.request.post_data or "")
    ):
        page.locator("[name='need-0-description']").fill("Needs help with fine motor skills")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.get_by_label("Strengths and what the child can do")).to_have_value(
        "Builds towers of ten bricks"
    )
    expect(page.locator("[name='need-0-description']")).to_have_value("Needs help with fine motor skills")
    expect(page.locator("main")).to_contain_text("You are carrying on from the draft")
    check(page)


def test_the_draft_button_works_and_the_session_warns(world, clinician_page, settings):
    settings.ADVICE_AUTOSAVE_SECONDS = 600
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_WARNING_MINUTES = 1  # the warning shows at once
    (assignment,) = route(world, make_request(world), world.team)
    page = clinician_page
    page.goto(f"/casework/assignments/{assignment.public_id}/advice/")
    page.get_by_label("Strengths and what the child can do").fill("Draws faces")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    # The session is ending: the form saved itself as a draft first.
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    with page.expect_response(lambda r: "/session/keep-alive/" in r.url and r.status == 200):
        stay.click()
    settings.SESSION_IDLE_MINUTES = 30  # from here on, no warning
    page.reload()
    expect(page.get_by_label("Strengths and what the child can do")).to_have_value("Draws faces")
    page.get_by_label("Strengths and what the child can do").fill("Draws faces and houses")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("main")).to_contain_text("Only you and your team's managers can see it")
    expect(page.get_by_label("Strengths and what the child can do")).to_have_value("Draws faces and houses")
    check(page)

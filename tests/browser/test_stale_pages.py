"""The conflict pages in real Chromium: a stale page of a child's record and a stale editor action
are shown again with the shared "someone else changed this" banner, what was typed kept, one <h1>
and zero axe violations; acting again from there works."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from advice.testing import make_world as make_casework_world
from audit.testing import TEST_CONTEXT
from children import services as children_services
from children.testing import ChildFactory
from directory import services as directory_services
from directory.tests.editor_personas import make_world as make_directory_world
from tests.browser.conftest import browser_sign_in, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BANNER = "Someone else changed this since you opened it"


def test_a_stale_childs_details_page_keeps_what_was_typed(page):
    world = make_casework_world()
    totp_device(world.la_user)
    child = ChildFactory(local_authority=world.la, given_name="Rowan", family_name="Testfield")
    browser_sign_in(page, world.la_user.email)
    page.goto(f"/children/{child.public_id}/details/")
    expect(page.get_by_role("button", name="Save details")).to_be_visible()
    # Someone else changes the record while the page is open.
    children_services.update_child(
        user=world.dco,
        child=child,
        expected_version=child.version,
        context=TEST_CONTEXT,
        school_or_setting_name="Their Academy",
    )
    page.get_by_label("School or setting (optional)").fill("Typed Primary School")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text(BANNER)).to_be_visible()
    expect(page.get_by_label("School or setting (optional)")).to_have_value("Typed Primary School")
    check(page)
    page.get_by_role("button", name="Save details").click()  # a deliberate second send
    page.wait_for_url(f"**/children/{child.public_id}/")
    expect(page.get_by_text("Typed Primary School")).to_be_visible()


def test_a_stale_confirm_still_correct_shows_the_record_now(page):
    world = make_directory_world()
    totp_device(world.editor)
    service = world.service
    service.last_reviewed = dt.date(2020, 1, 1)
    service.save()
    browser_sign_in(page, world.editor.email)
    page.goto(f"/manage/services/{service.public_id}/")
    button = page.get_by_role("button", name="Confirm these details are still correct")
    expect(button).to_be_visible()
    directory_services.update_service(
        user=world.other_editor,
        context=TEST_CONTEXT,
        service=service,
        data={"alert": "Closed on Friday"},
        expected_version=service.version,
    )
    button.click()
    expect(page.get_by_text(BANNER)).to_be_visible()
    expect(page.get_by_role("cell", name="Closed on Friday").first).to_be_visible()
    check(page)
    page.get_by_role("button", name="Confirm these details are still correct").click()
    expect(page.get_by_text("is marked as reviewed today")).to_be_visible()

"""An LA caseworker keeps a child's record up to date in real Chromium: changes the child's details
(after an error), adds a carer (after an error), records consent (after an error) and withdraws it,
with zero axe violations and one <h1> on every page, error states included."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.testing import totp_device
from advice.testing import make_world
from audit.testing import TEST_CONTEXT
from children.models import ConsentToShare, ParentCarer
from children.testing import ChildFactory
from tests.browser.conftest import assert_accessible, browser_sign_in, page_title

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)


def fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"[name='{name}-day']").fill(str(day.day))
    page.locator(f"[name='{name}-month']").fill(str(day.month))
    page.locator(f"[name='{name}-year']").fill(str(day.year))


def test_caseworker_keeps_a_child_record(page):
    world = make_world()
    totp_device(world.la_user)
    child = ChildFactory(local_authority=world.la, given_name="Rowan", family_name="Testfield")
    browser_sign_in(page, world.la_user.email)

    page.goto(f"/children/{child.public_id}/")
    check(page)

    # Change the child's details: a wrong NHS number first.
    page.get_by_role("link", name="Change Rowan Testfield's details").click()
    check(page)
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    page.get_by_label("School or setting (optional)").fill("Brookfield Primary School")
    page.get_by_role("button", name="Save details").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page_title(page).startswith("Error: ")
    check(page)
    assert page.get_by_label("School or setting (optional)").input_value() == "Brookfield Primary School"
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_role("button", name="Save details").click()
    page.get_by_text("943 476 5919").wait_for()
    check(page)

    # Add a carer: no preferred contact details first.
    page.get_by_role("link", name="Add a parent or carer").click()
    check(page)
    page.get_by_label("Full name").fill("Morgan Testfield")
    page.get_by_label("Relationship to the child").select_option("mother")
    page.get_by_role("group", name="Do they have parental responsibility?").get_by_label("Yes").check()
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Save parent or carer").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    check(page)
    page.get_by_label("Phone number (optional)").fill("07700 900321")
    page.get_by_role("button", name="Save parent or carer").click()
    page.get_by_role("heading", name="Morgan Testfield").wait_for()
    check(page)
    assert ParentCarer.objects.filter(child=child, name="Morgan Testfield").exists()

    # Record consent: no answers first.
    page.get_by_role("link", name="Record consent to share").click()
    check(page)
    page.get_by_role("button", name="Record consent").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    check(page)
    page.get_by_label("Parent or carer", exact=True).check()
    page.get_by_label("Which parent or carer? (if a parent or carer gave it)").select_option(
        label="Morgan Testfield (Mother)"
    )
    fill_date(page, "given_on", dt.date.today() - dt.timedelta(days=2))
    page.get_by_label("Share health information for the EHC needs assessment").check()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_role("heading", name="Current consent").wait_for()
    check(page)
    assert ConsentToShare.objects.get(child=child).is_active

    # Withdraw it: no reason first.
    page.get_by_role("link", name="Record that this consent was withdrawn").click()
    check(page)
    page.get_by_role("button", name="Record withdrawal").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    check(page)
    page.get_by_label("Why was it withdrawn?").fill("The family asked for it to stop")
    page.get_by_role("button", name="Record withdrawal").click()
    page.get_by_role("heading", name="Withdrawn consent").wait_for()
    check(page)
    assert not ConsentToShare.objects.get(child=child).is_active


def test_la_changes_the_clock_start_and_cancels(page):
    from advice.models import AdviceRequest
    from advice.testing import make_request

    world = make_world()
    totp_device(world.la_user)
    advice_request = make_request(world)
    browser_sign_in(page, world.la_user.email)
    page.goto(f"/casework/requests/{advice_request.public_id}/")
    check(page)

    page.get_by_role("link", name="Change when the assessment clock started").click()
    check(page)
    page.get_by_role("button", name="Change the clock start").click()  # no reason
    assert page.locator(".nhsuk-error-summary").is_visible()
    check(page)
    fill_date(page, "clock_start_date", dt.date.today() - dt.timedelta(days=50))
    page.get_by_label("Why is the clock start changing?").fill("Request arrived earlier than logged")
    page.get_by_role("button", name="Change the clock start").click()
    page.get_by_role("heading", name="The clock start was changed").wait_for()
    check(page)

    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("link", name="Cancel this request").click()
    check(page)
    page.get_by_role("button", name="Cancel the request").click()  # no reason
    assert page.locator(".nhsuk-error-summary").is_visible()
    check(page)
    page.get_by_label("Why is the request cancelled?").fill("The LA decided not to assess")
    page.get_by_role("button", name="Cancel the request").click()
    page.get_by_text("Cancelled by the LA: The LA decided not to assess").wait_for()
    check(page)
    assert AdviceRequest.objects.get(pk=advice_request.pk).status == AdviceRequest.Status.CANCELLED


def test_dco_checks_a_possible_duplicate(page):
    """The DCO service's list of possible duplicates and the comparison page (with its error state),
    then the decision: different children, with the right NHS number."""
    from children import services

    world = make_world()
    totp_device(world.dco)
    ChildFactory(
        local_authority=world.other_la,
        given_name="Quinn",
        family_name="Marchbank",
        date_of_birth=dt.date(2017, 2, 15),
        nhs_number="9434765919",
    )
    services.record_child(
        context=TEST_CONTEXT,
        user=world.la_user,
        local_authority=world.la,
        given_name="Ashley",
        family_name="Madeup",
        date_of_birth=dt.date(2016, 6, 1),
        nhs_number="9434765919",
    )
    browser_sign_in(page, world.dco.email)
    page.goto("/casework/dashboard/")
    page.get_by_role("link", name="1 possible duplicate record to check").click()
    page.wait_for_url("**/children/possible-duplicates/")
    check(page)
    page.get_by_role("link", name=world.la.name).click()
    page.wait_for_url("**/children/possible-duplicates/*/")
    check(page)
    page.get_by_role("button", name="Save decision").click()  # nothing chosen: an error
    page.locator(".nhsuk-error-summary").wait_for()
    assert page_title(page).startswith("Error:")
    check(page)
    page.get_by_label("No, they are different children").check()
    page.get_by_label("The right NHS number", exact=False).fill("401 023 2137")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/children/possible-duplicates/")
    page.get_by_text("Recorded as different children").wait_for()
    check(page)

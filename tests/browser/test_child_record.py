"""An LA caseworker keeps a child's record up to date in real Chromium: changes the child's details
(after an error), adds a carer (after an error), records consent (after an error) and withdraws it,
with zero axe violations and one <h1> on every page, error states included."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from advice.testing import make_world
from audit.testing import TEST_CONTEXT
from children.models import ConsentToShare, ParentCarer
from children.testing import ChildFactory
from tests.browser.conftest import browser_sign_in, check, expect_error_summary, fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_keeps_a_child_record(page):
    world = make_world()
    totp_device(world.la_user)
    child = ChildFactory(local_authority=world.la, given_name="Rowan", family_name="Testfield")
    browser_sign_in(page, world.la_user.email)

    page.goto(f"/children/{child.public_id}/")
    check(page)

    # Change the child's details: a wrong NHS number first.
    page.get_by_role("link", name="Change Rowan Testfield's details").click()
    page.wait_for_url(f"**/children/{child.public_id}/details/")
    check(page)
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    page.get_by_label("School or setting (optional)").fill("Brookfield Primary School")
    page.get_by_role("button", name="Save details").click()
    expect_error_summary(page)
    expect(page.get_by_label("School or setting (optional)")).to_have_value("Brookfield Primary School")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(f"**/children/{child.public_id}/")
    expect(page.get_by_text("943 476 5919")).to_be_visible()
    check(page)

    # Add a carer: no preferred contact details first.
    page.get_by_role("link", name="Add a parent or carer").click()
    page.wait_for_url("**/carers/add/")
    check(page)
    page.get_by_label("Full name").fill("Morgan Testfield")
    page.get_by_label("Relationship to the child").select_option("mother")
    page.get_by_role("group", name="Do they have parental responsibility?").get_by_label("Yes").check()
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Save parent or carer").click()
    expect_error_summary(page)
    page.get_by_label("Phone number (optional)").fill("07700 900321")
    page.get_by_role("button", name="Save parent or carer").click()
    expect(page.get_by_role("heading", name="Morgan Testfield")).to_be_visible()
    check(page)
    assert ParentCarer.objects.filter(child=child, name="Morgan Testfield").exists()

    # Record consent: no answers first.
    page.get_by_role("link", name="Record consent to share").click()
    page.wait_for_url("**/consent/add/")
    check(page)
    page.get_by_role("button", name="Record consent").click()
    expect_error_summary(page)
    page.get_by_label("Parent or carer", exact=True).check()
    page.get_by_label("Which parent or carer? (if a parent or carer gave it)").select_option(
        label="Morgan Testfield (Mother)"
    )
    fill_date(page, "given_on", dt.date.today() - dt.timedelta(days=2))
    page.get_by_label("Share health information for the EHC needs assessment").check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("heading", name="Current consent")).to_be_visible()
    check(page)
    assert ConsentToShare.objects.get(child=child).is_active

    # Withdraw it: no reason first.
    page.get_by_role("link", name="Record that this consent was withdrawn").click()
    expect(page.get_by_role("button", name="Record withdrawal")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Record withdrawal").click()
    expect_error_summary(page)
    page.get_by_label("Why was it withdrawn?").fill("The family asked for it to stop")
    page.get_by_role("button", name="Record withdrawal").click()
    expect(page.get_by_role("heading", name="Withdrawn consent")).to_be_visible()
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
    page.wait_for_url("**/clock-start/")
    check(page)
    page.get_by_role("button", name="Change the clock start").click()  # no reason
    expect_error_summary(page)
    fill_date(page, "clock_start_date", dt.date.today() - dt.timedelta(days=50))
    page.get_by_label("Why is the clock start changing?").fill("Request arrived earlier than logged")
    page.get_by_role("button", name="Change the clock start").click()
    expect(page.get_by_role("heading", name="The clock start was changed")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Back to the request").click()
    page.wait_for_url(f"**/casework/requests/{advice_request.public_id}/")
    page.get_by_role("link", name="Cancel this request").click()
    page.wait_for_url("**/cancel/")
    check(page)
    page.get_by_role("button", name="Cancel the request").click()  # no reason
    expect_error_summary(page)
    page.get_by_label("Why is the request cancelled?").fill("The LA decided not to assess")
    page.get_by_role("button", name="Cancel the request").click()
    expect(page.get_by_text("Cancelled by the LA: The LA decided not to assess")).to_be_visible()
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
    expect_error_summary(page)
    page.get_by_label("No, they are different children").check()
    page.get_by_label("The right NHS number", exact=False).fill("401 023 2137")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/children/possible-duplicates/")
    expect(page.get_by_text("Recorded as different children")).to_be_visible()
    check(page)

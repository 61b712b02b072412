"""A parent contacts the DCO service in real Chromium: sends the public form (after errors, with what
was typed kept), checks its progress with the reference and e-mail address (a wrong address first),
and the DCO answers it; axe-clean with one <h1> on every page, error states included."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.testing import totp_device
from enquiries.models import Enquiry
from section23.testing import make_world
from tests.browser.conftest import browser_sign_in, check, expect_error_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_sends_an_enquiry_checks_it_and_the_dco_answers(page, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    cache.clear()
    world = make_world()
    totp_device(world.dco)

    page.goto("/contact-the-dco-service/")
    check(page)
    # Errors first: nothing chosen, only the name typed.
    page.get_by_label("Your name").fill("Sam Example-Parent")
    page.get_by_role("button", name="Send your enquiry").click()
    expect_error_summary(page)
    expect(page.get_by_label("Your name")).to_have_value("Sam Example-Parent")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose who you are")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tell us what your enquiry is about")

    page.get_by_role("group", name="Who are you?").get_by_label("A parent").check()
    page.get_by_label("Your relationship to the child or young person").fill("Father")
    page.get_by_role("group", name="How should we reply?").get_by_label("E-mail").check()
    page.get_by_label("E-mail address").fill("sam.parent@example.org")
    page.get_by_label("I would like our reply in easy read").check()
    page.get_by_label("Local authority area where the child or young person lives").select_option(
        label=world.la.name
    )
    page.get_by_label("Which service or organisation is it about?").fill("Wheelchair service")
    page.get_by_role("group", name="Is it a question or a concern?").get_by_label("A concern").check()
    page.get_by_label("What is it about?").select_option("equipment")
    page.get_by_label("Tell us about your question or concern").fill(
        "The new wheelchair promised in spring has not arrived."
    )
    page.get_by_label("I agree that the DCO service may share my enquiry").check()
    page.get_by_role("button", name="Send your enquiry").click()
    page.wait_for_url("**/contact-the-dco-service/sent/")
    check(page)
    enquiry = Enquiry.objects.get()
    expect(page.get_by_text(enquiry.reference)).to_be_visible()

    # Check progress: a wrong address first, the same answer as a wrong reference.
    page.get_by_role("link", name="check its progress").click()
    page.wait_for_url("**/progress/")
    check(page)
    page.get_by_label("Your reference").fill(enquiry.reference)
    page.get_by_label("The e-mail address you gave us").fill("someone@example.org")
    page.get_by_role("button", name="Check progress").click()
    expect_error_summary(page)
    page.get_by_label("The e-mail address you gave us").fill("sam.parent@example.org")
    page.get_by_role("button", name="Check progress").click()
    expect(page.get_by_text("Received: we have your enquiry")).to_be_visible()
    check(page)

    # The DCO answers it.
    browser_sign_in(page, world.dco.email)
    page.goto("/enquiries/")
    check(page)
    page.get_by_role("link", name=enquiry.reference).click()
    page.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    check(page)
    page.get_by_role("link", name="Triage and acknowledge").click()
    check(page)
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    page.get_by_role("link", name="Record the outcome").click()
    check(page)
    page.get_by_role("button", name="Record the outcome").click()
    expect_error_summary(page)
    page.get_by_label("Passed to the provider's complaints process").check()
    page.get_by_label("What you told the person, or where it was passed").fill(
        "Passed to the trust's complaints team."
    )
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    expect(page.locator("main")).to_contain_text(re.compile("Outcome recorded"))
    check(page)
    enquiry.refresh_from_db()
    assert enquiry.outcome == "complaints"

    page.goto("/enquiries/dashboard/")
    check(page)
    expect(page.locator("main")).to_contain_text("Equipment or continence products")

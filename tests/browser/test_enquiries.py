"""The families' single point of contact in real Chromium, as a new user would try it: a parent sends
the public form (nothing typed, then a bad e-mail address, then a good one), checks its progress with
the reference (a wrong address and a wrong reference first), and the DCO service finds it on the first
page of all enquiries, triages it (keeping the parent's answer about the child's need), assigns, links
it to the child's record and notification, records a contact, answers, closes and reopens it, then
passes it to a complaints process; staff log a phone enquiry (every error at once first); the figures
page and its CSV count them. Every page reached has one <h1> and no axe-core violations, error states
included. The public pages also work without JavaScript on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from enquiries.models import Enquiry
from section23.testing import make_world, notify
from tests.browser.conftest import check, expect_error_summary, fill_date, sees, sees_error

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARENT_EMAIL = "sam.parent@example.org"


@pytest.fixture
def world():
    return make_world()


def fill_public_form(page, la_name: str, email: str) -> None:
    page.get_by_role("group", name="Who are you?").get_by_label("A parent").check()
    page.get_by_label("Your name").fill("Sam Example-Parent")
    page.get_by_label("Your relationship to the child or young person").fill("Father")
    page.get_by_role("group", name="How should we reply?").get_by_label("E-mail").check()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("I would like our reply in easy read").check()
    page.get_by_label("Local authority area where the child or young person lives").select_option(
        label=la_name
    )
    page.get_by_label("Which service or organisation is it about?").fill("Wheelchair service")
    page.get_by_role("group", name="Is it a question or a concern?").get_by_label("A concern").check()
    page.get_by_label("What is it about?").select_option("equipment")
    page.get_by_label("The child or young person's main need (optional)").select_option("sensory_physical")
    page.get_by_label("Tell us about your question or concern").fill(
        "The new wheelchair promised in spring has not arrived & nobody says when (<6 weeks?)."
    )
    page.get_by_label("I agree that the DCO service may share my enquiry").check()


def check_progress(page, reference: str, email: str) -> None:
    page.get_by_label("Your reference").fill(reference)
    page.get_by_label("The e-mail address you gave us").fill(email)
    page.get_by_role("button", name="Check progress").click()


def test_a_parent_asks_checks_progress_and_the_dco_answers(world, new_page):
    today = dt.date.today()

    # 1. The parent sends the public form: nothing typed, then a bad e-mail address, then a good one.
    parent = new_page()
    parent.goto("/contact-the-dco-service/")
    sees(parent, "Call 999 if a child is at immediate risk")
    check(parent)
    parent.get_by_label("Your name").fill("Sam Example-Parent")
    parent.get_by_role("button", name="Send your enquiry").click()  # at once: the spam check hides nothing
    expect_error_summary(parent)
    for message in ("Choose who you are", "Choose how we should reply", "Tell us what your enquiry is about"):
        sees_error(parent, message)
    expect(parent.get_by_label("Your name")).to_have_value("Sam Example-Parent")
    check(parent)
    fill_public_form(parent, world.la.name, "sam.parent@example")
    parent.get_by_role("button", name="Send your enquiry").click()
    expect_error_summary(parent)
    sees_error(parent, "Enter an e-mail address in the correct format, like name@example.org")
    expect(parent.get_by_label("Your name")).to_have_value("Sam Example-Parent")
    expect(parent.get_by_label("E-mail address")).to_have_value("sam.parent@example")
    expect(parent.get_by_label("Tell us about your question or concern")).to_have_value(
        re.compile("wheelchair promised in spring")
    )
    parent.get_by_label("E-mail address").fill(PARENT_EMAIL)
    parent.get_by_role("button", name="Send your enquiry").click()
    parent.wait_for_url("**/contact-the-dco-service/sent/")
    check(parent)
    enquiry = Enquiry.objects.get()
    sees(parent, f"Your reference is {enquiry.reference}")

    # 2. Progress: nothing typed, a wrong address, a wrong reference (the same answer), then both right.
    parent.get_by_role("link", name="check its progress").click()
    parent.wait_for_url("**/contact-the-dco-service/progress/")
    check(parent)
    parent.get_by_role("button", name="Check progress").click()
    expect_error_summary(parent)
    sees_error(parent, "Enter your reference")
    check_progress(parent, enquiry.reference, "someone.else@example.org")
    sees_error(parent, "We could not find an enquiry with this reference and e-mail address")
    expect(parent.get_by_label("Your reference")).to_have_value(enquiry.reference)
    check(parent)
    check_progress(parent, "SPC-9999999", PARENT_EMAIL)
    sees_error(parent, "We could not find an enquiry with this reference and e-mail address")
    check_progress(parent, enquiry.reference.lower(), PARENT_EMAIL.upper())
    sees(parent, "Received: we have your enquiry")
    check(parent)

    # 3. The DCO triages and acknowledges it.
    dco = new_page(world.dco)
    dco.goto("/enquiries/")  # all of them: the new one is on the first page
    check(dco)
    dco.get_by_role("link", name=enquiry.reference).click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, "The new wheelchair promised in spring has not arrived & nobody says when (<6 weeks?).")
    check(dco)
    dco.get_by_role("link", name="Triage and acknowledge").click()
    dco.wait_for_url("**/triage/")
    check(dco)
    # It starts at the need the parent gave, so acknowledging does not change it.
    expect(dco.get_by_label("The child or young person's main need")).to_have_value("sensory_physical")
    dco.get_by_label("Triage note").fill("Equipment delay: ask the wheelchair service for a date.")
    dco.get_by_role("button", name="Acknowledge").click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, "Acknowledged and triaged")
    enquiry.refresh_from_db()
    assert enquiry.need == "sensory_physical"

    # 4. Assigns it (nobody chosen first), records a contact (nothing typed first).
    dco.get_by_role("link", name="Assign").click()
    dco.wait_for_url("**/assign/")
    check(dco)
    dco.get_by_role("button", name="Assign").click()
    expect_error_summary(dco)
    sees_error(dco, "Choose a colleague or a provider team")
    dco.get_by_label("A colleague in your DCO service").select_option(label=world.dco.get_full_name())
    dco.get_by_label("A provider team").select_option(label=world.team.name)
    dco.get_by_role("button", name="Assign").click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, f"{world.dco.get_full_name()}, {world.team.name}")
    check(dco)
    # The DCO links it to the child's record and the child's section 23 notification.
    notification = notify(world)
    child = notification.child
    dco.get_by_role("link", name="Link to a child or casework").click()
    dco.wait_for_url("**/link/")
    check(dco)
    dco.get_by_role("button", name="Link", exact=True).click()
    expect_error_summary(dco)
    sees_error(dco, "Enter the child's details or a reference to link")
    dco.get_by_label("Child's first name").fill(child.given_name)
    dco.get_by_label("Child's last name").fill(child.family_name)
    fill_date(dco, "date_of_birth", child.date_of_birth)
    dco.get_by_label("Section 23 notification reference (optional)").fill(notification.reference)
    dco.get_by_role("button", name="Link", exact=True).click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    expect(dco.get_by_role("link", name=child.full_name)).to_have_attribute(
        "href", f"/children/{child.public_id}/"
    )
    expect(dco.get_by_role("link", name=notification.reference)).to_have_attribute(
        "href", f"/notifications/{notification.public_id}/"
    )
    check(dco)
    dco.get_by_role("button", name="Record the contact").click()
    expect_error_summary(dco)
    sees_error(dco, "Enter the service you contacted")
    dco.get_by_label("Service contacted").fill("Wheelchair service")
    dco.get_by_role("group", name="How", exact=True).get_by_label("Phone").check()
    fill_date(dco, "contacted_on", today)
    dco.get_by_label("What was said or agreed").fill("Chair is ready; fitting booked for next week.")
    dco.get_by_role("button", name="Record the contact").click()
    sees(dco, "phone with Wheelchair service: Chair is ready; fitting booked for next week.")
    check(dco)

    # 5. Answers it (nothing chosen first) and closes it.
    dco.get_by_role("link", name="Record the outcome").click()
    dco.wait_for_url("**/outcome/")
    check(dco)
    dco.get_by_role("button", name="Record the outcome").click()
    expect_error_summary(dco)
    sees_error(dco, "Choose the outcome")
    dco.get_by_label("Answered", exact=True).check()
    dco.get_by_label("What you told the person, or where it was passed").fill("Told Sam the fitting date.")
    dco.get_by_role("button", name="Record the outcome").click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, "Answered: Told Sam the fitting date.")
    check(dco)
    dco.get_by_role("link", name="Close", exact=True).click()
    dco.wait_for_url("**/close/")
    check(dco)
    dco.get_by_role("button", name=re.compile("Close")).click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    expect(dco.locator(".nhsuk-tag").first).to_have_text("Closed")

    # 6. Reopens it: a reason is needed.
    dco.get_by_role("link", name="Reopen").click()
    dco.wait_for_url("**/reopen/")
    check(dco)
    dco.get_by_role("button", name=re.compile("Reopen")).click()
    expect_error_summary(dco)
    sees_error(dco, "Enter why the enquiry is being reopened")
    dco.get_by_label("Why is it being reopened?").fill("The fitting was cancelled.")
    dco.get_by_role("button", name=re.compile("Reopen")).click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, "Reopened: The fitting was cancelled.")
    check(dco)
    enquiry.refresh_from_db()
    assert enquiry.status == "reopened" and enquiry.reopen_reason == "The fitting was cancelled."

    # 7. The parent sees it is being looked into again.
    parent.goto("/contact-the-dco-service/progress/")
    check_progress(parent, enquiry.reference, PARENT_EMAIL)
    sees(parent, "In progress")
    check(parent)

    # 7b. The DCO passes it to the trust's complaints process; the form starts from what was recorded.
    dco.get_by_role("link", name="Record the outcome").click()
    dco.wait_for_url("**/outcome/")
    expect(dco.get_by_label("What you told the person, or where it was passed")).to_have_value(
        "Told Sam the fitting date."
    )
    dco.get_by_label("Passed to the provider's complaints process").check()
    dco.get_by_label("What you told the person, or where it was passed").fill(
        "Passed to the trust's complaints team."
    )
    dco.get_by_role("button", name="Record the outcome").click()
    dco.wait_for_url(f"**/enquiries/{enquiry.public_id}/")
    sees(dco, "Outcome recorded")
    enquiry.refresh_from_db()
    assert enquiry.outcome == "complaints"

    # 8. Staff log an enquiry that came by phone (nothing chosen first).
    dco.goto("/enquiries/")
    dco.get_by_role("link", name="Log an enquiry that arrived by phone, letter or e-mail").click()
    dco.wait_for_url("**/enquiries/log/")
    check(dco)
    dco.get_by_role("button", name="Log the enquiry").click()
    expect_error_summary(dco)
    for message in (  # every missing answer at once, in words about the person who asked
        "Choose how the enquiry arrived",
        "Enter the date the enquiry was received",
        "Choose who is asking",
        "Enter their name",
        "Choose how we should reply to them",
        "Enter the service or organisation the enquiry is about",
    ):
        sees_error(dco, message)
    check(dco)
    dco.get_by_role("group", name="How did it arrive?").get_by_label("Phone").check()
    fill_date(dco, "received_on", today)
    dco.get_by_role("group", name="Who is asking?").get_by_label("A professional").check()
    dco.get_by_label("Their name").fill("Dr Pat Caller")
    dco.get_by_label("Their relationship to the child or young person").fill("Their GP")
    dco.get_by_role("group", name="How should we reply to them?").get_by_label("Phone").check()
    dco.get_by_label("Phone number").fill("01632 960 123")
    dco.get_by_label("Local authority area where the child or young person lives").select_option(
        label=world.la.name
    )
    dco.get_by_label("Which service or organisation is it about?").fill("Community paediatrics")
    dco.get_by_role("group", name="Is it a question or a concern?").get_by_label("A question").check()
    dco.get_by_label("What is it about?").select_option("access")
    dco.get_by_label("Their question or concern").fill("How do I refer a child for an assessment?")
    dco.get_by_role("button", name="Log the enquiry").click()
    dco.wait_for_url(re.compile(r"/enquiries/[0-9a-f-]{36}/$"))
    phoned = Enquiry.objects.get(channel="phone")
    sees(dco, f"Enquiry {phoned.reference} logged")
    check(dco)

    # 9. The figures page counts both, for this month, and its CSV says the same.
    dco.goto("/enquiries/dashboard/?period=month")
    check(dco)
    sees(dco, "Equipment or continence products")
    received = dco.locator(".nhsuk-summary-list__row", has_text="Enquiries received")
    expect(received).to_contain_text("2")
    csv = dco.request.get("/enquiries/dashboard.csv?period=month")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Summary,Enquiries received,2" in csv.text()
    dco.goto("/enquiries/dashboard/?period=custom&from=nonsense&to=2026-01-01")
    expect_error_summary(dco)


def test_the_public_pages_work_without_javascript_on_a_phone(world, new_page):
    """No script at all, 375 pixels wide: the form's errors, sending it, and the status check. (axe-core
    itself needs JavaScript, so the same pages are checked by it at phone width with JavaScript on.)"""
    page = new_page(width=375, javascript=False)
    page.goto("/contact-the-dco-service/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_role("button", name="Send your enquiry").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose who you are")
    fill_public_form(page, world.la.name, PARENT_EMAIL)
    page.get_by_role("button", name="Send your enquiry").click()
    page.wait_for_url("**/contact-the-dco-service/sent/")
    enquiry = Enquiry.objects.get()
    expect(page.locator("main")).to_contain_text(enquiry.reference)
    page.goto("/contact-the-dco-service/progress/")
    check_progress(page, enquiry.reference, "wrong@example.org")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("We could not find an enquiry")
    check_progress(page, enquiry.reference, PARENT_EMAIL)
    expect(page.locator("main")).to_contain_text("Received: we have your enquiry")

    phone = new_page(width=375)
    phone.goto("/contact-the-dco-service/")
    check(phone)
    phone.get_by_role("button", name="Send your enquiry").click()
    expect_error_summary(phone)
    phone.goto("/contact-the-dco-service/progress/")
    check_progress(phone, enquiry.reference, PARENT_EMAIL)
    expect(phone.locator("main")).to_contain_text("Received: we have your enquiry")
    check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone

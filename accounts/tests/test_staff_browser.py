"""An organisation's administrator invites a colleague and removes another, in real Chromium, every page
checked with axe-core (WCAG 2.2 AA); the invited colleague follows the e-mailed link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Organisation, Role, User
from accounts.testing import make_organisation, member, totp_device
from tests.browser.conftest import browser_sign_in, check, expect_error_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_invites_a_colleague_and_removes_one(page):
    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    admin = member(Role.ORGANISATION_ADMIN, la, email="la.admin.browser@example.org", first_name="Ada")
    totp_device(admin)
    leaver = member(Role.LA_CASEWORKER, la, first_name="Lee", last_name="Leaving")

    browser_sign_in(page, "la.admin.browser@example.org")
    page.goto("/accounts/organisations/")
    check(page)
    page.get_by_role("link", name="Aldermoor Council").click()
    expect(page.locator("h1")).to_have_text("Aldermoor Council")
    check(page)

    page.get_by_role("button", name="Invite someone").click()
    expect(page.locator("h1")).to_have_text("Invite someone")
    check(page)
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in: every error at once
    expect_error_summary(page)
    expect(page.locator(".nhsuk-error-summary li")).to_have_count(4)
    page.get_by_label("Email address").fill("nell.newbury@example.org")
    page.get_by_label("First name").fill("Nell")
    page.get_by_label("Last name").fill("Newbury")
    page.get_by_label("LA SEN caseworker, Aldermoor Council").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was sent to nell.newbury@example.org.")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Lee Leaving").click()
    expect(page.locator("h1")).to_have_text("Lee Leaving")
    check(page)
    page.get_by_role("link", name="Remove from Aldermoor Council").click()
    expect(page.locator("h1")).to_have_text("Remove Lee Leaving")
    check(page)
    page.get_by_role("button", name="Remove from Aldermoor Council").click()
    expect(page.get_by_text("Lee Leaving was removed from Aldermoor Council.")).to_be_visible()
    check(page)
    assert not Membership.objects.filter(user=leaver, is_active=True).exists()

    # The colleague follows the link in the e-mail: a password, then the authenticator.
    page.context.clear_cookies()
    (invitation,) = [m for m in mail.outbox if m.to == ["nell.newbury@example.org"]]
    link = re.search(r"/accounts/invitation/\S+/", invitation.body)
    assert link is not None
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Choose your password")
    check(page)
    page.get_by_label("New password", exact=True).fill("amber kettle orchard 42")
    page.get_by_label("Confirm new password").fill("amber kettle orchard 42")
    page.get_by_role("button", name="Save password and continue").click()
    expect(page.locator("h1")).to_contain_text("Set up security codes")
    assert User.objects.get(email="nell.newbury@example.org").has_usable_password()


def test_notification_settings_pages_are_accessible(page):
    trust = make_organisation(kind=Organisation.Kind.PROVIDER_TRUST, name="Aldermoor Trust")
    team = make_organisation(
        kind=Organisation.Kind.PROVIDER_TEAM, name="Aldermoor physiotherapy", parent=trust
    )
    clinician = member(Role.PROVIDER_CLINICIAN, team, email="clinician.browser@example.org")
    totp_device(clinician)
    Membership.objects.create(user=clinician, organisation=trust, role=Role.ORGANISATION_ADMIN)

    browser_sign_in(page, "clinician.browser@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Email settings").click()
    expect(page.locator("h1")).to_have_text("Your notification settings")
    check(page)
    page.get_by_role("group", name="Reminders that advice is due soon, at risk or overdue").get_by_label(
        "One email a day listing them"
    ).check()
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Your notification settings were saved.")).to_be_visible()

    page.goto("/accounts/organisations/")
    page.get_by_role("link", name="Aldermoor physiotherapy").click()
    page.get_by_role("link", name="Notification settings and shared mailbox").click()
    expect(page.locator("h1")).to_have_text("Notification settings")
    check(page)
    page.get_by_label("Shared mailbox", exact=True).fill("not an address")
    page.get_by_role("button", name="Save notification settings").click()
    expect_error_summary(page)

"""The editor pages in real Chromium: signed in through the two-step form, zero axe violations."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from audit.testing import TEST_CONTEXT
from directory import services
from directory.tests.editor_personas import make_world
from tests.browser.conftest import browser_sign_in, check, expect_error_summary, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    world = make_world()
    totp_device(world.editor)
    totp_device(world.provider_editor)
    world.other_provider_service.last_reviewed = dt.date(2020, 1, 1)
    world.other_provider_service.save()
    services.record_problem_report(
        service=world.service, topic="out_of_date", details="The phone number is wrong"
    )
    return world


def test_editor_pages_are_accessible(page, world):
    browser_sign_in(page, world.editor.email)
    service = world.service
    proposal = services.propose_change(
        service=service,
        provider=world.provider,
        data={**services.service_values(service), "name": "Speech drop-in for under 5s", "needs": ["autism"]},
        user=world.provider_editor,
        context=TEST_CONTEXT,
        note="New name",
    )
    services.update_service(
        service=service,
        data={"alert": "Closed at Christmas"},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=service.version,
    )
    for path in [
        "/manage/",
        "/manage/services/",
        "/manage/services/?q=speech&stale=on",
        f"/manage/services/{service.public_id}/",
        "/manage/services/new/",
        f"/manage/proposals/{proposal.public_id}/",
        "/manage/proposals/",
        f"/manage/services/{service.public_id}/history/",
        "/manage/due-for-review/",
        "/manage/problems/",
        f"/manage/problems/{service.problem_reports.get().public_id}/",
        "/manage/import/",
        "/manage/export/",
    ]:
        page.goto(path)
        check(page)


def test_edit_with_errors_then_fixed(page, world):
    browser_sign_in(page, world.editor.email)
    page.goto(f"/manage/services/{world.service.public_id}/")
    page.get_by_label("Service name").fill("")
    page.get_by_label("Monday opens at").fill("9am")
    page.get_by_role("button", name="Save and publish").click()
    expect_error_summary(page)
    expect(page.get_by_label("Monday opens at")).to_have_value("9am")
    page.get_by_label("Service name").fill("Speech drop-in")
    page.get_by_label("Monday opens at").fill("09:00")
    page.get_by_label("Monday closes at").fill("12:00")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Your changes to Speech drop-in are saved and published.")).to_be_visible()
    page.goto(f"/manage/services/{world.service.public_id}/history/")
    expect(page.get_by_text("Monday 09:00 to 12:00").first).to_be_visible()
    check(page)


def test_provider_proposes_and_editor_approves(page, world):
    browser_sign_in(page, world.provider_editor.email)
    page.goto(f"/manage/services/{world.service.public_id}/")
    expect(page.locator("h1")).to_contain_text("Propose a change")
    page.get_by_label("Service name").fill("Speech drop-in for under 5s")
    page.get_by_role("button", name="Send the change for approval").click()
    expect(page.get_by_text("Current and proposed values")).to_be_visible()
    check(page)
    sign_out(page)
    browser_sign_in(page, world.editor.email)
    page.goto("/manage/proposals/")
    page.get_by_role("link", name="Speech and language drop-in").click()
    expect(page.get_by_role("cell", name="Speech drop-in for under 5s")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("is approved and published")).to_be_visible()
    world.service.refresh_from_db()
    assert world.service.name == "Speech drop-in for under 5s"


def test_stale_list_mark_as_reviewed(page, world):
    browser_sign_in(page, world.editor.email)
    page.goto("/manage/due-for-review/")
    page.get_by_role("button", name="Mark as reviewed Another provider's club").click()
    expect(page.get_by_text("is marked as reviewed today")).to_be_visible()
    check(page)


def test_second_writer_sees_the_other_changes(page, world):
    browser_sign_in(page, world.editor.email)
    page.goto(f"/manage/services/{world.service.public_id}/")
    # Someone else saves while the form is open.
    services.update_service(
        service=world.service,
        data={"alert": "Closed on Friday"},
        user=world.other_editor,
        context=TEST_CONTEXT,
        expected_version=world.service.version,
    )
    page.get_by_label("Service name").fill("My new name")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Someone else changed this since you opened it").first).to_be_visible()
    expect(page.get_by_role("cell", name="Closed on Friday").first).to_be_visible()
    expect(page.get_by_label("Service name")).to_have_value("My new name")
    check(page)
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("are saved and published")).to_be_visible()
    world.service.refresh_from_db()
    assert world.service.name == "My new name"
    assert world.service.alert == "Closed on Friday"


def test_import_with_row_errors_is_accessible(page, world, tmp_path):
    upload = tmp_path / "services.csv"
    upload.write_text("name,provider,description\n,Example Therapy,A service with no name\n")
    browser_sign_in(page, world.editor.email)
    page.goto("/manage/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Line 2, name: is required")
    check(page)


def test_reminder_link_leads_through_sign_in_to_confirm_the_record(page, world):
    from django.core import mail
    from django.utils import timezone
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from directory import tasks

    world.service.last_reviewed = dt.date(2020, 1, 1)
    world.service.save()
    tasks.send_review_reminders()
    message = next(m for m in mail.outbox if world.provider_editor.email in m.to)
    path = next(line.strip() for line in message.body.splitlines() if "/manage/services/" in line)
    path = path[path.index("/manage/") :]
    page.goto(path)
    page.get_by_label("Email address").fill(world.provider_editor.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    device = TOTPDevice.objects.get(user=world.provider_editor)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Security code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{path}")
    page.get_by_role("button", name="Confirm these details are still correct").click()
    expect(page.get_by_text("is marked as reviewed today")).to_be_visible()
    world.service.refresh_from_db()
    assert world.service.last_reviewed == timezone.localdate()

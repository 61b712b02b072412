"""Section 23 in real Chromium, as a new user would try it: a health visitor records a notification (a
postcode not in the postcode data first, so the list of local authorities is offered; a child already of
compulsory school age; then the statutory steps missing, then a draft), sends it
with the parent's objection; the LA's early-years SEN officer acknowledges it and records a decision;
the health visitor sees both; the DCO sees it on the figures page and in its CSV. A GP raises a concern
and the DCO decides who notifies. Every page reached has one <h1> and no axe-core violations, error
states included."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from advice.testing import make_request
from section23.models import Concern, Notification
from section23.testing import make_world, postcode_in, young_birth_date
from tests.browser.conftest import check, expect_error_summary, fill_date, sees, sees_error

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    world = make_world()
    postcode_in(world.la, "TS1 1AA")
    return world


def test_a_health_visitor_notifies_the_la_answers_and_the_dco_counts_it(world, new_page):
    today = dt.date.today()

    # 1. The health visitor starts a notification for a child already of compulsory school age.
    hv = new_page(world.health_visitor)
    hv.goto("/notifications/")
    check(hv)
    hv.get_by_role("button", name="Record a notification").click()
    hv.wait_for_url("**/notifications/new/")
    check(hv)
    hv.get_by_label("Child's first name").fill("Robin")
    hv.get_by_label("Child's last name").fill("Browsertest")
    fill_date(hv, "date_of_birth", young_birth_date(years=6))
    hv.get_by_label("Postcode where the child lives").fill("zz9 9zz")  # not in the postcode data
    hv.get_by_label("Name of the professional who formed the opinion").fill("Alex Testvisitor")
    hv.get_by_label("Profession", exact=True).select_option(label="Health visitor")
    hv.get_by_role("button", name="Send to the local authority").click()
    expect_error_summary(hv)
    sees_error(hv, "We could not find the postcode ZZ9 9ZZ")
    expect(hv.get_by_label("Local authority where the child lives")).to_be_visible()  # the fallback list
    expect(hv.get_by_label("Child's last name")).to_have_value("Browsertest")
    check(hv)
    hv.get_by_label("Postcode where the child lives").fill("ts1 1aa")  # in Testshire Council's area
    hv.get_by_role("button", name="Send to the local authority").click()
    expect_error_summary(hv)
    sees_error(hv, "reached compulsory school age")
    expect(hv.get_by_role("heading", name="This child is of compulsory school age")).to_be_visible()
    sees(hv, "ask the local authority for an EHC needs assessment")  # what to do instead, by the date
    assert hv.locator("main").inner_text().count("SENCO") == 1  # said once
    expect(hv.get_by_text("If the child is already of compulsory school age")).to_have_count(0)
    expect(hv.get_by_label("Child's last name")).to_have_value("Browsertest")
    check(hv)

    # 2. A young child, but the statutory steps are missing: named, and nothing is sent.
    fill_date(hv, "date_of_birth", young_birth_date())
    hv.get_by_role("button", name="Send to the local authority").click()
    expect_error_summary(hv)
    sees_error(hv, "duty to notify")
    sees_error(hv, "Say whether a discussion was held or offered")
    sees_error(hv, "voluntary organisations")
    summary = hv.locator(".nhsuk-error-summary li")
    texts = summary.all_inner_texts()
    assert len(texts) == len(set(texts)), texts  # each error once in the summary
    sees(hv, "This notification will go to Testshire Council, the council for TS1 1AA.")
    expect(hv.get_by_label("Local authority where the child lives")).to_have_count(0)
    expect(hv.get_by_role("heading", name="This child is of compulsory school age")).to_have_count(0)
    expect(hv.get_by_label("Name of the professional who formed the opinion")).to_have_value(
        "Alex Testvisitor"
    )
    assert not Notification.objects.exists()

    # 3. Saved as a draft instead: the draft page says what is still missing.
    hv.get_by_role("button", name="Save as draft").click()
    hv.wait_for_url(re.compile(r"/notifications/[0-9a-f-]{36}/$"))
    notification = Notification.objects.get(child__family_name="Browsertest")
    sees(hv, f"Draft {notification.reference} saved")
    sees(hv, "Record these before you send it")
    expect(hv.locator(".nhsuk-card--warning li").first).to_be_visible()
    check(hv)

    # 4. The health visitor records the steps, with the parent's objection, and sends it.
    hv.get_by_role("button", name="Change or send this draft").click()
    hv.wait_for_url("**/edit/")
    check(hv)
    hv.get_by_label("Name of the person with parental responsibility").fill("Jordan Browsertest")
    hv.get_by_label("Your opinion and what it is based on").fill(
        'Few words & little play at the 2-year review ("communication" <concern>).'
    )
    hv.get_by_label("Communication and interaction").check()
    fill_date(hv, "opinion_formed_on", today - dt.timedelta(days=10))
    fill_date(hv, "parent_told_on", today - dt.timedelta(days=7))
    hv.get_by_label("A discussion was held").check()
    fill_date(hv, "discussion_on", today - dt.timedelta(days=7))
    hv.get_by_label("Who with: the officer's name and role").fill("Alex Testvisitor, health visitor")
    hv.get_by_label("Disagrees or objects").check()
    hv.get_by_label("The parent's views in their words (optional)").fill("Does not want the council involved")
    hv.get_by_label("Voluntary organisations you told the parent about").fill("Testshire Parent Carer Forum")
    hv.get_by_role("button", name="Send to the local authority").click()
    hv.wait_for_url(f"**/notifications/{notification.public_id}/")
    sees(hv, f"Notification {notification.reference} sent to {world.la.name}, the council for TS1 1AA")
    sees(hv, "The parent disagrees")  # flagged, never a veto
    sees(hv, 'Few words & little play at the 2-year review ("communication" <concern>).')
    check(hv)

    # 5. The LA's SEN officer acknowledges it, then records a decision (nothing chosen first).
    la = new_page(world.caseworker)
    la.goto("/notifications/")
    check(la)
    la.get_by_role("link", name=notification.reference).click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    sees(la, "The parent disagrees")
    check(la)
    la.get_by_role("button", name="Acknowledge it").click()
    la.wait_for_url("**/acknowledge/")
    check(la)
    la.get_by_label("Your reference (optional)").fill("EY-2026-0142")
    la.get_by_role("button", name="Acknowledge", exact=True).click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    sees(la, f"Notification {notification.reference} acknowledged")
    check(la)
    la.get_by_role("button", name="Record your decision").click()
    la.wait_for_url("**/decision/")
    check(la)
    la.get_by_role("button", name="Record decision").click()
    expect_error_summary(la)
    sees_error(la, "What did you decide?")
    la.get_by_label("Refer to early years SEN support").check()
    la.get_by_label("Details", exact=True).fill("Referred to the Testshire early years team")
    la.get_by_role("button", name="Record decision").click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    sees(la, "Refer to early years SEN support")
    check(la)

    # 5b. Had the LA decided to consider an EHC needs assessment, it links the advice request it made.
    advice = make_request(SimpleNamespace(la=world.la), child=notification.child, user=world.caseworker)
    Notification.objects.filter(pk=notification.pk).update(decision="consider_assessment")
    la.reload()
    la.get_by_role("button", name="Link to the EHC needs assessment").click()
    la.wait_for_url("**/advice-request/")
    check(la)
    la.get_by_role("button", name="Link it").click()  # nothing chosen
    expect_error_summary(la)
    sees_error(la, "Choose the advice request, or enter its reference")
    check(la)
    la.get_by_label(f"Health advice request {advice.reference}", exact=False).check()
    la.get_by_role("button", name="Link it").click()
    la.wait_for_url(f"**/notifications/{notification.public_id}/")
    la.get_by_role("link", name=f"Health advice request {advice.reference}", exact=False).click()
    la.wait_for_url(f"**/{advice.public_id}/**")
    Notification.objects.filter(pk=notification.pk).update(decision="early_years")

    # 6. The health visitor sees the acknowledgement and the decision.
    hv.reload()
    sees(hv, "EY-2026-0142")
    sees(hv, "Referred to the Testshire early years team")
    check(hv)

    # 7. The DCO sees it on the figures page for this month, and in its CSV.
    dco = new_page(world.dco)
    dco.goto("/notifications/dashboard/?period=month")
    check(dco)
    expect(dco.locator(".nhsuk-summary-list__row", has_text="Notifications sent")).to_contain_text("1")
    expect(dco.locator(".nhsuk-summary-list__row", has_text="Parent disagreed or objected")).to_contain_text(
        "1"
    )
    sees(dco, "Health visitor")
    csv = dco.request.get("/notifications/dashboard.csv?period=month")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    assert notification.reference in csv.text() and "Refer to early years SEN support" in csv.text()
    dco.goto("/notifications/dashboard/?period=custom&from=nonsense&to=2026-01-01")
    expect_error_summary(dco)


def test_a_gp_raises_a_concern_and_the_dco_decides(world, new_page):
    gp = new_page(world.gp)
    gp.goto("/notifications/concerns/")
    check(gp)
    gp.goto("/notifications/concerns/new/")
    check(gp)
    gp.get_by_role("button", name="Send to the DCO service").click()  # nothing typed
    expect_error_summary(gp)
    sees_error(gp, "Enter your concern and what it is based on")
    gp.get_by_label("Child's first name").fill("Sasha")
    gp.get_by_label("Child's last name").fill("Concerntest")
    fill_date(gp, "date_of_birth", young_birth_date(years=3))
    gp.get_by_label("Postcode where the child lives").fill("TS1 1AA")
    gp.get_by_label("Your name").fill("Dr Casey Testdoctor")
    gp.get_by_label("Your profession").select_option(label="GP")
    gp.get_by_label("Your concern and what it is based on").fill("Not walking at 3 & parents worried.")
    gp.get_by_label("Sensory and/or physical needs").check()
    gp.get_by_label("The parent knows you are raising this concern").check()
    gp.get_by_role("button", name="Send to the DCO service").click()
    gp.wait_for_url(re.compile(r"/notifications/concerns/[0-9a-f-]{36}/$"))
    concern = Concern.objects.get()
    sees(gp, "With the DCO service")
    sees(gp, "Sensory and/or physical needs")  # the areas of need ticked
    check(gp)

    dco = new_page(world.dco)
    dco.goto("/notifications/concerns/")
    check(dco)
    dco.get_by_role("link", name=concern.reference).click()
    dco.wait_for_url(f"**/notifications/concerns/{concern.public_id}/")
    check(dco)
    dco.get_by_role("button", name="Record decision").click()  # nothing chosen
    expect_error_summary(dco)
    sees_error(dco, "What happens next?")
    dco.get_by_role("radio", name="A trust team will consider notifying").check()
    dco.get_by_role("button", name="Record decision").click()  # no team named
    sees_error(dco, "Choose the trust team to ask")
    check(dco)
    dco.get_by_role("radio", name="A trust team will consider notifying").check()
    dco.get_by_label("Trust team to ask", exact=False).select_option(label=world.team.name)
    dco.get_by_label("Reason or notes").fill("Health visiting to assess & consider notifying")
    dco.get_by_role("button", name="Record decision").click()
    sees(dco, f"Decision recorded for {concern.reference}")
    draft = Notification.objects.get(concern=concern)
    sees(dco, f"Section 23 notification: {draft.reference}")  # the team's draft: named, not yet openable
    expect(dco.get_by_role("link", name=draft.reference)).to_have_count(0)
    check(dco)

    gp.reload()
    sees(gp, "A trust team will consider notifying")
    sees(gp, world.team.name)
    check(gp)

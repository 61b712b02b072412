"""The whole casework journey in real Chromium, with zero axe violations on every page of it
(error states included): the LA asks for advice, the DCO routes it, the clinician answers, the DCO
checks and releases it, the LA reads it; the dashboard figures change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from advice.models import AdviceRequest
from advice.testing import make_world
from tests.browser.conftest import check, expect_error_summary, fill_date, sees, sees_error

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    return make_world()


def test_the_whole_journey(world, new_page):
    today = dt.date.today()

    # 1. The LA caseworker asks for advice.
    la = new_page(world.la_user)
    la.goto("/casework/requests/")
    check(la)
    la.get_by_role("button", name="Request health advice").click()
    la.wait_for_url("**/casework/requests/new/")
    check(la)
    la.get_by_role("button", name="Continue").click()  # nothing typed: errors
    expect_error_summary(la)
    la.get_by_label("Given name").fill("Robin")
    la.get_by_label("Family name").fill("Journeytest")
    fill_date(la, "date_of_birth", dt.date(2016, 9, 12))
    la.get_by_label("NHS number (optional)").fill("999 000 0019")  # wrong check digit
    la.get_by_role("button", name="Continue").click()
    sees_error(la, "This is not a valid NHS number")
    expect(la.get_by_label("Family name")).to_have_value("Journeytest")
    check(la)
    la.get_by_label("NHS number (optional)").fill("999 000 0018")
    la.get_by_role("button", name="Continue").click()
    la.wait_for_url(re.compile(r"/casework/requests/new/details/"))
    check(la)
    fill_date(la, "request_received_on", today - dt.timedelta(days=21))
    la.get_by_role("button", name="Send request").click()  # no questions: error, dates kept
    sees_error(la, "Say what you would like health to advise on")
    expect(la.locator("[name='request_received_on-day']")).to_have_value(
        str((today - dt.timedelta(days=21)).day)
    )
    check(la)
    la.get_by_label("What would you like health to advise on?").fill(
        "Please describe Robin's communication needs and the provision required."
    )
    la.get_by_label("Known health involvement (optional)").fill("Speech and language therapy since 2022")
    la.get_by_role("button", name="Send request").click()
    la.wait_for_url(re.compile(r"/sent/$"))
    check(la)
    advice_request = AdviceRequest.objects.get(child__family_name="Journeytest")
    sees(la, advice_request.reference)

    # 2. The DCO sees it on the dashboard and routes it.
    dco = new_page(world.dco)
    dco.goto("/casework/dashboard/")
    check(dco)
    before = dco.locator("[data-figure='month-including']").inner_text()
    dco.goto("/casework/triage/")
    check(dco)
    dco.get_by_role("link", name=advice_request.reference).click()
    dco.wait_for_url(f"**/casework/requests/{advice_request.public_id}/")
    check(dco)
    dco.get_by_role("button", name="Route request").click()  # no team chosen: error
    sees_error(dco, "Choose at least one provider team")
    sees_error(dco, "Confirm the lawful basis for sharing")  # the new child has no consent recorded
    check(dco)
    dco.get_by_label("Legal obligation", exact=False).check()
    dco.get_by_label("Speech and language therapy").check()
    dco.get_by_label("Triage notes (optional)").fill("Known to SLT; routed to SLT only")
    dco.get_by_role("button", name="Route request").click()
    sees(dco, "routed to Speech and language therapy")
    check(dco)
    assignment = advice_request.assignments.get()
    dco.get_by_role(
        "link", name="Robin Journeytest's record: parents and carers, consent, other requests"
    ).click()
    dco.wait_for_url(f"**/children/{advice_request.child.public_id}/")
    check(dco)

    # 3. The clinician accepts and submits structured advice.
    clinician = new_page(world.clinician)
    clinician.goto("/casework/inbox/")
    check(clinician)
    clinician.get_by_role("link", name=advice_request.reference).click()
    clinician.wait_for_url(f"**/casework/assignments/{assignment.public_id}/")
    check(clinician)
    clinician.get_by_role("button", name="Accept request").click()
    sees(clinician, "You accepted")
    check(clinician)
    clinician.get_by_role("link", name="Record a time-limit exception (regulation 8(2))").click()
    clinician.wait_for_url("**/exception/")
    check(clinician)
    clinician.get_by_role("button", name="Record exception").click()
    expect_error_summary(clinician)
    clinician.goto(f"/casework/assignments/{assignment.public_id}/advice/")
    check(clinician)
    clinician.locator("[name='need-0-description']").fill("Difficulty with expressive language in class")
    clinician.locator("[name='outcome-0-outcome']").fill("Uses three-word sentences to ask for help")
    clinician.locator("[name='provision-0-what']").fill("Direct speech and language therapy")
    clinician.get_by_role("button", name="Add another provision").click()
    expect(clinician.locator("[name='provision-2-what']")).to_have_count(1)
    expect(clinician.locator("[name='provision-0-what']")).to_have_value("Direct speech and language therapy")
    check(clinician)
    clinician.locator("[name='provision-0-who']").fill("Speech and language therapist (Band 6)")
    clinician.locator("[name='provision-0-how_often']").fill("Weekly, 30 minutes")
    clinician.locator("[name='provision-0-how_long']").fill("12 months, reviewed termly")
    clinician.locator("#id_provision-0-section").check()  # section F
    clinician.get_by_label("Name", exact=True).fill("Sam Writer")
    clinician.get_by_role("button", name="Send advice for quality check").last.click()  # no profession
    sees_error(clinician, "Enter their profession")
    expect(clinician.locator("[name='provision-0-how_often']")).to_have_value("Weekly, 30 minutes")
    check(clinician)
    clinician.get_by_label("Profession", exact=True).fill("Speech and language therapist")
    clinician.get_by_label("Professional registration number").fill("SL012345")
    clinician.get_by_role("button", name="Send advice for quality check").last.click()
    sees(clinician, "sent to the DCO service for a quality check")
    check(clinician)

    # 4. The DCO checks it and releases it.
    dco.goto("/casework/dashboard/?list=quality-check")
    check(dco)
    dco.get_by_role("link", name=advice_request.reference).click()
    dco.wait_for_url(f"**/casework/assignments/{assignment.public_id}/")
    check(dco)
    dco.get_by_role("button", name="Quality-check this advice").click()
    expect(dco.get_by_role("button", name="Save quality check")).to_be_visible()
    check(dco)
    dco.get_by_role("button", name="Save quality check").click()  # nothing chosen: error
    sees_error(dco, "Choose whether to release the advice or return it to the author")
    check(dco)
    for number in range(1, 13):
        dco.locator(f"#id_score_Q{number}").check()  # 2: met
    dco.get_by_label("Release the advice to the local authority").check()
    dco.get_by_role("button", name="Save quality check").click()  # Q13 not answered: error naming it
    sees_error(dco, "Score Q13 or choose Does not apply before you release the advice")
    check(dco)
    dco.locator("[name='score_Q13'][value='n/a']").check()  # only nil returns: does not apply
    dco.get_by_role("button", name="Save quality check").click()
    sees(dco, "Advice released to Testshire Council")
    check(dco)

    # 5. The LA reads it, as a page and as a PDF.
    la.goto(f"/casework/requests/{advice_request.public_id}/")
    sees(la, "Released advice")
    sees(la, "Weekly, 30 minutes")
    check(la)
    la.set_viewport_size({"width": 390, "height": 844})  # on a phone the provision table scrolls sideways
    check(la)  # ... and its scrolling box can be reached by keyboard (axe: scrollable-region-focusable)
    la.set_viewport_size({"width": 1280, "height": 800})
    pdf = la.request.get(f"/casework/requests/{advice_request.public_id}/advice.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    la.goto("/casework/requests/")
    sees(la, "1 of 1 team answered")
    check(la)

    # 6. The dashboard figures changed: one piece of advice returned on time this month.
    dco.goto("/casework/dashboard/")
    figure = dco.locator("[data-figure='month-including']")
    expect(figure).to_contain_text("100%")
    expect(figure).to_contain_text("1 of 1")
    assert figure.inner_text() != before
    check(dco)
    dco.goto("/casework/dashboard/?list=at-risk&sort=-received")
    check(dco)


def test_the_other_casework_pages(world, new_page):
    """Pages off the main path: "Is this the same child?", a reg 8(2) exception recorded, a "not known"
    response (with its error state), and the LA reading that nil return."""
    from advice.testing import make_request, route
    from children.testing import ChildFactory

    today = dt.date.today()
    ChildFactory(
        given_name="Sam", family_name="Matchtest", date_of_birth=dt.date(2015, 1, 9), local_authority=world.la
    )
    la = new_page(world.la_user)
    la.goto("/casework/requests/new/")
    la.get_by_label("Given name").fill("Sam")
    la.get_by_label("Family name").fill("Matchtest")
    fill_date(la, "date_of_birth", dt.date(2015, 1, 9))
    la.get_by_role("button", name="Continue").click()
    la.wait_for_url(re.compile(r"/same-child/$"))
    check(la)
    la.get_by_role("button", name="Continue").click()  # nothing chosen: error
    expect_error_summary(la)
    la.get_by_label("Yes, use this record").check()
    la.get_by_role("button", name="Continue").click()
    la.wait_for_url(re.compile(r"/details/$"))
    check(la)

    advice_request = make_request(world, received=today - dt.timedelta(days=3))
    (assignment,) = route(world, advice_request, world.team, received_on=today - dt.timedelta(days=3))
    clinician = new_page(world.clinician)
    clinician.goto(f"/casework/assignments/{assignment.public_id}/exception/")
    clinician.get_by_label("Missed appointment (reg 8(2)(c))").check()
    fill_date(clinician, "start_on", today - dt.timedelta(days=1))
    clinician.get_by_label("Why did this make meeting the 6 weeks impractical?").fill("Not brought to clinic")
    clinician.get_by_label("Who approved it?").select_option(
        label=f"{world.manager.get_full_name()} ({world.manager.email})"
    )
    clinician.get_by_role("button", name="Record exception").click()
    sees(clinician, "Exception recorded. The advice is still due on")
    check(clinician)
    clinician.get_by_role("link", name="The child is not known to this service").click()
    clinician.wait_for_url("**/not-known/")
    check(clinician)
    clinician.get_by_role("button", name="Send response").click()  # no reason: error
    expect_error_summary(clinician)
    clinician.get_by_label("Why is the child not known to your service, and what did you do?").fill(
        "No referral received; a health assessment was offered."
    )
    clinician.get_by_role("button", name="Send response").click()
    sees(clinician, "not known to your service")
    check(clinician)

    la.goto(f"/casework/requests/{advice_request.public_id}/")
    sees(la, "Not known to this service.")
    check(la)

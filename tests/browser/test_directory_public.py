"""The public directory in real Chromium: axe-clean pages and a keyboard-only search journey."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check, expect_error_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    from directory.models import Taxonomy
    from directory.search import reindex_services
    from directory.testing import (
        AddressFactory,
        LocationFactory,
        PhoneFactory,
        PostcodeFactory,
        ScheduleFactory,
        ServiceAtLocationFactory,
        ServiceFactory,
        TaxonomyFactory,
        TaxonomyTermFactory,
    )

    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    slcn = TaxonomyTermFactory(
        taxonomy=needs, code="speech-language-communication", name="Speech", position=2
    )
    autism = TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    cats = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    health = TaxonomyTermFactory(taxonomy=cats, code="health", name="Health", position=0)
    PostcodeFactory(postcode="NS1 2AB", latitude=52.64, longitude=-1.13)
    services = []
    for n, (name, low, high) in enumerate(
        [
            ("Children's speech and language therapy", 2, 11),
            ("Speech therapy for teenagers", 12, 18),
            ("Early years speech therapy drop-in", 0, 5),
        ]
    ):
        service = ServiceFactory(
            name=name,
            description="Help for children and young people who find talking and listening hard.",
            minimum_age=low,
            maximum_age=high,
            terms=[slcn, health] + ([autism] if n == 0 else []),
        )
        location = LocationFactory(name=f"Clinic {n}", latitude=52.63 + n / 100, longitude=-1.13)
        AddressFactory(location=location, address_1=f"{n + 1} Example Street", postal_code="NS1 1AA")
        ServiceAtLocationFactory(service=service, location=location)
        ScheduleFactory(service=service, byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17))
        PhoneFactory(service=service, number=f"01632 96000{n}")
        services.append(service)
    for n in range(12):
        ServiceFactory(name=f"Activity club {n:02d}", terms=[health])
    reindex_services()
    return services


def test_public_pages_have_no_axe_violations(page, directory):
    service = directory[0]
    ids = f"s={service.public_id}&s={directory[1].public_id}"
    pages = [
        "/",
        "/services/",
        "/services/?q=speech+therapy&location=NS1+2AB&age=4&need=autism&cost=free&day=MO&delivery=in_person",
        "/services/?q=zzzz+qqqq&age=30",  # nothing found, and an error
        "/services/?location=ZZ9+9ZZ",
        "/services/a-z/",
        "/services/a-z/C/",
        f"/services/{service.public_id}/?location=NS1+2AB",
        f"/services/shortlist/?{ids}",
        "/services/shortlist/",
        f"/services/{service.public_id}/report-a-problem/",
    ]
    for path in pages:
        page.goto(path)
        check(page)


def test_report_a_problem_errors_are_accessible(page, directory):
    from django.core.cache import cache

    cache.clear()  # no rate limit left over from other tests
    page.goto(f"/services/{directory[0].public_id}/report-a-problem/")
    page.get_by_role("button", name="Send report").click()
    expect_error_summary(page)
    page.get_by_label("Something is out of date or wrong").check()
    page.get_by_label("Tell us more").fill("The phone number has changed.")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("h1")).to_have_text("Thank you, your report has been sent")
    check(page)


def tab_to(page, predicate, limit: int = 150) -> None:
    """Press Tab until the focused element matches predicate(js element handle) — keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"never reached an element matching {predicate}")


def test_keyboard_only_search_journey(page, directory):
    page.goto("/")
    tab_to(page, "document.activeElement.id === 'id_q'")
    page.keyboard.type("speech therapy")
    tab_to(page, "document.activeElement.id === 'id_location'")
    page.keyboard.type("NS1 2AB")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/?**")
    expect(page.locator("#results-heading")).to_contain_text("3 services found")

    tab_to(page, "document.activeElement.id === 'id_age'")
    page.keyboard.type("4")
    page.keyboard.press("Enter")  # submits the search form with the age filter
    page.wait_for_url("**age=4**")
    expect(page.locator("#results-heading")).to_contain_text("2 services found")
    check(page)

    tab_to(page, 'document.activeElement.textContent.trim() === "Children\'s speech and language therapy"')
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/*-*/**")
    expect(page.locator("h1")).to_have_text("Children's speech and language therapy")
    expect(page.locator("main")).to_contain_text("from NS1 2AB")

    tab_to(page, "document.activeElement.id === 'add-to-shortlist'")
    page.keyboard.press("Enter")  # a form POST, back to this same page
    expect(page.locator(".app-messages")).to_contain_text("added to your shortlist")

    tab_to(page, "document.activeElement.textContent.trim().startsWith('View your shortlist')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/shortlist/**")
    expect(page.locator("h1")).to_have_text("Your shortlist")
    expect(page.locator("main")).to_contain_text("Children's speech and language therapy")
    check(page)
    # The shortlist prints as one clean list with contact details.
    page.emulate_media(media="print")
    expect(page.locator(".nhsuk-header")).to_be_hidden()
    expect(page.locator("#share-link")).to_be_hidden()
    expect(page.get_by_text("01632 960000")).to_be_visible()

"""The parent's journey through the public Local Offer in real Chromium: the shortlist keeps their
place (Back, new searches, a closed tab), the way back from a service returns to their search, and
on a 390 px phone the results come first. Each new state is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    from directory.models import Place, Taxonomy
    from directory.search import reindex_services
    from directory.testing import (
        AddressFactory,
        LocationFactory,
        PhoneFactory,
        PostcodeFactory,
        ServiceAtLocationFactory,
        ServiceFactory,
        TaxonomyFactory,
        TaxonomyTermFactory,
    )

    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    autism = TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    cats = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    health = TaxonomyTermFactory(taxonomy=cats, code="health", name="Health", position=0)
    PostcodeFactory(postcode="NS6 2SD", latitude=52.51, longitude=-1.11)
    Place.objects.create(name="Ashcombe Vale", key="ashcombe vale", latitude=52.51, longitude=-1.11)
    services = []
    for n in range(25):
        service = ServiceFactory(
            name=f"Speech therapy group {n:02d}",
            description="Help for children and young people who find talking and listening hard. " * 2,
            minimum_age=2,
            maximum_age=11,
            terms=[health] + ([autism] if n % 2 == 0 else []),
        )
        location = LocationFactory(name=f"Clinic {n}", latitude=52.51 + n / 1000, longitude=-1.11)
        AddressFactory(location=location, address_1=f"{n + 1} Example Street", postal_code="NS6 2SD")
        ServiceAtLocationFactory(service=service, location=location)
        PhoneFactory(service=service, number=f"01632 9600{n:02d}")
        services.append(service)
    reindex_services()
    from django.core.cache import cache

    cache.clear()  # the location examples are cached; these are this test's
    return services


def test_the_shortlist_survives_back_new_searches_and_a_closed_tab(page, directory):
    page.goto("/services/?q=speech")
    first = page.locator(".app-result").first
    name = first.locator("h3").inner_text()
    first.get_by_role("button", name=f"Add {name} to shortlist").click()
    expect(page.locator(".app-messages")).to_contain_text(f"{name} added to your shortlist")
    expect(page).to_have_url(re.compile(r"/services/\?q=speech#service-"))  # back where they were
    check(page)  # the success message and "On your shortlist"
    page.go_back()
    page.go_back()
    page.goto("/services/?q=therapy&need=autism")  # a new search
    expect(page.locator(".app-result").first).to_contain_text("On your shortlist")
    expect(page.get_by_role("link", name="Your shortlist (1)").first).to_be_visible()

    context = page.context
    page.close()  # the tab is closed; a new one opens the shortlist
    tab = context.new_page()
    tab.goto("/services/shortlist/")
    expect(tab.locator("h1")).to_have_text("Your shortlist")
    expect(tab.locator("main")).to_contain_text(name)
    check(tab)
    share = tab.locator("#share-link").input_value()
    assert "/services/shortlist/?s=" in share

    # Removing from the shortlist page stays there and says so.
    tab.get_by_role("button", name=f"Remove {name} from shortlist").click()
    expect(tab.locator(".app-messages")).to_contain_text(f"{name} removed from your shortlist")
    expect(tab.locator("main")).to_contain_text("Your shortlist is empty")
    check(tab)

    # The shared link still shows the list, and can be saved.
    tab.goto(share)
    expect(tab.locator("h1")).to_have_text("A shared shortlist")
    check(tab)
    tab.get_by_role("button", name="Add this service to your shortlist").click()
    expect(tab.locator(".app-messages")).to_contain_text("added to your shortlist")
    expect(tab.locator("h1")).to_have_text("Your shortlist")


def test_the_shortlist_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/services/?q=speech")
    first = page.locator(".app-result").first
    name = first.locator("h3").inner_text()
    first.get_by_role("button", name=f"Add {name} to shortlist").click()
    expect(page.locator(".app-messages")).to_contain_text(f"{name} added to your shortlist")
    page.goto("/services/shortlist/")
    expect(page.locator("main")).to_contain_text(name)
    context.close()


def test_the_way_back_from_a_service_returns_to_the_same_search_filters_sort_and_page(page, directory):
    search = "/services/?q=therapy&need=autism&sort=name&page=2"
    page.goto(search)
    page.locator(".app-result h3 a").first.click()
    expect(page.locator("#back-to-search")).to_be_visible()
    check(page)
    page.locator("#back-to-search").click()
    page.wait_for_url(re.compile(r"/services/\?"))
    assert page.url.endswith(search[len("/services/") :])
    expect(page.locator(".nhsuk-pagination")).to_be_visible()


PHONE = {"width": 390, "height": 844}


def assert_on_first_screen(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"{box} is not within the first {PHONE['height']} px"
    )


def assert_first_result_on_first_screen(page) -> None:
    """What a parent needs to see without scrolling: the first result's name, whole, and at least the
    first line of what the service does (not only a name cut off at the bottom of the screen)."""
    first = page.locator(".app-result").first
    assert_on_first_screen(page, first.locator("h3"))
    description = first.locator(".app-result__description")
    expect(description).to_contain_text("Help for children")
    top, line = description.evaluate(
        "e => [e.getBoundingClientRect().top, parseFloat(getComputedStyle(e).lineHeight)]"
    )
    assert top >= 0 and top + line <= PHONE["height"], (
        f"the description's first line ({top:.0f} to {top + line:.0f} px) is not within the first "
        f"{PHONE['height']} px"
    )


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_results_come_first_and_the_filters_are_one_tap_away(
    browser, live_server, directory, javascript
):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/services/")  # before any search the search box is open, and the first result shows too
    assert_first_result_on_first_screen(page)
    if javascript:
        check(page)
    page.goto("/services/?q=therapy")  # a search without filters
    expect(page.locator(".app-result").first).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    assert_first_result_on_first_screen(page)
    if javascript:
        check(page)

    page.get_by_role("link", name="Filter results").click()  # one tap
    expect(page.locator("#filters-heading")).to_be_in_viewport()
    page.locator("summary", has_text="Needs").click()
    page.get_by_label("Autism (13)").check()
    page.get_by_label("Age of the child or young person").fill("6")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"need=autism"))
    expect(page.get_by_role("link", name="Change filters (2 chosen)")).to_be_visible()
    assert_first_result_on_first_screen(page)  # with filters applied
    if javascript:
        check(page)

    page.get_by_role("link", name="Change your search").click()  # the search box, one tap away
    expect(page.get_by_label("What are you looking for?")).to_be_visible()
    page.get_by_label("Postcode or place").fill("Ashcombe Vale")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"location=Ashcombe"))
    expect(page.locator("#results-heading")).to_contain_text("within 10 miles of Ashcombe Vale")
    assert_first_result_on_first_screen(page)
    if javascript:
        check(page)
    context.close()


def test_an_unknown_place_says_what_would_work_on_a_phone(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/services/")
    expect(page.get_by_text("For example, NS6 2SD, NS6 or Ashcombe Vale")).to_be_visible()
    page.get_by_label("Postcode or place").fill("ns1 2ab")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "We do not know the postcode NS1 2AB. Enter a full postcode like NS6 2SD, the first half like NS6, "
        "or a town or village like Ashcombe Vale"
    )
    expect(page.get_by_label("Postcode or place")).to_be_visible()  # the box stays open to correct it
    check(page)
    page.get_by_label("Postcode or place").fill("ns6")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_contain_text("within 10 miles of NS6")
    check(page)
    context.close()

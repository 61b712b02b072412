"""The words parents use, in real Chromium: the public search's new states (nothing found with what
would help, a corrected spelling, an abbreviation) and the editor pages that keep the synonym list,
each with one h1 and no axe-core violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_device
from tests.browser.conftest import browser_sign_in, check, expect_error_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    from directory.models import Taxonomy
    from directory.search import reindex_services
    from directory.search_words import load_default_synonyms
    from directory.testing import ServiceFactory, TaxonomyFactory, TaxonomyTermFactory

    load_default_synonyms()  # a transactional test starts from emptied tables
    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    autism = TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    ServiceFactory(name="Saturday club", description="Games and crafts.", terms=[autism])
    ServiceFactory(name="Autism support group", description="Meet other parents.", terms=[autism])
    ServiceFactory(name="Swimming lessons", description="In the big pool.")
    reindex_services()


def test_nothing_found_a_corrected_spelling_and_an_abbreviation_are_accessible(page, directory):
    page.goto("/services/?q=autism+swimming&age=4")
    expect(page.locator("#results-heading")).to_contain_text("No services found")
    expect(page.get_by_role("link", name="Search for autism only (2 services)")).to_be_visible()
    expect(page.get_by_role("link", name="Autism (2 services)")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Search for autism only (2 services)").click()
    expect(page.locator("#results-heading")).to_contain_text("2 services found")
    check(page)

    page.goto("/services/?q=autsim")
    expect(page.get_by_text("Showing results for")).to_be_visible()
    check(page)

    page.goto("/services/?q=ASD")
    expect(page.locator("#results-heading")).to_contain_text("2 services found")
    expect(page.get_by_text("Did you mean")).to_have_count(0)
    check(page)


def test_search_words_editor_pages_are_accessible(page, directory):
    from directory.models import Synonym
    from directory.search import ServiceSearch, search_services
    from directory.tests.editor_personas import make_world

    world = make_world()
    totp_device(world.editor)
    search_services(ServiceSearch(text="trampoline"))  # found nothing: counted
    browser_sign_in(page, world.editor.email)

    page.goto("/manage/searches-not-found/")
    expect(page.get_by_role("cell", name="trampoline", exact=True)).to_be_visible()
    check(page)
    page.get_by_role("link", name="Add a synonym for trampoline").click()
    expect(page.locator("h1")).to_have_text("Add a synonym group")
    check(page)
    page.get_by_role("button", name="Save").click()  # one word only
    expect_error_summary(page)
    page.get_by_label("Words and phrases that mean the same").fill(
        "trampoline, trampolining, rebound therapy"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Search words")
    check(page)

    synonym = Synonym.objects.get(words__startswith="trampoline")
    for path in (
        f"/manage/search-words/{synonym.public_id}/",
        f"/manage/search-words/{synonym.public_id}/history/",
        f"/manage/search-words/{synonym.public_id}/delete/",
        "/manage/search-words/?q=physio",
        "/manage/",
    ):
        page.goto(path)
        check(page)
    page.goto(f"/manage/search-words/{synonym.public_id}/delete/")
    page.get_by_role("button", name="Delete the group").click()
    expect(page.get_by_text("deleted by")).to_be_visible()
    check(page)

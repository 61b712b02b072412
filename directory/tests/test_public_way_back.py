"""From a service page, the way back returns to the same search, filters, sort and page, and can
only ever lead to the search page."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from directory.search import reindex_services
from directory.testing import ServiceFactory, TaxonomyFactory, TaxonomyTermFactory
from directory.views_public import search_return_query, search_return_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def many():
    from directory.models import Taxonomy

    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    autism = TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    for n in range(25):
        ServiceFactory(name=f"Therapy club {n:02d}", description="Therapy for all.", terms=[autism])
    reindex_services()


def hrefs(response) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())]


def test_a_result_leads_to_a_service_page_whose_way_back_is_the_same_search(client, many):
    search = {"q": "therapy", "need": "autism", "sort": "name", "page": "2"}
    results = client.get(reverse("directory:search"), search)
    service_link = next(h for h in hrefs(results) if h.startswith("/services/") and "search=" in h)
    page = client.get(service_link)
    back = re.search(
        r'<a\s+class="nhsuk-back-link"\s+href="([^"]+)"\s+id="back-to-search"', page.content.decode()
    )
    assert back, "the service page offers a way back to the search"
    url = urlsplit(html.unescape(back.group(1)))
    assert url.path == reverse("directory:search")
    assert sorted(parse_qsl(url.query)) == sorted(search.items())
    assert "Back to your search results" in page.content.decode()
    # the way back's page is the same page of the same results
    again = client.get(html.unescape(back.group(1)))
    assert "Therapy club 10" in again.content.decode() and "Therapy club 00" not in again.content.decode()


def test_report_a_problem_keeps_the_way_back(client, many):
    from directory.models import Service

    service = Service.objects.first()
    query = "q=therapy&page=2"
    report = client.get(reverse("directory:report-problem", args=[service.public_id]), {"search": query})
    assert f"/services/{service.public_id}/?search=q%3Dtherapy%26page%3D2" in report.content.decode()
    sent = client.get(reverse("directory:report-problem-sent", args=[service.public_id]), {"search": query})
    assert f"/services/{service.public_id}/?search=q%3Dtherapy%26page%3D2" in sent.content.decode()


def test_without_a_search_the_service_page_has_its_breadcrumbs(client, many):
    from directory.models import Service

    page = client.get(reverse("directory:service", args=[Service.objects.first().public_id]))
    assert "back-to-search" not in page.content.decode()
    assert "nhsuk-breadcrumb" in page.content.decode()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("q=autism&need=autism&page=3", "/services/?q=autism&need=autism&page=3"),
        ("next=https://elsewhere.example/&q=x", "/services/?q=x"),  # only the search's own parameters
        ("//elsewhere.example/", "/services/"),
        ("https://elsewhere.example/?q=x", "/services/"),
        ("q=a%0d%0aLocation:%20x", "/services/"),  # no control characters
        ("q=" + "a" * 500, "/services/?q=" + "a" * 200),
        ("", "/services/"),
        (None, "/services/"),
    ],
)
def test_the_way_back_only_leads_to_the_search_page(given, expected):
    assert search_return_url(given) == expected


def test_the_way_back_query_is_re_encoded():
    assert search_return_query("q=speech therapy&location=NS6 2SD") == "q=speech+therapy&location=NS6+2SD"


def test_the_results_come_before_the_filters_which_are_one_link_away(client, many):
    html_text = client.get(reverse("directory:search"), {"q": "therapy", "need": "autism"}).content.decode()
    assert html_text.index('id="results-heading"') < html_text.index('class="app-result"')
    assert html_text.index('class="app-result"') < html_text.index('id="filters-heading"')
    assert 'href="#filters-heading">Change filters (1 chosen)</a>' in html_text
    assert 'href="#search-form">Change your search</a>' in html_text


def test_the_service_page_says_each_thing_once_and_warns_of_age_near_the_top(client):
    import datetime as dt

    from directory.models import Accessibility, Taxonomy
    from directory.testing import (
        CostOptionFactory,
        LocationFactory,
        ServiceAtLocationFactory,
    )

    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    adhd = TaxonomyTermFactory(taxonomy=needs, code="adhd", name="ADHD", position=0)
    hearing = TaxonomyTermFactory(taxonomy=needs, code="hearing", name="Hearing", position=1)
    service = ServiceFactory(
        name="Youth theatre",
        is_free=False,
        fees_description="£4.00 per session. Ask us about help with costs.",
        last_reviewed=dt.date(2020, 1, 1),
        terms=[adhd, hearing],
    )
    CostOptionFactory(service=service, amount_description="£4.00 per session")
    CostOptionFactory(service=service, amount_description="£30 for a term")
    location = LocationFactory(name="Pavilion")
    Accessibility.objects.create(location=location, description="Hearing loop")
    ServiceAtLocationFactory(service=service, location=location)
    body = client.get(reverse("directory:service", args=[service.public_id])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert text.count("£4.00 per session") == 1 and "£30 for a term" in text
    assert text.count("Hearing loop") == 1
    assert "Children and young people with: ADHD, hearing" in text
    assert text.index("This information may be out of date") < text.index("What this service offers")

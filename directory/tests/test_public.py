"""The public directory pages: what a family sees and can do, without an account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import RateCount
from directory.models import ProblemReport, Service, Taxonomy
from directory.search import reindex_services
from directory.testing import (
    AddressFactory,
    ContactFactory,
    LocationFactory,
    PhoneFactory,
    PostcodeFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def h1_count(response) -> int:
    return response.content.decode().count("<h1")


@pytest.fixture
def directory():
    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    autism = TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    cats = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    health = TaxonomyTermFactory(taxonomy=cats, code="health", name="Health", position=0)
    speech = ServiceFactory(
        name="Speech and language therapy",
        description="Therapy for children who find talking hard.",
        minimum_age=2,
        maximum_age=11,
        terms=[autism, health],
    )
    location = LocationFactory(name="Northtown Clinic", latitude=52.63, longitude=-1.13)
    AddressFactory(location=location, address_1="1 Example Street", postal_code="NS1 1AA")
    ServiceAtLocationFactory(service=speech, location=location)
    ScheduleFactory(service=speech, byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17))
    PhoneFactory(service=speech, number="01632 960001")
    swim = ServiceFactory(name="Swimming club", description="Splash sessions.", is_free=False, minimum_age=8)
    far = LocationFactory(name="Far pool", latitude=53.2, longitude=-1.13)
    ServiceAtLocationFactory(service=swim, location=far)
    PostcodeFactory(postcode="NS1 2AB", latitude=52.64, longitude=-1.13)
    reindex_services()
    return {"speech": speech, "swim": swim}


def test_home_offers_search_and_browsing(client, directory):
    response = client.get("/")
    body = text_of(response)
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "Browse by need" in body and "Autism" in body
    assert 'href="/services/?need=autism"' in response.content.decode()


def test_search_finds_by_keyword_and_shows_count(client, directory):
    response = client.get(reverse("directory:search"), {"q": "therapies"})
    body = text_of(response)
    assert "1 service found" in body
    assert "Speech and language therapy" in body
    assert "Swimming club" not in body
    assert h1_count(response) == 1


def test_search_by_postcode_shows_distance_and_sorts_by_it(client, directory):
    response = client.get(reverse("directory:search"), {"location": "ns12ab", "distance": "50"})
    body = text_of(response)
    assert "0.7 miles away" in body
    assert body.index("Speech and language therapy") < body.index("Swimming club")
    # the service link keeps the place, so the service page can show distances
    assert "location=NS1+2AB" in response.content.decode()


def test_unknown_postcode_is_an_error_that_keeps_what_was_typed(client, directory):
    response = client.get(reverse("directory:search"), {"location": "ZZ9 9ZZ"})
    body = text_of(response)
    assert "There is a problem" in body
    assert "We do not know the postcode ZZ9 9ZZ" in body
    assert 'value="ZZ9 9ZZ"' in response.content.decode()
    assert "<title>Error:" in response.content.decode()


def test_age_filter_and_counts_and_removable_choice(client, directory):
    response = client.get(reverse("directory:search"), {"age": "4"})
    body = text_of(response)
    assert "1 service found" in body
    assert "Autism (1)" in body
    assert "Remove Age 4" in body
    html = response.content.decode()
    assert 'href="/services/"' in html  # removing the only choice goes back to all services


def test_empty_results_suggest_ways_to_widen(client, directory):
    response = client.get(reverse("directory:search"), {"q": "swimming", "age": "4"})
    body = text_of(response)
    assert "No services found" in body
    assert "Remove the filter for the age (1 service)" in body
    assert "Search without keywords" in body


def test_spelling_suggestion_and_correction(client, directory):
    response = client.get(reverse("directory:search"), {"q": "speach"})
    body = text_of(response)
    assert "Showing results for speech instead" in body
    assert "Speech and language therapy" in body


def test_larger_distance_suggestion(client, directory):
    response = client.get(
        reverse("directory:search"), {"q": "swimming", "location": "NS1 2AB", "distance": "3"}
    )
    assert "Search within 5 miles of NS1 2AB" in text_of(response)


def test_pagination(client):
    for n in range(25):
        ServiceFactory(name=f"Club {n:02d}")
    reindex_services()
    response = client.get(reverse("directory:search"), {"page": "2"})
    body = text_of(response)
    assert "25 services found" in body
    assert "Club 10" in body and "Club 09" not in body
    assert 'aria-current="page"' in response.content.decode()


def test_a_to_z(client, directory):
    response = client.get(reverse("directory:a-to-z"))
    assert response.status_code == 200
    assert "S , 2 services" in text_of(response)
    response = client.get(reverse("directory:a-to-z-letter", args=["S"]))
    body = text_of(response)
    assert body.index("Speech and language therapy") < body.index("Swimming club")
    assert client.get(reverse("directory:a-to-z-letter", args=["Q"])).status_code == 200
    assert client.get("/services/a-z/zz/").status_code == 404


def test_service_page_content(client, directory):
    service = directory["speech"]
    response = client.get(reverse("directory:service", args=[service.public_id]), {"location": "NS1 2AB"})
    body = text_of(response)
    assert h1_count(response) == 1
    assert "Ages 2 to 11" in body
    assert "Monday to Friday, 9am to 5pm" in body
    assert "1 Example Street" in body
    assert "0.7 miles from NS1 2AB" in body
    assert 'href="tel:+441632960001"' in response.content.decode()
    assert "This service is free" in body
    assert "last reviewed on" in body
    assert "may be out of date" not in body
    assert "Report a problem with this page" in body


def test_service_page_warns_when_stale_or_temporarily_closed(client, directory):
    service = directory["speech"]
    Service.objects.filter(pk=service.pk).update(
        last_reviewed=timezone.localdate() - dt.timedelta(days=400), status=Service.Status.TEMPORARILY_CLOSED
    )
    body = text_of(client.get(reverse("directory:service", args=[service.public_id])))
    assert "This information may be out of date" in body
    assert "This service is temporarily closed" in body


def test_unpublished_service_is_not_found(client):
    service = ServiceFactory(status=Service.Status.DEFUNCT)
    assert client.get(reverse("directory:service", args=[service.public_id])).status_code == 404


def test_report_a_problem_validates_then_records(client, directory):
    service = directory["speech"]
    url = reverse("directory:report-problem", args=[service.public_id])
    response = client.post(url, {"details": "The phone number is wrong", "email": "not-an-email"})
    body = text_of(response)
    assert "Select what the problem is" in body
    assert "Enter an email address in the correct format" in body
    assert "The phone number is wrong" in body  # kept what was typed
    response = client.post(url, {"topic": "out_of_date", "details": "The phone number is wrong"})
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert (report.service, report.topic, report.status) == (service, "out_of_date", "new")
    assert "your report has been sent" in text_of(client.get(response["Location"]))


def test_report_a_problem_is_limited_per_address_in_the_database(client, directory, settings):
    """Several app server processes each have their own cache: a dummy cache (which forgets everything)
    stands for a fresh process, and the limit still holds because it is counted in the database."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PROBLEM_REPORTS_PER_HOUR = 2
    url = reverse("directory:report-problem", args=[directory["speech"].public_id])
    for _ in range(2):
        assert client.post(url, {"topic": "other", "details": "x"}).status_code == 302
    typed = {
        "topic": "out_of_date",
        "details": "The Tuesday group moved to Fridays",
        "email": "sam@example.org",
    }
    limited = client.post(url, typed)
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    page = limited.content.decode()
    assert "nhsuk-error-summary" in page
    assert "You have sent several reports in the last hour. Wait an hour" in text_of(limited)
    assert "The Tuesday group moved to Fridays" in page and 'value="sam@example.org"' in page
    assert re.search(r"<input[^>]*value=.out_of_date. checked", page)  # the choice is kept too
    assert ProblemReport.objects.count() == 2
    stored = list(RateCount.objects.values_list("key", flat=True))
    assert len(stored) == 1 and "127.0.0.1" not in stored[0]  # a keyed hash, never the address
    other = client.post(url, {"topic": "other", "details": "x"}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302  # the limit is per address


@pytest.mark.parametrize("size", [5, 50])
def test_query_counts_do_not_grow(client, django_assert_max_num_queries, size):
    autism = TaxonomyTermFactory(
        taxonomy=TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS), code="autism", position=0
    )
    PostcodeFactory(postcode="NS1 2AB")
    for n in range(size):
        service = ServiceFactory(name=f"Therapy club {n}", terms=[autism])
        ServiceAtLocationFactory(service=service, location=LocationFactory(latitude=52.63 + n / 1000))
        ContactFactory(service=service)
        PhoneFactory(service=service)
    reindex_services()
    ids = [str(s) for s in Service.objects.values_list("public_id", flat=True)[:10]]
    search = {"q": "therapy", "location": "NS1 2AB", "need": "autism", "age": "4"}
    # On PostgreSQL the first search after a change brings the process's search index up to date
    # (a fixed number of queries, ADR 0012); what must not grow is every search after it.
    client.get(reverse("directory:search"), search)
    with django_assert_max_num_queries(8):
        client.get(reverse("directory:search"), search)
    with django_assert_max_num_queries(4):
        client.get(reverse("directory:a-to-z-letter", args=["T"]))
    with django_assert_max_num_queries(6):
        client.get(reverse("directory:shortlist"), {"s": ids})
    with django_assert_max_num_queries(14):
        client.get(reverse("directory:service", args=[ids[0]]))


def test_bad_age_is_an_error_and_the_search_still_runs(client, directory):
    response = client.get(reverse("directory:search"), {"age": "30"})
    body = text_of(response)
    assert "Enter an age from 0 to 25" in body
    assert "2 services found" in body

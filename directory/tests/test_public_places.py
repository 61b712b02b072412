"""Places in the public search: every example shown works; postcodes in any form, postcode
districts and towns search from their centre; an unknown place says what would work."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from directory import demo
from directory.models import Place
from directory.search import reindex_services, resolve_location
from directory.search.places import (
    EXAMPLES_CACHE_KEY,
    location_examples,
    outcode_centre,
    unknown_location_message,
)
from directory.testing import (
    AddressFactory,
    LocationFactory,
    PostcodeFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_examples():
    """The examples are cached for minutes; each test has its own data."""
    cache.delete(EXAMPLES_CACHE_KEY)
    yield
    cache.delete(EXAMPLES_CACHE_KEY)


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def places():
    for postcode, lat in (("NS5 1AB", 52.55), ("NS5 2DE", 52.57), ("NS50 1AA", 53.9), ("NS6 2SD", 52.51)):
        PostcodeFactory(postcode=postcode, latitude=lat, longitude=-1.45)
    Place.objects.create(name="Brackenford", key="brackenford", latitude=52.56, longitude=-1.45)
    Place.objects.create(name="Far Away", key="far away", latitude=54.5, longitude=-1.45)
    service = ServiceFactory(name="Brackenford play scheme", description="Play for all.")
    location = LocationFactory(name="Brackenford hall", latitude=52.56, longitude=-1.45)
    AddressFactory(location=location, address_1="2 Mill Lane", postal_code="ns52de")
    ServiceAtLocationFactory(service=service, location=location)
    reindex_services()
    return service


def test_an_outcode_is_the_centre_of_its_postcodes_and_not_a_longer_district(places):
    latitude, longitude = outcode_centre("ns5")
    assert latitude == pytest.approx(52.56) and longitude == pytest.approx(-1.45)
    assert resolve_location(" n s5 ") == (pytest.approx(52.56), pytest.approx(-1.45), "NS5")
    assert resolve_location("NS9") is None


def test_examples_come_from_the_data_and_each_one_resolves(places):
    examples = location_examples()
    assert examples.postcode == "NS5 2DE"  # a service's address the postcode table holds
    assert examples.outcode == "NS5"
    assert examples.place == "Brackenford"  # the place nearest that postcode
    assert examples.hint() == "For example, NS5 2DE, NS5 or Brackenford"
    for example in (examples.postcode, examples.outcode, examples.place):
        assert resolve_location(example) is not None


def test_examples_without_data_name_no_postcode():
    examples = location_examples()
    assert examples.hint() == "A postcode, the first half of one, or a town or village"
    assert unknown_location_message("NS1 2AB", examples) == (
        "We do not know the postcode NS1 2AB. Enter a full postcode, or a town or village."
    )


def test_the_hint_under_the_location_box_is_an_example_that_searches(client, places):
    for url in (reverse("directory:search"), "/"):
        body = text_of(client.get(url))
        assert "For example, NS5 2DE, NS5 or Brackenford" in body
    for example in ("NS5 2DE", "NS5", "Brackenford"):
        body = text_of(client.get(reverse("directory:search"), {"location": example}))
        assert "There is a problem" not in body
        assert "1 service found" in body and "Brackenford play scheme" in body


@pytest.mark.parametrize(
    "typed", ["ns52de", "NS5 2DE", " Ns5   2dE ", "ns5", "NS 5", "brackenford", "BRACKEN"]
)
def test_any_case_and_spacing_outcodes_and_town_names_search(client, places, typed):
    body = text_of(client.get(reverse("directory:search"), {"location": typed}))
    assert "There is a problem" not in body
    assert "Brackenford play scheme" in body


def test_an_unknown_postcode_names_what_would_work(client, places):
    body = text_of(client.get(reverse("directory:search"), {"location": "ns5 9zz"}))
    assert "There is a problem" in body
    # its own first half is known, so that is the one suggested
    assert (
        "We do not know the postcode NS5 9ZZ. Enter a full postcode like NS5 2DE, the first half like NS5, "
        "or a town or village like Brackenford"
    ) in body
    body = text_of(client.get(reverse("directory:search"), {"location": "ZZ9 9ZZ"}))
    assert (
        "We do not know the postcode ZZ9 9ZZ. Enter a full postcode like NS5 2DE, the first half like NS5"
        in body
    )
    body = text_of(client.get(reverse("directory:search"), {"location": "QQ4"}))
    assert "We do not know the postcode area QQ4." in body
    body = text_of(client.get(reverse("directory:search"), {"location": "Atlantis"}))
    assert "We could not find a place called Atlantis. Enter a full postcode like NS5 2DE" in body


def test_the_first_search_uses_the_default_distance_not_one_mile(client, places):
    html = client.get(reverse("directory:search")).content.decode()
    assert re.search(r'<option value="10"\s+selected', html)
    assert not re.search(r'<option value="1"\s+selected', html)


def test_every_example_resolves_on_the_demo_data(client, db):
    demo.generate(40, 2026, today=dt.date(2026, 11, 23))
    examples = location_examples()
    assert examples.postcode and examples.outcode and examples.place
    body = text_of(client.get(reverse("directory:search")))
    assert examples.hint() in body
    for example in (examples.postcode, examples.outcode, examples.place):
        response = client.get(reverse("directory:search"), {"location": example, "distance": "50"})
        assert "There is a problem" not in text_of(response), example
        assert "services found" in text_of(response), example


@pytest.mark.parametrize("typed", ["ns5 2de", "NS52DE", "ns5"])
def test_a_known_postcode_typed_as_keywords_searches_near_it(client, places, typed):
    response = client.get(reverse("directory:search"), {"q": typed}, follow=True)
    body = text_of(response)
    assert "No services matched" not in body
    assert "Brackenford play scheme" in body
    assert re.search(r"within 10 miles of NS5( 2DE)?", body)
    # the postcode now sits in the location box, not the keyword box
    html = response.content.decode()
    assert re.search(r'name="location"[^>]*value="NS5( 2DE)?"', html)
    assert not re.search(r'name="q"[^>]*value="[^"]+"', html)


def test_an_unknown_postcode_typed_as_keywords_offers_a_search_near_it(client, places):
    response = client.get(reverse("directory:search"), {"q": "ZZ9 9ZZ"})
    html = response.content.decode()
    assert "Did you mean to search near ZZ9 9ZZ?" in text_of(response)
    assert re.search(r'<a href="/services/\?location=ZZ9\+9ZZ[^"]*">', html)


def test_keywords_with_a_location_are_left_as_keywords(client, places):
    body = text_of(client.get(reverse("directory:search"), {"q": "NS5", "location": "Brackenford"}))
    assert "Did you mean to search near" not in body


def test_an_unknown_place_lists_nothing_and_ends_with_a_full_stop(client, places):
    ServiceFactory(name="Faraway club", description="Far.")
    reindex_services()
    response = client.get(reverse("directory:search"), {"location": "ZZ9 9ZZ"})
    body = text_of(response)
    assert "or a town or village like Brackenford." in body
    assert "services found" not in body and "service found" not in body
    assert "Brackenford play scheme" not in body and "Faraway club" not in body
    assert "No services matched" not in body
    assert "results)" not in response.content.decode().split("</title>")[0]

"""The ORUK API answered from the search's in-memory index (directory/search/api_index.py): the same
items, in the same order, with the same totals as the database gives, on every page, deep pages
included; as fresh as the data; and a number of queries that does not grow with the directory."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import access, demo
from directory.models import (
    Attribute,
    Postcode,
    Provider,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.search import api_index, reindex_services
from directory.search import index as search_index
from directory.testing import LocationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v3"


@pytest.fixture(autouse=True)
def _fresh_index():
    search_index.forget()
    api_index.forget()
    yield
    search_index.ENABLED = True
    search_index.forget()
    api_index.forget()


def _get(client, path, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def _both_ways(client, path, **params):
    """(the answer through the in-memory index, the database's answer) to the same request."""
    search_index.ENABLED = True
    from_index = _get(client, path, **params)
    search_index.ENABLED = False
    try:
        from_database = _get(client, path, **params)
    finally:
        search_index.ENABLED = True
    return from_index, from_database


def _every_page(client, path, per_page, **params):
    """Every item of a list, page by page, and the envelope's totals (index and database)."""
    pages: dict[bool, list[str]] = {True: [], False: []}
    totals = {}
    page = 1
    while True:
        from_index, from_database = _both_ways(client, path, page=page, per_page=per_page, **params)
        for flag, body in ((True, from_index), (False, from_database)):
            pages[flag] += [item["id"] for item in body["contents"]]
            totals[flag] = (body["total_items"], body["total_pages"])
        assert from_index == from_database, (path, params, page)
        if from_index["last_page"]:
            return pages[True], totals[True]
        page += 1


@pytest.fixture
def local_offer():
    demo.generate(160, 11, stdout=None)
    return local_offer_facts()


def local_offer_facts():
    postcode = Postcode.objects.filter(la_code=demo.NORTHSHIRE.la_code).order_by("key").first()
    autism = TaxonomyTerm.objects.get(code="autism")
    needs = Taxonomy.objects.get(vocabulary=Taxonomy.Vocabulary.NEEDS)
    busiest = (
        Provider.objects.filter(services__isnull=False)
        .order_by("-services__id")
        .values_list("public_id", flat=True)
    ).first()
    middle = Service.objects.order_by("updated_at", "pk")[Service.objects.count() // 2].updated_at
    return {
        "postcode": postcode.postcode,
        "autism": str(autism.public_id),
        "needs": str(needs.public_id),
        "provider": str(busiest),
        "middle": middle.isoformat(),
    }


# --- the same answers -------------------------------------------------------------------------


def test_every_page_of_the_unfiltered_lists_is_the_databases_page(client, local_offer):
    services, (total, pages) = _every_page(client, "/services", per_page=17)
    assert total == Service.objects.count() == len(services) == len(set(services))
    assert pages == -(-total // 17)
    assert services == [
        str(u) for u in Service.objects.order_by("name", "pk").values_list("public_id", flat=True)
    ]
    sals, (total, _) = _every_page(client, "/service_at_locations", per_page=23)
    assert total == ServiceAtLocation.objects.count() == len(sals)


def test_a_deep_page_costs_what_the_first_page_costs_and_is_the_same_page(client, local_offer):
    total = Service.objects.count()
    last = -(-total // 7)
    deep, database = _both_ways(client, "/services", page=last - 1, per_page=7)
    assert deep == database
    expected = list(Service.objects.order_by("name", "pk").values_list("public_id", flat=True))
    assert [item["id"] for item in deep["contents"]] == [
        str(u) for u in expected[(last - 2) * 7 : (last - 1) * 7]
    ]
    beyond, database = _both_ways(client, "/services", page=last + 5, per_page=7)
    assert beyond == database and beyond["empty"] and beyond["total_items"] == total
    for params in ({"full": "true"}, {"minimal": "true"}):
        assert (
            _both_ways(client, "/services", page=3, per_page=5, **params)[0]
            == _both_ways(client, "/services", page=3, per_page=5, **params)[1]
        )


@pytest.mark.parametrize(
    "shape",
    [
        {"taxonomy_term_id": "{autism}"},
        {"taxonomy_id": "{needs}"},
        {"organization_id": "{provider}"},
        {"modified_after": "{middle}"},
        {"postcode": "{postcode}"},
        {"postcode": "{postcode}", "proximity": "5000"},
        {"minimum_age": "4", "maximum_age": "4"},
        {"taxonomy_term_id": "{autism}", "postcode": "{postcode}", "minimum_age": "3"},
        {"modified_after": "{middle}", "organization_id": "{provider}"},
        {"day": "SA,SU", "taxonomy_id": "{needs}"},
    ],
)
def test_filtered_services_and_places_are_the_databases_on_every_page(client, local_offer, shape):
    params = {name: value.format(**local_offer) for name, value in shape.items()}
    services, (total, _) = _every_page(client, "/services", per_page=9, **params)
    assert len(services) == total and len(set(services)) == total
    sals, (total, _) = _every_page(client, "/service_at_locations", per_page=11, **params)
    assert len(sals) == total and len(set(sals)) == total


def test_keyword_searches_find_the_same_services_and_places(client, local_offer):
    """Relevance ranks ties differently in the database (ADR 0012), so the order is compared as a set."""
    for params in ({"search": "autism"}, {"search": "swimming", "postcode": local_offer["postcode"]}):
        from_index, from_database = _both_ways(client, "/services", per_page=1000, **params)
        assert from_index["total_items"] == from_database["total_items"] > 0
        assert {s["id"] for s in from_index["contents"]} == {s["id"] for s in from_database["contents"]}
        sals, _ = _every_page(client, "/service_at_locations", per_page=13, **params)
        assert sals


def test_an_unknown_term_or_organisation_finds_nothing_in_both(client, local_offer):
    for params in ({"taxonomy_term_id": str(uuid.uuid4())}, {"organization_id": str(uuid.uuid4())}):
        from_index, from_database = _both_ways(client, "/services", **params)
        assert from_index == from_database and from_index["total_items"] == 0


def test_a_county_wide_service_area_covers_every_district_postcode_in_the_county(client):
    """In a two-tier area a postcode has a district code (la_code) and a county code: a service area
    recorded at the county covers it, one recorded at another district of the county does not; a
    unitary authority's postcodes have one code. The index and the database agree on each."""
    Postcode.objects.create(
        postcode="WS1 1AA",
        key="WS11AA",
        latitude=52.2,
        longitude=-1.6,
        la_code="E07000901",
        county_code="E10000901",
    )
    Postcode.objects.create(
        postcode="WS2 2BB",
        key="WS22BB",
        latitude=52.3,
        longitude=-1.5,
        la_code="E07000902",
        county_code="E10000901",
    )
    Postcode.objects.create(
        postcode="UA1 1AA", key="UA11AA", latitude=52.0, longitude=-1.0, la_code="E06000901"
    )
    areas = {
        "Westshire county-wide": ["E10000901"],
        "Ashby district only": ["E07000901"],
        "Ashby district and the unitary": ["E07000901", "E06000901"],
        "Unitary only": ["E06000901"],
        "Another county": ["E10000902"],
        "No service area": [],
    }
    for name, codes in areas.items():
        svc = ServiceFactory(name=name)
        ServiceAtLocationFactory(service=svc, location=LocationFactory(latitude=52.1, longitude=-1.2))
        for code in codes:
            ServiceArea.objects.create(service=svc, name=code, la_code=code)
    reindex_services()

    expected = {
        "ws1 1aa": {"Westshire county-wide", "Ashby district only", "Ashby district and the unitary"},
        "WS22BB": {"Westshire county-wide"},
        "UA1 1AA": {"Ashby district and the unitary", "Unitary only"},
    }
    for postcode, covering in expected.items():
        for params in ({"postcode": postcode}, {"postcode": postcode, "proximity": "100000"}):
            for path in ("/services", "/service_at_locations"):
                from_index, from_database = _both_ways(client, path, per_page=50, **params)
                assert from_index == from_database, (path, params)
                names = {item.get("name") or item["service"]["name"] for item in from_index["contents"]}
                assert names == covering | {"No service area"}, (path, params)


# --- as fresh as the data ---------------------------------------------------------------------


def test_changes_show_at_once(client, local_offer):
    first = _get(client, "/services", per_page=1)["contents"][0]
    svc = Service.objects.get(public_id=first["id"])
    svc.name = "Zzz last by name"
    svc.save()
    reindex_services([svc.pk])
    body = _get(client, "/services", page=Service.objects.count(), per_page=1)
    assert body["contents"][0]["id"] == str(svc.public_id)

    # A new place for it, and a new term: the places list and the term filter find it.
    term = TaxonomyTerm.objects.get(code="hearing")
    Attribute.objects.create(taxonomy_term=term, service=svc)
    sal = ServiceAtLocation.objects.create(
        service=svc, location=LocationFactory(latitude=52.0, longitude=-1.0)
    )
    reindex_services([svc.pk])
    assert str(svc.public_id) in {
        s["id"]
        for s in _get(client, "/services", taxonomy_term_id=str(term.public_id), per_page=1000)["contents"]
    }
    assert str(sal.public_id) in {
        s["id"]
        for s in _get(
            client, "/service_at_locations", per_page=1000, organization_id=str(svc.provider.public_id)
        )["contents"]
    }

    # Gone: from every list.
    count = Service.objects.count()
    svc.delete()
    assert _get(client, "/services")["total_items"] == count - 1
    assert str(sal.public_id) not in {
        s["id"] for s in _get(client, "/service_at_locations", per_page=1000)["contents"]
    }
    assert _get(client, "/services", taxonomy_term_id=str(term.public_id))["total_items"] == (
        Service.objects.filter(attributes__taxonomy_term=term).distinct().count()
    )


# --- queries that do not grow with the directory -----------------------------------------------


def _shapes(facts):
    some = Service.objects.order_by("pk").values_list("public_id", flat=True).first()
    return {
        "search": ("/services", {"search": "autism"}),
        "ages": ("/services", {"minimum_age": "4", "maximum_age": "4"}),
        "postcode and distance": ("/services", {"postcode": facts["postcode"], "proximity": "5000"}),
        "postcode": ("/services", {"postcode": facts["postcode"]}),
        "taxonomy term": ("/services", {"taxonomy_term_id": facts["autism"]}),
        "modified after": ("/services", {"modified_after": "2026-01-01T00:00:00Z"}),
        "deep page": ("/services", {"page": "3", "per_page": "5"}),
        "past the end": ("/services", {"page": "5000"}),
        "places near": ("/service_at_locations", {"postcode": facts["postcode"], "proximity": "5000"}),
        "places": ("/service_at_locations", {"page": "2", "per_page": "5"}),
        "organisations": ("/organizations", {"per_page": "50"}),
        "one service": (f"/services/{some}", {}),
    }


def _queries(client, path, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE + path, params)
    assert response.status_code == 200
    return len(queries)


def _copy_every_service(times: int) -> None:
    """Grow the directory: copies of every service with their terms, areas and places."""
    originals = list(Service.objects.prefetch_related("attributes", "service_areas", "service_at_locations"))
    for n in range(times):
        for svc in originals:
            copy = Service.objects.get(pk=svc.pk)
            copy.pk = None
            copy.public_id = uuid.uuid4()
            copy.name = f"{svc.name} ({n})"
            copy.save()
            Attribute.objects.bulk_create(
                [Attribute(taxonomy_term_id=a.taxonomy_term_id, service=copy) for a in svc.attributes.all()]
            )
            ServiceArea.objects.bulk_create(
                [ServiceArea(service=copy, name=a.name, la_code=a.la_code) for a in svc.service_areas.all()]
            )
            ServiceAtLocation.objects.bulk_create(
                [
                    ServiceAtLocation(service=copy, location_id=s.location_id)
                    for s in svc.service_at_locations.all()
                ]
            )
    reindex_services()


def test_queries_per_request_do_not_grow_with_the_directory(client):
    demo.generate(40, 5, stdout=None)
    facts = local_offer_facts()
    shapes = _shapes(facts)

    def counts():
        for path, params in shapes.values():  # the first request after a change catches up with it
            _queries(client, path, params)
        return {name: _queries(client, path, params) for name, (path, params) in shapes.items()}

    small = counts()
    _copy_every_service(3)
    assert Service.objects.count() == 160
    large = counts()
    assert small == large
    assert max(count for name, count in small.items() if name != "one service") <= 5


def test_lists_neither_count_nor_skip_rows_in_the_database(client, local_offer):
    """What makes deep pages and big filtered lists cheap at 300,000 services: the index knows the
    order and the total, so the database is only asked for the page's rows by primary key."""
    for path, params in _shapes(local_offer).values():
        if path.startswith("/organizations") or "/services/" in path:
            continue
        _queries(client, path, params)  # builds the index first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASE + path, params).status_code == 200
        for query in queries.captured_queries:
            sql = query["sql"].upper()
            counts_rows = "COUNT(" in sql.replace("(SELECT COUNT(*) FROM DIRECTORY_SYNONYM)", "")
            assert not counts_rows and "OFFSET" not in sql, (path, params, sql)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(getattr(django_settings, "DB_VENDOR", "") != "postgresql", reason="needs PostgreSQL")
def test_a_web_process_builds_its_index_and_api_columns_as_it_starts(settings, client):
    ServiceAtLocationFactory(service=ServiceFactory(name="Autism support group"))
    reindex_services()
    settings.SEARCH_INDEX_WARM = True
    thread = api_index.warm_in_background()
    assert thread is not None
    thread.join(timeout=30)
    assert len(api_index._columns) == 1  # built before any request asked for them
    (built,) = api_index._columns.values()
    assert _get(client, "/service_at_locations")["total_items"] == 1
    assert api_index.columns_for(search_index.index_at(None)) is built

    settings.SEARCH_INDEX_WARM = False
    assert api_index.warm_in_background() is None


def test_a_narrower_open_data_rule_narrows_the_lists_from_memory_too(client, local_offer, monkeypatch):
    monkeypatch.setattr(access, "OPEN_DATA_STATUSES", Service.PUBLISHED_STATUSES)
    services, (total, _) = _every_page(client, "/services", per_page=19)
    assert total == Service.objects.published().count() == len(services)
    sals, (total, _) = _every_page(client, "/service_at_locations", per_page=29)
    assert total == ServiceAtLocation.objects.filter(service__status__in=Service.PUBLISHED_STATUSES).count()
    _every_page(
        client, "/service_at_locations", per_page=29, postcode=local_offer["postcode"], proximity="5000"
    )


@pytest.mark.parametrize("make", ["demo", "every field"])
def test_one_service_in_full_is_the_prefetched_record_in_fewer_queries(make):
    from directory import oruk
    from directory.tests.conformance.data import build_directory

    if make == "demo":
        demo.generate(60, 3, stdout=None)
    else:
        build_directory(24)
    for svc in Service.objects.order_by("pk"):
        expected = oruk.service_full(oruk.service_queryset(full=True).get(pk=svc.pk))
        with CaptureQueriesContext(connection) as queries:
            loaded = oruk.load_service_full(Service.objects.filter(public_id=svc.public_id))
            record = oruk.service_full(loaded)
        assert record == expected
        assert len(queries) <= 13
    assert oruk.load_service_full(Service.objects.filter(public_id=uuid.uuid4())) is None

"""The open ORUK 3.0 API: shapes, pagination, parameters, errors, CORS and query counts.

The live-server conformance run (the official validator's rules and the filter feature tests) is
in directory/tests/conformance/.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import api, oruk
from directory.models import Service, ServiceAtLocation, Taxonomy
from directory.tests.conformance.data import build_directory
from directory.tests.conformance.validate import find_nulls, load_registry, schema_errors, schema_validator

from .conformance.test_conformance import SPEC_DIR

pytestmark = pytest.mark.django_db

BASE = "/api/v3"


@pytest.fixture
def directory():
    return build_directory(24)


@pytest.fixture(scope="module")
def registry():
    return load_registry(SPEC_DIR)


def get(client, path, **params):
    return client.get(BASE + path, params)


def assert_valid(registry, schema, body):
    assert schema_errors(schema_validator(registry, schema), body) == []
    assert list(find_nulls(body)) == []


# --- shapes ---------------------------------------------------------------------------------


def test_api_details_names_the_profile_and_our_openapi_document(client, registry):
    response = get(client, "/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"] == "http://testserver/api/v3/openapi.json"
    assert_valid(registry, "api_details.json", body)


def test_services_list_and_detail_validate_and_leave_empty_fields_out(client, directory, registry):
    body = get(client, "/services", per_page=100).json()
    assert body["total_items"] == 24 and len(body["contents"]) == 24
    assert_valid(registry, "service_list.json", body)
    item = body["contents"][0]
    assert set(item["organization"]) >= {"id", "name", "description"}
    assert "schedules" not in item  # list items carry one-to-one fields only

    for svc in directory.services:
        detail = get(client, f"/services/{svc.public_id}").json()
        assert_valid(registry, "service.json", detail)
        for key in (
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "funding",
            "cost_options",
        ):
            assert isinstance(detail[key], list)
        assert not any(blank in json.dumps(detail) for blank in ('""', '" "'))
    no_url = next(s for s in directory.services if not s.url)
    assert "url" not in get(client, f"/services/{no_url.public_id}").json()


def test_service_record_carries_the_hsds_superset(client, directory):
    svc = next(s for s in directory.services if s.eligibility_description and s.application_process)
    body = get(client, f"/services/{svc.public_id}").json()
    assert body["id"] == str(svc.public_id)
    assert body["organization_id"] == str(svc.provider.public_id)
    assert body["eligibility_description"] == svc.eligibility_description
    assert body["application_process"] == svc.application_process
    assert body["phones"][0]["number"].startswith("07700 900")
    assert body["contacts"][0]["phones"][0]["number"].startswith("01632 960")
    assert body["languages"][0]["name"] and body["languages"][0]["code"]
    assert body["assured_date"] == svc.last_reviewed.isoformat()
    assert body["last_modified"].endswith("Z")
    assert dt.datetime.fromisoformat(body["last_modified"]) == svc.updated_at.replace(
        microsecond=svc.updated_at.microsecond // 1000 * 1000
    )
    term = body["attributes"][0]["taxonomy_term"]
    assert term["taxonomy_id"] and term["taxonomy"]
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"]
    assert isinstance(location["latitude"], float)


def test_ages_and_amounts_are_numbers(client, directory):
    svc = next(s for s in directory.services if s.cost_options.exists() and s.minimum_age is not None)
    body = get(client, f"/services/{svc.public_id}").json()
    assert isinstance(body["minimum_age"], int)
    assert isinstance(body["cost_options"][0]["amount"], int | float)


def test_optional_endpoints_validate(client, directory, registry):
    for path, list_schema, detail_schema in [
        ("/organizations", "organization_list.json", "organization.json"),
        ("/taxonomies", "taxonomy_list.json", "taxonomy.json"),
        ("/taxonomy_terms", "taxonomy_term_list.json", "taxonomy_term.json"),
        ("/service_at_locations", "service_at_location_list.json", "service_at_location.json"),
    ]:
        body = get(client, path, per_page=5).json()
        assert body["contents"], path
        assert_valid(registry, list_schema, body)
        first = body["contents"][0]
        detail = get(client, f"{path}/{first['id']}")
        assert detail.status_code == 200, path
        assert_valid(registry, detail_schema, detail.json())
        assert_valid(registry, list_schema, get(client, path, per_page=5, full="true").json())


def test_organization_detail_lists_its_services_simple_or_full(client, directory, registry):
    provider = directory.providers[0]
    body = get(client, f"/organizations/{provider.public_id}").json()
    assert {s["id"] for s in body["services"]} == {str(s.public_id) for s in provider.services.all()}
    assert "schedules" not in body["services"][0]
    full = get(client, f"/organizations/{provider.public_id}", full_service="true").json()
    assert "schedules" in full["services"][0] and "organization" not in full["services"][0]
    assert_valid(registry, "organization.json", full)


def test_taxonomy_terms_filters(client, directory):
    needs = Taxonomy.objects.get(vocabulary="send-needs")
    by_vocabulary = get(client, "/taxonomy_terms", vocabulary="send-needs", per_page=1000).json()
    by_id = get(client, "/taxonomy_terms", taxonomy_id=str(needs.public_id), per_page=1000).json()
    assert by_vocabulary["total_items"] == by_id["total_items"] == needs.terms.count()
    top = get(client, "/taxonomy_terms", top_only="true", per_page=1000).json()
    assert all("parent_id" not in t for t in top["contents"])
    child = next(
        t for t in get(client, "/taxonomy_terms", per_page=1000).json()["contents"] if "parent_id" in t
    )
    children = get(client, "/taxonomy_terms", parent_id=child["parent_id"], per_page=1000).json()
    assert child["id"] in {t["id"] for t in children["contents"]}
    autism = get(client, "/taxonomy_terms", search="autism").json()
    assert any(t["name"] == "Autism" for t in autism["contents"])


# --- pagination -----------------------------------------------------------------------------


def test_pagination_envelope(client, directory):
    first = get(client, "/services", per_page=10).json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (24, 3, 1, 10)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get(client, "/services", per_page=10, page=3).json()
    assert (last["size"], last["first_page"], last["last_page"]) == (4, False, True)
    beyond = get(client, "/services", per_page=10, page=9).json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["last_page"]
    ids = [
        s["id"] for p in (1, 2, 3) for s in get(client, "/services", per_page=10, page=p).json()["contents"]
    ]
    assert len(ids) == len(set(ids)) == 24


def test_default_and_capped_page_size(client, directory, monkeypatch):
    assert get(client, "/services").json()["size"] == 24  # default 50
    monkeypatch.setattr(api, "MAX_PER_PAGE", 7)
    assert get(client, "/services", per_page=100000).json()["size"] == 7


def test_minimal_and_ndjson(client, directory):
    minimal = get(client, "/services", minimal="true").json()
    assert minimal["total_items"] == 24
    assert set(minimal["contents"][0]) == {"id", "last_modified"}
    response = get(client, "/services", format="ndjson", full="true")
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert response["Access-Control-Allow-Origin"] == "*"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 24 and "schedules" in json.loads(lines[0])
    filtered = get(
        client, "/services", format="ndjson", organization_id=str(directory.providers[0].public_id)
    )
    assert len(b"".join(filtered.streaming_content).decode().splitlines()) == 4


# --- filters (the full every-filter feature tests run in the conformance suite) -------------


def ids_of(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["contents"]}


def test_filters_find_a_service_by_its_own_data_and_combine_with_and(client, directory):
    svc = directory.services[5]
    sid = str(svc.public_id)
    postcode = directory.postcodes[svc.pk].postcode
    term = svc.attributes.first().taxonomy_term
    schedule = svc.schedules.first()
    day = schedule.byday.split(",")[0]
    own = {
        "search": svc.name,
        "organization_id": str(svc.provider.public_id),
        "taxonomy_term_id": str(term.public_id),
        "taxonomy_id": str(term.taxonomy.public_id),
        "postcode": postcode,
        "proximity": "500",
        "day": day,
        "start_time": schedule.opens_at.strftime("%H:%M"),
        "end_time": schedule.closes_at.strftime("%H:%M"),
        "modified_after": oruk.date_time(svc.updated_at),
    }
    for name, value in own.items():
        single = {name: value, "postcode": postcode} if name == "proximity" else {name: value}
        assert sid in ids_of(get(client, "/services", **single)), name
    assert sid in ids_of(get(client, "/services", **own))
    other_provider = directory.providers[-1]
    assert sid not in ids_of(
        get(client, "/services", **{**own, "organization_id": str(other_provider.public_id)})
    )
    sals = ids_of(get(client, "/service_at_locations", **own, per_page=100))
    assert sals == {
        str(sal.public_id) for sal in svc.service_at_locations.exclude(location__location_type="virtual")
    }


def test_age_filters_overlap(client, directory):
    svc = next(s for s in directory.services if s.minimum_age and s.maximum_age)
    sid = str(svc.public_id)
    assert sid in ids_of(get(client, "/services", minimum_age=svc.minimum_age, maximum_age=svc.minimum_age))
    assert sid in ids_of(get(client, "/services", minimum_age=0, maximum_age=svc.minimum_age))
    assert sid not in ids_of(get(client, "/services", minimum_age=svc.maximum_age + 1))
    assert sid not in ids_of(get(client, "/services", maximum_age=svc.minimum_age - 1))


def test_filtered_list_paginates_consistently(client, directory):
    seen = []
    for page in (1, 2, 3):
        body = get(client, "/services", search="Northtown", per_page=5, page=page).json()
        seen += [s["id"] for s in body["contents"]]
    assert len(seen) == len(set(seen)) == 15
    assert body["total_items"] == 24 and body["total_pages"] == 5


def test_inactive_services_are_listed_with_their_status(client, directory):
    inactive = next(s for s in directory.services if s.status == Service.Status.INACTIVE)
    body = get(client, f"/services/{inactive.public_id}").json()
    assert body["status"] == "inactive"
    assert str(inactive.public_id) in ids_of(
        get(client, "/services", organization_id=str(inactive.provider.public_id))
    )


# --- errors ---------------------------------------------------------------------------------


def assert_problem(response, status, *param_names):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("http")
    assert {p["name"] for p in body.get("invalid-params", [])} >= set(param_names)
    return body


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "-1"}, "per_page"),
        ({"taxonomy_term_id": "autism"}, "taxonomy_term_id"),
        ({"organization_id": "1"}, "organization_id"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode"),
        ({"proximity": "1000"}, "proximity"),
        ({"postcode": "NS1 0AA", "proximity": "far"}, "proximity"),
        ({"minimum_age": "-3"}, "minimum_age"),
        ({"maximum_age": "four"}, "maximum_age"),
        ({"minimum_age": "10", "maximum_age": "5"}, "maximum_age"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"day": "XX"}, "day"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "12:00", "end_time": "09:00"}, "end_time"),
        ({"full": "perhaps"}, "full"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_get_a_problem_document(client, directory, params, bad):
    assert_problem(get(client, "/services", **params), 400, bad)


def test_several_bad_parameters_are_all_named(client, db):
    body = assert_problem(
        get(client, "/services", page="x", day="funday", full="maybe"), 400, "page", "day", "full"
    )
    assert "page" in body["detail"]


def test_unknown_and_malformed_ids(client, db):
    for path in ("services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
        assert_problem(get(client, f"/{path}/{uuid.uuid4()}"), 404)
        assert_problem(get(client, f"/{path}/not-a-uuid"), 400, "id")
    assert_problem(get(client, "/nothing-here"), 404)


JUNK = [
    "",
    " ",
    "x",
    "-1",
    "0",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "🙂" * 300,
    "9" * 40,
    "[]",
    "{}",
    "null",
]
PARAMETERS = [
    "page",
    "per_page",
    "search",
    "postcode",
    "proximity",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimum_age",
    "maximum_age",
    "day",
    "start_time",
    "end_time",
    "full",
    "minimal",
    "format",
    "full_service",
    "vocabulary",
    "top_only",
    "parent_id",
]


def test_junk_in_every_parameter_never_gives_a_500(client, directory):
    for path in ("/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"):
        for name in PARAMETERS:
            for junk in JUNK:
                params = {name: junk}
                if name == "proximity":
                    params["postcode"] = directory.postcodes[directory.services[0].pk].postcode
                response = client.get(BASE + path, params)
                assert response.status_code in (200, 400), (path, name, junk, response.status_code)
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    "application/json"
                ):
                    assert list(find_nulls(response.json())) == []
    for junk in JUNK[1:]:
        assert client.get(f"{BASE}/services/{junk}").status_code in (400, 404)


# --- open, read-only, CORS ------------------------------------------------------------------


def test_cors_everywhere_and_preflight(client, directory):
    svc = directory.services[0]
    for path in ("/", "/services", f"/services/{svc.public_id}", "/openapi.json", "/taxonomies?page=x"):
        assert client.get(BASE + path)["Access-Control-Allow-Origin"] == "*", path
    preflight = client.options(BASE + "/services", HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_read_only(client, directory):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(BASE + "/services")
        assert_problem(response, 405)
        assert "GET" in response["Allow"]


def test_head_is_allowed(client, directory):
    response = client.head(BASE + "/services")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"


def test_trailing_slash_optional(client, directory):
    svc = directory.services[0]
    assert client.get(BASE + "/services/").status_code == 200
    assert client.get(f"{BASE}/services/{svc.public_id}/").status_code == 200
    assert client.get(BASE + "/taxonomies/").status_code == 200


def test_no_sign_in_needed_and_no_session_cookie(client, directory):
    response = get(client, "/services")
    assert response.status_code == 200 and "sessionid" not in response.cookies


# --- efficiency -----------------------------------------------------------------------------


def count_queries(client, path, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE + path, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {}),
        ("/services", {"full": "true"}),
        ("/services", {"search": "Northtown"}),
        ("/services", {"minimum_age": "3", "day": "MO,TU,WE,TH,FR,SA,SU"}),
        ("/organizations", {"full": "true"}),
        ("/organizations", {"full_service": "true"}),
        ("/service_at_locations", {}),
        ("/service_at_locations", {"full": "true"}),
        ("/taxonomy_terms", {}),
    ],
)
def test_query_count_does_not_grow_with_page_size(client, db, path, params):
    build_directory(60)
    # On PostgreSQL the first search after a change brings the process's search index up to date
    # (ADR 0012); the page size must not change the count of the searches after it.
    count_queries(client, path, per_page=1, **params)
    small = count_queries(client, path, per_page=5, **params)
    large = count_queries(client, path, per_page=50, **params)
    assert small == large, (path, params, small, large)


def test_service_detail_query_count_is_flat(client, directory):
    counts = {
        count_queries(client, f"/services/{s.public_id}")
        for s in directory.services
        if s.service_at_locations.count()
    }
    assert len(counts) == 1 and counts.pop() < 30


def test_service_full_is_the_public_helper(directory):
    svc = directory.services[3]
    record = oruk.service_full_by_id(svc.public_id)
    assert record and record["id"] == str(svc.public_id)
    assert oruk.service_full_by_id(uuid.uuid4()) is None
    loaded = oruk.service_queryset(full=True).get(pk=svc.pk)
    assert oruk.service_full(loaded) == record


# --- the OpenAPI document and the docs page ---------------------------------------------------


def test_openapi_document_is_served_for_this_server(client):
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"][0]["url"] == "http://testserver/api/v3"
    params = {p.get("$ref", "").rsplit("/", 1)[-1] for p in doc["paths"]["/services"]["get"]["parameters"]}
    assert {"postcode", "proximity", "minimum_age", "maximum_age", "day", "start_time", "end_time"} <= params
    assert all("name" not in op for ops in doc["paths"].values() for k, op in ops.items() if k == "get")


def test_docs_page(client, directory):
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Open data: ORUK API" in html
    first_service = Service.objects.order_by("name", "pk").first()
    first_sal = ServiceAtLocation.objects.order_by("pk").first()
    assert first_service and first_sal
    assert f"/api/v3/services/{first_service.public_id}" in html
    assert f"/api/v3/service_at_locations/{first_sal.public_id}" in html


def _openapi_errors(document):
    """OpenAPI 3.1 validation, resolving ORUK's schema URLs to the local copies (no network)."""
    from jsonschema_path.handlers import default_handlers
    from openapi_spec_validator import OpenAPIV31SpecValidator

    prefix = "https://openreferraluk.org/specifications/3.0/schema/"

    def local(uri):
        assert uri.startswith(prefix), uri
        return json.loads((SPEC_DIR / "schema" / uri.removeprefix(prefix)).read_text())

    class Validator(OpenAPIV31SpecValidator):
        resolver_handlers = {**default_handlers, "https": local, "http": local}  # type: ignore[dict-item]

    return [str(error)[:200] for error in Validator(document).iter_errors()]


def test_openapi_document_is_valid_openapi_3_1(client):
    assert _openapi_errors(client.get(BASE + "/openapi.json").json()) == []


def test_oruk_canonical_openapi_document_is_not_which_is_why_we_clean_it():
    original = json.loads((SPEC_DIR / "openapi.json").read_text())
    original["openapi"] = (
        "3.1.0"  # it says 3.0.0 but uses 3.1 features; even as 3.1 its operations are invalid
    )
    assert _openapi_errors(original)


def test_a_postcode_keeps_only_services_whose_service_area_covers_it(client, db):
    """ORUK: with a postcode, a service that has a service area is returned only if the area
    contains the postcode; services with no service area are kept."""
    from directory.models import ServiceArea
    from directory.search import reindex_services
    from directory.testing import PostcodeFactory, ServiceFactory

    PostcodeFactory(postcode="NS1 1AA", la_code="E10000099")
    northshire = ServiceFactory(name="Covers Northshire")
    eastbury = ServiceFactory(name="Covers Eastbury only")
    ServiceFactory(name="No service area")
    ServiceArea.objects.create(service=northshire, name="Northshire", la_code="E10000099")
    ServiceArea.objects.create(service=eastbury, name="Eastbury", la_code="E09000099")
    reindex_services()

    names = {s["name"] for s in client.get("/api/v3/services", {"postcode": "ns11aa"}).json()["contents"]}
    assert names == {"Covers Northshire", "No service area"}
    everything = {s["name"] for s in client.get("/api/v3/services").json()["contents"]}
    assert "Covers Eastbury only" in everything

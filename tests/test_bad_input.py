"""Bad input is a clear 4xx, never a 500, with nothing saved: the triggers found by probing the
APIs and pages, kept as tests. (tests/fuzz/ looks for new ones with generated input.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.testing import sign_in
from advice.models import AdviceRequest
from advice.testing import make_world
from children.models import ChildOrYoungPerson
from directory.tests.conformance.data import build_directory
from lib import inputs, nhs_number

pytestmark = pytest.mark.django_db
CASEWORK = "/api/casework/v1"
PROBLEM = "application/problem+json"


# --- the shared rules -----------------------------------------------------------------------------


def test_the_shared_limits():
    assert inputs.has_nul("a\x00b") and not inputs.has_nul("ab")
    assert inputs.bounded_int(" 12 ", minimum=1, maximum=20) == 12
    for raw, reason in [
        ("9223372036854775807", "must be 1000000 or less"),
        ("0", "must be 1 or more"),
        ("1e3", "must be a whole number"),
        ("١٢", "must be a whole number"),  # other scripts' digits are not ours
        ("\x00", "must be a whole number"),
    ]:
        with pytest.raises(ValueError, match=reason):
            inputs.bounded_int(raw, minimum=1, maximum=inputs.MAX_PAGE)
    for raw in ["NaN", "inf", "1e999", "-Infinity"]:
        with pytest.raises(ValueError):
            inputs.finite_number(raw)
    assert inputs.date_problem(dt.date(1, 1, 1)) == "must be on or after 1 January 1900"
    assert inputs.date_problem(dt.date(9999, 12, 31)) == "must be on or before 31 December 2199"
    assert inputs.aware_utc(dt.datetime(2026, 1, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == (
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(ValueError, match="UTC offset"):
        inputs.aware_utc(dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=20))))
    with pytest.raises(ValueError, match="on or after"):
        inputs.aware_utc(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))))


def test_nhs_numbers_are_ascii_digits_only():
    assert not nhs_number.is_valid("٩٤٣٤٧٦٥٩١٩")  # 9434765919 in Arabic-Indic digits
    assert nhs_number.is_valid("943 476 5919")


# --- the ORUK API -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "modified_after=0001-01-01",
        "modified_after=9999-12-31T23:59:59-23:00",
        "modified_after=2026-01-01T00:00:00%2B20:00",
        "page=9223372036854775807",
        "page=%00",
        "search=%00",
        "postcode=%00",
        "proximity=1e999&postcode=NS1%201AA",
        "minimum_age=NaN",
        "taxonomy_term_id=%00",
    ],
)
def test_oruk_api_bad_parameters_are_400_problem_documents(client, query):
    build_directory(2)
    response = client.get(f"/api/v3/services?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["invalid-params"]


def test_oruk_api_unknown_id_with_nul_is_a_problem_not_a_500(client):
    response = client.get("/api/v3/services/%00")
    assert response.status_code in (400, 404) and response["Content-Type"] == PROBLEM


def test_oruk_api_bugs_are_problem_documents_not_html(client, monkeypatch):
    from directory import api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "_service_filters", broken)
    response = Client(raise_request_exception=False).get("/api/v3/services")
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM


# --- the casework API -------------------------------------------------------------------------------


@pytest.fixture
def la_client():
    world = make_world()
    ApiToken.issue(organisation=world.la, name="Case system", raw="shh_bad_input_token")
    return Client(headers={"Authorization": "Bearer shh_bad_input_token"})


def _body(**changes):
    body = {
        "child": {"given_name": "Jordan", "family_name": "Testcase", "date_of_birth": "2017-03-04"},
        "assessment": {"request_received_on": "2025-01-06"},
        "questions": "Please advise on health needs.",
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = body
        for part in parents:
            target = target[part]
        target[last] = value
    return json.dumps(body)


def _post(client, data):
    return client.post(f"{CASEWORK}/requests", data=data, content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("child__given_name", "Jor\x00dan"),
        ("child__family_name", "\x00"),
        ("child__nhs_number", "943\x00"),
        ("child__school_or_setting", "School\x00"),
        ("assessment__la_reference", "EHC\x00"),
        ("questions", "Why?\x00"),
        ("known_health_involvement", "\x00"),
        ("child__date_of_birth", "0001-01-01"),
        ("assessment__request_received_on", "9999-12-31"),
        ("assessment__clock_start_date", "9999-12-01"),
        ("assessment__decision_to_assess_on", "0001-01-01"),
        ("sent_on", "9999-12-31"),
    ],
)
def test_casework_api_refuses_bad_fields_naming_them_and_saves_nothing(la_client, field, value):
    response = _post(la_client, _body(**{field: value}))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [field.replace("__", ".")]
    assert not AdviceRequest.objects.exists()
    assert not ChildOrYoungPerson.objects.filter(family_name="Testcase").exists()


@pytest.mark.parametrize(
    ("data", "status", "detail"),
    [
        ("[" * 50_000 + "]" * 50_000, 400, "nest at most 10 levels"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, 400, "nest at most 10 levels"),
        (_body(questions="x" * (2 * 1024 * 1024)), 413, "at most 1,048,576 bytes"),
        ('{"questions": NaN}', 400, "must not contain NaN"),
        ('{"questions": 1e999}', 400, "numbers must be finite"),
        ("{", 400, "is not valid JSON"),
        (b'{"questions": "\xff"}', 400, "must be JSON"),
    ],
)
def test_casework_api_refuses_bodies_too_big_deep_or_malformed(la_client, data, status, detail):
    response = _post(la_client, data)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert detail in response.json()["detail"]
    assert not AdviceRequest.objects.exists()


def test_casework_api_body_beyond_djangos_upload_limit_is_413(la_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(la_client, _body(questions="x" * 2000))
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "query",
    [
        "page=9223372036854775807",
        "page=0",
        "page_size=%00",
        "status=%00",
        "updated_since=0001-01-01T00:00:00%2B01:00",
        "updated_since=2026-01-01T00:00:00%2B20:15",
        "updated_since=%00",
    ],
)
def test_casework_api_list_refuses_bad_parameters(la_client, query):
    response = la_client.get(f"{CASEWORK}/requests?{query}")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM


# --- pages --------------------------------------------------------------------------------------------


def test_service_page_with_a_nul_location_is_shown_without_distances(client):
    service = build_directory(1).services[0]
    response = client.get(f"/services/{service.public_id}/?location=%00")
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["999999999999", "9" * 5000, "%00", "-1", "NaN"])
def test_a_to_z_with_any_page_number_is_a_page(client, page):
    build_directory(2)
    assert client.get(f"/services/a-z/A/?page={page}").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_to", "9999-12-31", "The date must be on or before 31 December 2199"),
        ("date_from", "0001-01-01", "The date must be on or after 1 January 1900"),
    ],
)
def test_audit_search_dates_out_of_range_are_a_message_beside_the_field(field, value, message):
    world = make_world()
    response = sign_in(Client(), world.dco).get("/audit/", {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("next_url", ["-1", "NaN", "a\x00b", "/x\r\nSet-Cookie: a=b", "//evil.example.org/"])
def test_a_bad_next_address_after_marking_a_service_reviewed_falls_back(rf, next_url):
    from directory.views_editor import _safe_next

    request = rf.post("/manage/services/", {"next": next_url})
    assert _safe_next(request, "/manage/") == "/manage/"
    assert (
        _safe_next(rf.post("/", {"next": "/manage/services/?page=2"}), "/manage/")
        == "/manage/services/?page=2"
    )

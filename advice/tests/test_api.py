"""The LA casework API: tokens, validation, problem documents, scope, and flat query counts."""

import datetime as dt
import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from advice import services
from advice.models import AdviceRequest
from advice.testing import GOOD_ADVICE, GOOD_SCORES, make_request, make_world, route
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children.models import ChildOrYoungPerson

pytestmark = pytest.mark.django_db
BASE = "/api/casework/v1"
PROBLEM = "application/problem+json"
QUERY_COUNTS: dict[int, int] = {}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def token(world):
    return ApiToken.issue(organisation=world.la, name="Case system", raw="shh_test_la_token")[1]


def _client(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _payload(**overrides):
    body = {
        "child": {
            "given_name": "Jordan",
            "family_name": "Testcase",
            "date_of_birth": "2017-03-04",
            "nhs_number": "943 476 5919",
        },
        "assessment": {"la_reference": "EHC/2025/001", "request_received_on": "2025-01-06"},
        "questions": "Please advise on health needs related to communication.",
        "known_health_involvement": "Community paediatrics",
    }
    body.update(overrides)
    return body


def _post(client, body):
    return client.post(f"{BASE}/requests", data=json.dumps(body), content_type="application/json")


class TestAuth:
    @pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
    def test_missing_or_wrong_token_is_a_401_problem(self, world, header):
        client = Client(headers={"Authorization": header}) if header else Client()
        response = client.get(f"{BASE}/requests")
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
        assert response.json()["title"] == "Unauthorised"

    def test_revoked_token_refused(self, world, token):
        from django.utils import timezone

        ApiToken.objects.update(revoked_at=timezone.now())
        assert _client(token).get(f"{BASE}/requests").status_code == 401

    def test_a_non_la_token_refused(self, world):
        _, raw = ApiToken.issue(organisation=world.team, name="Team system")
        assert _client(raw).get(f"{BASE}/requests").status_code == 401


class TestCreate:
    def test_creates_child_assessment_and_request(self, world, token):
        response = _post(_client(token), _payload())
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "submitted"
        assert body["assessment"]["decision_due"] == "2025-02-17"
        assert body["assessment"]["final_plan_due"] == "2025-05-26"
        assert body["child"]["nhs_number"] == "9434765919"
        advice_request = AdviceRequest.objects.get(public_id=body["id"])
        assert advice_request.local_authority == world.la and advice_request.created_via_api
        assert body["due_on"] == str(advice_request.received_by_health + dt.timedelta(weeks=6))
        assert AuditEvent.objects.filter(
            child_public_id=advice_request.child.public_id, action="create"
        ).exists()

    def test_same_child_twice_is_one_record(self, world, token):
        client = _client(token)
        _post(client, _payload())
        _post(client, _payload())
        assert ChildOrYoungPerson.objects.count() == 1
        assert AdviceRequest.objects.count() == 2

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"questions": ""}, "questions"),
            (
                {"child": {"given_name": "A", "family_name": "B", "date_of_birth": "not a date"}},
                "child.date_of_birth",
            ),
            (
                {"assessment": {"request_received_on": "2025-01-06", "clock_start_type": "whenever"}},
                "assessment.clock_start_type",
            ),
        ],
    )
    def test_schema_errors_are_422_problems_naming_the_field(self, token, change, field):
        response = _post(_client(token), _payload(**change))
        assert response.status_code == 422
        assert response["Content-Type"] == PROBLEM
        assert field in [e["field"] for e in response.json()["errors"]]

    def test_rule_errors_are_422_problems(self, token):
        bad_nhs = _payload(
            child={
                "given_name": "A",
                "family_name": "B",
                "date_of_birth": "2017-03-04",
                "nhs_number": "1111111111",
            }
        )
        response = _post(_client(token), bad_nhs)
        assert response.status_code == 422 and response["Content-Type"] == PROBLEM
        assert response.json()["errors"][0]["field"] == "nhs_number"
        future = _payload(assessment={"request_received_on": "2999-01-01"})
        assert _post(_client(token), future).status_code == 422
        assert ChildOrYoungPerson.objects.count() == 0  # nothing half-written

    def test_malformed_json_is_a_problem_not_a_500(self, token):
        response = _client(token).post(f"{BASE}/requests", data="{not json", content_type="application/json")
        assert response.status_code in (400, 422)
        assert response["Content-Type"] == PROBLEM


class TestRead:
    def test_status_dates_and_released_advice(self, world, token):
        advice_request = make_request(world)
        first, second = route(world, advice_request, world.team, world.other_team)
        services.submit_advice(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=first,
            expected_version=first.version,
            **GOOD_ADVICE,
        )
        first.refresh_from_db()
        services.release_advice(
            context=TEST_CONTEXT,
            user=world.dco,
            assignment=first,
            expected_version=first.version,
            scores=GOOD_SCORES,
        )
        services.submit_advice(
            context=TEST_CONTEXT,
            user=world.other_clinician,
            assignment=second,
            expected_version=second.version,
            **GOOD_ADVICE,
        )
        response = _client(token).get(f"{BASE}/requests/{advice_request.public_id}")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "routed" or body["status"] == "quality_check"
        by_team = {a["team"]: a for a in body["assignments"]}
        released = by_team[world.team.name]
        assert released["status"] == "released"
        assert released["advice"]["provision"][0]["how_often"] == "Weekly, 30 minutes"
        assert by_team[world.other_team.name]["advice"] is None  # not released yet: not shown to the LA
        assert AuditEvent.objects.filter(
            action="view", child_public_id=advice_request.child.public_id
        ).exists()

    def test_another_las_request_is_404(self, world, token):
        elsewhere = make_request(world, la=world.other_la)
        response = _client(token).get(f"{BASE}/requests/{elsewhere.public_id}")
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM

    def test_garbage_id_is_404(self, token):
        assert _client(token).get(f"{BASE}/requests/not-a-uuid").status_code == 404


class TestList:
    def test_only_own_requests_paginated_and_filtered(self, world, token):
        mine = [make_request(world) for _ in range(3)]
        make_request(world, la=world.other_la)
        route(world, mine[0], world.team)
        client = _client(token)
        body = client.get(f"{BASE}/requests", {"page_size": 2}).json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        second = client.get(body["next"]).json()
        assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
        assert "given_name" not in json.dumps(body)  # no names in lists
        routed = client.get(f"{BASE}/requests", {"status": "routed"}).json()
        assert [r["id"] for r in routed["results"]] == [str(mine[0].public_id)]
        assert client.get(f"{BASE}/requests", {"status": "nonsense"}).status_code == 422

    def test_updated_since(self, world, token):
        old = make_request(world)
        AdviceRequest.objects.filter(pk=old.pk).update(updated_at="2025-01-01T00:00:00Z")
        new = make_request(world)
        body = _client(token).get(f"{BASE}/requests", {"updated_since": "2025-06-01T00:00:00Z"}).json()
        assert [r["id"] for r in body["results"]] == [str(new.public_id)]

    def test_page_size_limit(self, token):
        assert _client(token).get(f"{BASE}/requests", {"page_size": 1000}).status_code == 422

    @pytest.mark.parametrize("n", [5, 50])
    def test_query_count_does_not_grow_with_the_data(self, world, token, n, django_assert_max_num_queries):
        for i in range(n):
            advice_request = make_request(world)
            if i % 2 == 0:
                (assignment,) = route(world, advice_request, world.team)
                services.submit_advice(
                    context=TEST_CONTEXT,
                    user=world.clinician,
                    assignment=assignment,
                    expected_version=assignment.version,
                    **GOOD_ADVICE,
                )
                assignment.refresh_from_db()
                services.release_advice(
                    context=TEST_CONTEXT,
                    user=world.dco,
                    assignment=assignment,
                    expected_version=assignment.version,
                    scores=GOOD_SCORES,
                )
        client = _client(token)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests", {"page_size": 100})
        assert response.status_code == 200 and response.json()["count"] == n
        QUERY_COUNTS[n] = len(queries)
        if len(QUERY_COUNTS) == 2:
            assert QUERY_COUNTS[5] == QUERY_COUNTS[50], QUERY_COUNTS


def test_openapi_document(world):
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/casework/v1/requests", "/api/casework/v1/requests/{request_id}"} <= set(document["paths"])
    assert "bearer" in json.dumps(document["components"]["securitySchemes"]).lower()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("delete", "/requests", 405),
        ("put", "/requests/abc", 405),
        ("get", "/nothing-here", 404),
        ("get", "/requests/", 404),
    ],
)
def test_wrong_method_or_path_is_a_problem_document(token, method, path, status):
    response = getattr(_client(token), method)(f"{BASE}{path}")
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM

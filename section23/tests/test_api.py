"""Section 23 notifications in the LA casework API: the LA's own token, sent notifications only,
problem documents, the acknowledgement, the audit log, and the shared OpenAPI document."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from accounts.models import ApiToken
from audit.models import AuditEvent
from section23.models import Notification
from section23.testing import make_world, notify

pytestmark = pytest.mark.django_db
BASE = "/api/casework/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def world():
    return make_world()


def _client(world, la=None):
    raw = ApiToken.issue(organisation=la or world.la, name="Case system")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_la_lists_and_reads_its_sent_notifications_only(world):
    sent = notify(world)
    draft = notify(world, send=False, given_name="Kit")
    elsewhere = notify(world, given_name="Lou", local_authority=world.other_la)
    client = _client(world)
    listing = client.get(f"{BASE}/notifications").json()
    assert [r["reference"] for r in listing["results"]] == [sent.reference]
    assert "Robin" not in str(listing)  # the list names nobody
    detail = client.get(f"{BASE}/notifications/{sent.public_id}")
    assert detail.status_code == 200
    body = detail.json()
    assert (
        body["child"]["given_name"] == "Robin" and body["parent_told_on"] and body["voluntary_organisations"]
    )
    for hidden in (draft, elsewhere):
        response = client.get(f"{BASE}/notifications/{hidden.public_id}")
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    nowhere = client.get(f"{BASE}/notifications/{uuid.uuid4()}")
    assert nowhere.json()["status"] == 404
    assert AuditEvent.objects.filter(object_id=str(sent.public_id), action="view").exists()


def test_the_la_acknowledges_with_its_decision_and_the_second_time_is_a_conflict(world):
    sent = notify(world)
    client = _client(world)
    url = f"{BASE}/notifications/{sent.public_id}/acknowledge"
    response = client.post(
        url, {"la_reference": "EY-9", "decision": "consider_assessment"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "decided" and response.json()["la_reference"] == "EY-9"
    sent.refresh_from_db()
    assert sent.acknowledged_via_api and sent.status == Notification.Status.DECIDED
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM


def test_a_stale_version_and_bad_input_are_problem_documents(world):
    sent = notify(world)
    client = _client(world)
    url = f"{BASE}/notifications/{sent.public_id}/acknowledge"
    stale = client.post(url, {"expected_version": sent.version + 5}, content_type="application/json")
    assert stale.status_code == 409
    bad = client.post(url, {"decision": "ignore it"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"
    assert Client().get(f"{BASE}/notifications").status_code == 401
    other = _client(world, la=world.other_la)
    assert other.post(url, {}, content_type="application/json").status_code == 404


def test_the_openapi_document_describes_notifications_beside_advice_requests(world):
    document = _client(world).get(f"{BASE}/openapi.json").json()
    assert "/api/casework/v1/requests" in document["paths"]
    assert "/api/casework/v1/notifications/{notification_id}/acknowledge" in document["paths"]
    post = document["paths"]["/api/casework/v1/notifications/{notification_id}/acknowledge"]["post"]
    assert {"200", "404", "409", "422"} <= set(post["responses"])


def test_the_openapi_document_gives_only_notifications_a_child_postcode(world):
    """Advice requests' child block has no postcode; a notification's has the one its council came from.
    (Both schemas were once called ChildOut and the later one replaced the other in the document.)"""
    document = _client(world).get(f"{BASE}/openapi.json").json()
    schemas = document["components"]["schemas"]

    def child_schema(path: str) -> dict:
        response = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        ref = schemas[response["$ref"].rsplit("/", 1)[-1]]["properties"]["child"]
        return schemas[(ref.get("$ref") or ref["allOf"][0]["$ref"]).rsplit("/", 1)[-1]]

    request_child = child_schema("/api/casework/v1/requests/{request_id}")
    notification_child = child_schema("/api/casework/v1/notifications/{notification_id}")
    assert "postcode" not in request_child["properties"]
    assert "postcode" in notification_child["properties"]
    assert "postcode" in notification_child.get("required", [])


def test_a_notification_gives_the_advice_request_the_la_linked_it_to(world):
    """Issue 11: a decision to consider an EHC needs assessment links to that casework; the LA's case
    system reads the advice request's reference in the list and in the notification (null until linked)."""
    from types import SimpleNamespace

    from advice.testing import make_request
    from audit.testing import TEST_CONTEXT
    from section23 import services

    linked, unlinked = notify(world), notify(world, given_name="Kit")
    advice = make_request(
        SimpleNamespace(la=world.la), child=linked.child, la=world.la, user=world.caseworker
    )
    services.link_advice_request(
        user=world.caseworker,
        context=TEST_CONTEXT,
        notification=linked,
        expected_version=linked.version,
        reference=advice.reference,
    )
    client = _client(world)
    listing = {r["reference"]: r for r in client.get(f"{BASE}/notifications").json()["results"]}
    assert listing[linked.reference]["advice_request_reference"] == advice.reference
    assert listing[unlinked.reference]["advice_request_reference"] is None
    body = client.get(f"{BASE}/notifications/{linked.public_id}").json()
    assert body["advice_request_reference"] == advice.reference
    assert client.get(f"{BASE}/notifications/{unlinked.public_id}").json()["advice_request_reference"] is None


def test_the_openapi_document_describes_the_linked_advice_request(world):
    document = _client(world).get(f"{BASE}/openapi.json").json()
    schemas = document["components"]["schemas"]
    for name in ("NotificationSummaryOut", "NotificationOut"):
        field = schemas[name]["properties"]["advice_request_reference"]
        assert {"type": "null"} in field["anyOf"] and "advice request" in field["description"]
        assert "advice_request_reference" in schemas[name]["required"]  # always there, null when none

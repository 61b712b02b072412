"""The audit context: built once from a request (or from an API token, or for the worker), and what
the access log keeps of it when a service, which never sees the request, records a change."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import ApiToken, Organisation
from accounts.testing import make_organisation, member
from audit.context import AuditContext, audit_context
from audit.services import record_access

pytestmark = pytest.mark.django_db


def test_built_once_per_request_with_address_browser_and_path(rf):
    request = rf.post("/casework/requests/x/cancel/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140")
    context = audit_context(request)
    assert audit_context(request) is context
    assert (context.via, context.ip, context.user_agent, context.path) == (
        "web",
        "192.0.2.7",
        "Firefox/140",
        "/casework/requests/x/cancel/",
    )
    assert context.request_id and context.token is None


def test_a_clients_own_request_id_is_not_trusted_but_a_proxys_is(rf):
    forged = rf.get("/", HTTP_X_REQUEST_ID="forged-id")
    assert audit_context(forged).request_id != "forged-id"
    with override_settings(PROXY_COUNT=1):
        proxied = rf.get("/", HTTP_X_REQUEST_ID="proxy-id-1", HTTP_X_FORWARDED_FOR="198.51.100.4")
        context = audit_context(proxied)
    assert (context.request_id, context.ip) == ("proxy-id-1", "198.51.100.4")


def test_an_api_call_is_recorded_as_its_token_acting_for_its_organisation(rf):
    la = make_organisation(name="Northshire County Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    token, _ = ApiToken.issue(organisation=la, name="Case system", raw="shh_test_context_token")
    request = rf.post("/api/casework/v1/requests", REMOTE_ADDR="192.0.2.8")
    context = audit_context(request, token=token)
    assert context.via == "api"

    event = record_access(user=None, action="create", obj=la, context=context)

    assert event.user is None and event.user_email == f"API token {token.prefix}"
    assert event.organisations == [{"id": str(la.public_id), "name": la.name, "role": "api_token"}]
    assert (event.ip_address, event.path) == ("192.0.2.8", "/api/casework/v1/requests")


def test_a_person_acting_through_a_service_is_recorded_with_where_they_were():
    org = make_organisation(name="Northshire DCO service", kind=Organisation.Kind.DCO_SERVICE)
    user = member("dco", org, email="dco.context@example.org")
    context = AuditContext(via="web", ip="192.0.2.9", user_agent="Safari", path="/casework/x/")

    event = record_access(user=user, action="change", obj=org, context=context, detail="routed")

    assert (event.user, event.ip_address, event.user_agent, event.path) == (
        user,
        "192.0.2.9",
        "Safari",
        "/casework/x/",
    )


def test_background_work_names_its_job():
    event = record_access(user=None, action="change", obj=None, context=AuditContext.worker("e-mail"))
    assert (event.path, event.ip_address, event.user_agent) == ("worker:e-mail", None, "")

"""The access convention, proven over every staff route and every role (ADR 0018).

1. Every staff page asks an access function. Each app's access functions and `visible_to` QuerySet
   methods are marked with `accounts.access.access_rule`; the walk opens every staff route as every
   role of one side (and posts to the routes that only take POST) and fails for any response given
   without one of them being called. A view that fetches a record itself, or decides from
   `reach_for` or the user's roles on its own, fails here.
2. Another organisation's records are a 404. Every route that opens a record, filled with the other
   side's records, answers 404 to every role of this side: the same answer as for a record that
   does not exist, so nothing shows that it does. The LA API does the same for another LA's token.

The personas (tests/personas.py) are every role in two organisations of each kind, sharing nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.access import noting_access_checks
from accounts.models import ApiToken
from tests.personas import ROUTE_RECORDS, Personas
from tests.test_url_guards import ROUTES, Route, is_public

pytestmark = pytest.mark.django_db

# Staff routes that open no record and need no access function, with the reason.
NO_RECORD: dict[str, str] = {
    "casework-api:not-found": "the API's answer for an unknown path: a 404 problem document",
    "core:work": "the signed-in person's own work lists and memberships (each count asks its app's access function)",
    "core:session-keep-alive": "renews the signed-in person's own session and says only that they are signed in",
}

# Routes filled with a record that are not a record of an organisation: public pages, or a value
# that is not a record at all.
NOT_RECORDS = {
    "accounts:password-reset-confirm",  # the e-mailed token, tested in accounts
    "accounts:invitation",  # the e-mailed token, tested in accounts
    "directory:service",  # the public Local Offer
    "directory:report-problem",
    "directory:report-problem-sent",
    "directory:a-to-z-letter",
    "directory:editor-export-download",  # a kind of export, not a record
    # the search words are the whole directory's (one public search), kept by every directory editor
    "directory:editor-synonym",
    "directory:editor-synonym-delete",
    "directory:editor-synonym-history",
    "advice:dashboard-csv",  # a list's name, not a record
    "advice:dashboard-csv-with-names",  # a list's name, not a record
}

# (route, persona role) pairs where another side's record is open on purpose, with the reason.
ACROSS_ON_PURPOSE: dict[tuple[str, str], str] = {
    ("audit:child", "system_admin"): "system administrators read the whole access log (ADR 0004)",
    ("audit:child-export", "system_admin"): "system administrators read the whole access log (ADR 0004)",
    **{
        (f"accounts:{name}", "system_admin"): "system administrators run every organisation's staff"
        for name in (
            "organisation",
            "invite",
            "staff-member",
            "staff-roles",
            "staff-reset-two-factor",
            "staff-remove",
        )
    },
    **{
        (f"accounts:{name}", "system_admin"): "system administrators manage every organisation and API token"
        for name in (
            "organisation-edit",
            "organisation-areas",
            "organisation-notifications",
            "tokens",
            "token-rename",
            "token-rotate",
            "token-revoke",
        )
    },
}


def _staff_routes() -> list[Route]:
    return [
        route
        for route in ROUTES
        if not is_public(route)
        and not route.name.startswith("admin:")
        and not route.name.startswith("casework-api:")
        and route.name not in NO_RECORD
    ]


def _params(route: Route) -> list[str]:
    from django.urls import resolve

    return sorted(resolve(route.path).kwargs)


def _paths(personas: Personas, route: Route, side: int) -> Iterator[str]:
    for kwargs in personas.route_kwargs(route.name, _params(route), side=side):
        yield reverse(route.name, kwargs=kwargs)


def _open(client: Client, path: str) -> Any:
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response


def test_every_staff_route_asks_an_access_function(personas):
    missing = []
    routes = _staff_routes()
    assert len(routes) > 40
    for persona in personas.of_side(1):
        client = persona.client()
        for route in routes:
            for path in _paths(personas, route, side=1):
                with noting_access_checks() as checks:
                    response = _open(client, path)
                if not checks:
                    missing.append(
                        f"{route.name} as {persona}: {response.status_code} without an access check"
                    )
    assert not missing, "\n".join(missing)


def test_the_walk_catches_a_view_that_decides_for_itself(personas, monkeypatch):
    """The check above can fail: a child's page that fetched the child itself would be caught."""
    from children import views
    from children.models import ChildOrYoungPerson

    def fetch_it_myself(user: Any, public_id: Any, write: bool = False) -> ChildOrYoungPerson:
        return ChildOrYoungPerson.objects.select_related("local_authority").get(public_id=public_id)

    monkeypatch.setattr(views.access, "get_child_for_user", fetch_it_myself)
    monkeypatch.setattr(views.registry, "sections", lambda: [])  # the advice section asks its own rule
    client = personas["caseworker_1"].client()
    with noting_access_checks() as checks:
        response = client.get(reverse("children:child-detail", args=[personas.side(1).child.public_id]))
    assert response.status_code == 200
    assert checks == []


def _record_routes() -> list[Route]:
    return [
        route
        for route in ROUTES
        if route.name in ROUTE_RECORDS
        and route.name not in NOT_RECORDS
        and not is_public(route)
        # The Django admin sends everyone but verified system staff to its sign-in (tests/test_url_guards.py).
        and not route.name.startswith("admin:")
    ]


def _made_up(path: str, personas: Personas, route: Route) -> str:
    """The same path with every record id replaced by one that exists nowhere."""
    for kwargs in personas.route_kwargs(route.name, _params(route), side=2):
        for value in kwargs.values():
            path = path.replace(str(value), str(uuid.uuid4()))
    return path


def test_every_role_gets_404_on_every_record_of_another_organisation(personas):
    """404, or (on the Local Offer editor's pages, for staff who are not editors) the 403 that the
    role gets on the whole section whatever the id: either way the same as for no record at all."""
    routes = _record_routes()
    assert {"children:child-detail", "advice:request-detail", "advice:attachment", "audit:child"} <= {
        r.name for r in routes
    }
    leaks = []
    for persona in personas.of_side(1):
        client = persona.client()
        for route in routes:
            if (route.name, persona.name.rsplit("_", 1)[0]) in ACROSS_ON_PURPOSE:
                continue
            for path in _paths(personas, route, side=2):
                status = _open(client, path).status_code
                if status == 404:
                    continue
                nowhere = _open(client, _made_up(path, personas, route)).status_code
                if not (status == nowhere == 403 and route.name.startswith("directory:editor")):
                    leaks.append(f"{route.name} as {persona}: {status} (made-up id: {nowhere})")
    assert not leaks, "\n".join(leaks)


def test_a_record_that_exists_elsewhere_looks_like_one_that_does_not(personas):
    client = personas["caseworker_1"].client()
    elsewhere = client.get(reverse("advice:request-detail", args=[personas.side(2).request.public_id]))
    nowhere = client.get(reverse("advice:request-detail", args=[uuid.uuid4()]))
    assert elsewhere.status_code == nowhere.status_code == 404
    # The same page, byte for byte, but for the per-response script nonce.
    assert _without_nonce(elsewhere.content) == _without_nonce(nowhere.content)


def _without_nonce(content: bytes) -> str:
    return re.sub(r'nonce="[^"]*"', "", content.decode())


def _api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_la_api_answers_404_to_another_las_token(personas):
    _, own_token = ApiToken.issue(organisation=personas.side(1).la, name="Case system 1")
    client = _api(own_token)
    side2 = personas.side(2)
    for advice_request in (side2.new_request, side2.request, side2.released_request):
        response = client.get(f"/api/casework/v1/requests/{advice_request.public_id}")
        nowhere = client.get(f"/api/casework/v1/requests/{uuid.uuid4()}")
        assert response.status_code == nowhere.status_code == 404
        assert response.json()["status"] == nowhere.json()["status"] == 404
    listed = client.get("/api/casework/v1/requests").content.decode()
    for advice_request in (side2.new_request, side2.request, side2.released_request):
        assert str(advice_request.public_id) not in listed
        assert advice_request.reference not in listed
    assert side2.child.family_name not in listed
    # Its own LA's requests it does read.
    own = client.get(f"/api/casework/v1/requests/{personas.side(1).request.public_id}")
    assert own.status_code == 200

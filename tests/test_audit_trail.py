"""The access log has no holes (issue 7, point 2).

Every GET route, filled with real records (tests/personas.py), is opened by every persona of side 1
(one per role and place, plus someone not signed in). When a response contains a child's name, NHS
number or date of birth, the access log must have an event, written during that request, by that
person, about that child. Side 1's personas also open side 2's records: each refusal must leave a
security event.

Every view also declares whether it shows children's data (audit.trail.shows_children /
shows_no_children), so a new page is a decision, not an accident.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from audit import trail
from audit.models import Action, AuditEvent
from children.models import ChildOrYoungPerson
from tests.test_url_guards import ROUTES, Route

pytestmark = pytest.mark.django_db

# The Django admin registers no record about a child (test below) and its pages need admin ids; the
# APIs are walked with tokens in their own tests (advice/tests/test_api.py audits each read).
SKIPPED_NAMESPACES = ("admin:", "casework-api:", "oruk:")

WALKED = [r for r in ROUTES if not r.name.startswith(SKIPPED_NAMESPACES) and "<unnamed" not in r.name]


def _params(route: Route) -> list[str]:
    return re.findall(r"<(?:[^>:]+:)?(\w+)>", route.pattern) + re.findall(r"\(\?P<(\w+)>", route.pattern)


def _paths(personas: Any, route: Route, side: int = 1) -> list[str]:
    paths = []
    for kwargs in personas.route_kwargs(route.name, _params(route), side=side):
        try:
            paths.append(reverse(route.name, kwargs=kwargs))
        except NoReverseMatch:
            pytest.fail(f"Could not build {route.name} from {kwargs}")
    return paths


def _identifiers(child: ChildOrYoungPerson) -> list[str]:
    """How a page may show who the child is."""
    found = [f"{child.given_name} {child.family_name}", child.family_name]
    if child.nhs_number:
        digits = child.nhs_number
        found += [digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}"]
    if child.date_of_birth:
        dob = child.date_of_birth
        found += [f"{dob.day} {dob:%B %Y}", f"{dob.day} {dob:%b %Y}", dob.isoformat(), f"{dob:%d/%m/%Y}"]
    return found


def _content(response: Any) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return body.decode("utf-8", errors="replace")


_CLIENTS: dict[tuple[int, str], Any] = {}


def _client(personas: Any, persona: Any) -> Any:
    """One signed-in client per persona for the module's world (signing in is most of a request's cost)."""
    key = (id(personas), persona.name)
    if key not in _CLIENTS:
        _CLIENTS[key] = persona.client()
    return _CLIENTS[key]


def _children_shown(text: str, children: list[ChildOrYoungPerson]) -> list[ChildOrYoungPerson]:
    return [c for c in children if any(ident in text for ident in _identifiers(c))]


@pytest.mark.parametrize("route", WALKED, ids=lambda r: r.name)
def test_every_response_showing_a_child_is_in_the_access_log(personas: Any, route: Route):
    children = list(ChildOrYoungPerson.objects.all())
    assert len(children) >= 2
    holes = []
    for path in _paths(personas, route):
        for persona in personas.one_per_role():
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = _client(personas, persona).get(path)
            shown = _children_shown(_content(response), children)
            if not shown:
                continue
            assert persona.user is not None, f"{path} showed a child's data to someone not signed in"
            logged = set(
                AuditEvent.objects.filter(pk__gt=before, user=persona.user).values_list(
                    "child_public_id", flat=True
                )
            )
            holes += [
                f"{persona.name} GET {path} ({response.status_code}) shows {child.full_name} with no event"
                for child in shown
                if child.public_id not in logged
            ]
    assert not holes, "\n".join(holes)


RECORD_ROUTES = [
    r for r in WALKED if r.name.split(":")[0] in {"advice", "children"} and "public_id" in _params(r)
]


@pytest.mark.parametrize("route", RECORD_ROUTES, ids=lambda r: r.name)
def test_a_refused_record_route_leaves_a_security_event(personas: Any, route: Route):
    """Side 1's caseworker and clinician asking for side 2's records: a 404 and a 'refused' event."""
    for path in _paths(personas, route, side=2):
        for name in ("caseworker_1", "clinician_1", "system_admin_1"):
            persona = personas[name]
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = persona.client().get(path)
            if response.status_code == 405:
                response = persona.client().post(path)
            assert response.status_code == 404, f"{name} {path}: {response.status_code}"
            events = AuditEvent.objects.filter(pk__gt=before, user=persona.user, action=Action.REFUSED)
            assert events.exists(), f"{name} was refused {path} and nothing was logged"
            assert events.get().path == path


def test_a_refusal_of_an_id_that_does_not_exist_is_logged_without_a_child(personas: Any):
    response = (
        personas["caseworker_1"].client().get("/casework/requests/00000000-0000-4000-8000-000000000000/")
    )
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=Action.REFUSED)
    assert event.child_public_id is None and "no such record" in event.detail


def test_the_advice_page_on_rework_is_logged(personas: Any):
    """Issue 7's example: the team's advice page after the DCO sent it back shows the child's name and
    the earlier advice."""
    from advice import services
    from advice.testing import GOOD_SCORES
    from audit.testing import TEST_CONTEXT

    side = personas.side(1)
    assignment = side.assignment
    assignment.refresh_from_db()
    services.request_rework(
        user=personas["dco_1"].user,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
        comments="Say where the therapy happens.",
        context=TEST_CONTEXT,
    )
    clinician = personas["clinician_1"]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = clinician.client().get(f"/casework/assignments/{assignment.public_id}/advice/")
    assert response.status_code == 200 and side.child.family_name in response.content.decode()
    assert AuditEvent.objects.filter(
        pk__gt=before, user=clinician.user, child_public_id=side.child.public_id, action=Action.VIEW
    ).exists()


DECLARED = [r for r in ROUTES if not r.name.startswith(("admin:", "casework-api:", "oruk:"))]


@pytest.mark.parametrize("route", DECLARED, ids=lambda r: r.name)
def test_every_view_declares_whether_it_shows_children(route: Route):
    assert trail.declaration(route.callback) is not None, (
        f"{route.name}: decorate its view with audit.trail.shows_children or shows_no_children"
    )


def test_the_django_admin_holds_no_record_about_a_child():
    from django.contrib import admin

    labels = {model._meta.app_label for model in admin.site._registry}
    assert not labels & {"children", "advice"}

"""Finding a child or a case: by name (any order, small misspellings), date of birth, NHS number or a
reference; only children the person may see, and another organisation's child never, for any role."""

from __future__ import annotations

import re

import pytest

from audit.models import AuditEvent
from children.models import ChildOrYoungPerson

pytestmark = pytest.mark.django_db

SEARCHERS = [
    "caseworker_1",
    "dco_1",
    "dco_admin_1",
    "clinician_1",
    "team_manager_1",
    "trust_manager_1",
    "other_team_clinician_1",
]
NOT_SEARCHERS = [
    "local_offer_editor_1",
    "trust_editor_1",
    "voluntary_editor_1",
    "provider_editor_1",
    "school_staff_1",
    "system_admin_1",
    "org_admin_1",
]
NHS = {1: "9990000026", 2: "9990000034"}
MADE_UP_NHS = "999 000 0042"


@pytest.fixture
def numbered(personas):
    for n in (1, 2):
        ChildOrYoungPerson.objects.filter(pk=personas.side(n).child.pk).update(nhs_number=NHS[n])
    return personas


def _search(client, q: str):
    response = client.get("/children/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _found(html: str) -> set[str]:
    return set(re.findall(r'href="/children/([0-9a-f-]{36})/"', html))


@pytest.mark.parametrize(
    "typed",
    [
        "Robin Aldermoor-Testchild",
        "aldermoor-testchild robin",
        "Robbin Aldermor-Testchild",
        "Testchild Robin",
        "5/3/2017",
        "5 March 2017",
        "2017-03-05",
        "999 000 0026",
        "9990000026",
        "Robin 05/03/2017",
    ],
)
def test_a_dco_finds_a_child_by_name_date_of_birth_or_nhs_number(numbered, typed):
    child = numbered.side(1).child
    html = _search(numbered["dco_1"].client(), typed)
    assert str(child.public_id) in _found(html), typed
    assert "Robin Aldermoor-Testchild" in html


def test_a_case_is_found_by_its_reference_however_it_is_typed(personas):
    side = personas.side(1)
    reference = side.request.reference
    for typed in (reference, reference.lower(), f"HA{int(reference[2:])}"):
        html = _search(personas["caseworker_1"].client(), typed)
        assert f"Health advice request {reference}" in html, typed
        assert f'href="/casework/requests/{side.request.public_id}/"' in html
        assert str(side.child.public_id) in _found(html)


def test_a_clinician_finds_the_children_their_team_works_with(personas):
    side = personas.side(1)
    assert str(side.child.public_id) in _found(_search(personas["clinician_1"].client(), "Robin"))


def _nothing(html: str, typed: str) -> str:
    """The page with what was typed and the per-response nonce taken out."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return html.replace(typed, "TYPED")


@pytest.mark.parametrize("name", SEARCHERS)
def test_another_organisations_child_is_never_found_and_looks_like_nothing(numbered, name):
    other = numbered.side(2)
    client = numbered[name].client()
    made_up = {"nhs": MADE_UP_NHS, "reference": "HA9999999"}
    theirs = {"nhs": "999 000 0034", "reference": other.request.reference}
    for kind in ("nhs", "reference"):
        assert _nothing(_search(client, theirs[kind]), theirs[kind]) == _nothing(
            _search(client, made_up[kind]), made_up[kind]
        ), kind
    for typed in (
        other.child.full_name,
        "Sasha",
        "6/3/2017",
        "999 000 0034",
        other.request.reference,
        other.released_request.reference,
        f"Sasha 6/3/2017 {other.request.reference}",
    ):
        html = _search(client, typed)
        assert str(other.child.public_id) not in html, (name, typed)
        for request in (other.request, other.new_request, other.released_request):
            assert str(request.public_id) not in html and request.reference not in html.replace(typed, "")


@pytest.mark.parametrize("name", NOT_SEARCHERS)
def test_people_who_find_no_children_have_no_search_page(personas, name):
    client = personas[name].client()
    for typed in ("", personas.side(1).child.full_name, "Made Upname"):
        assert client.get("/children/search/", {"q": typed}).status_code == 404
    assert 'action="/children/search/"' not in client.get("/your-work/").content.decode()


def test_signed_out_people_are_sent_to_sign_in():
    from django.test import Client

    response = Client().get("/children/search/", {"q": "Robin"})
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_the_search_is_in_the_staff_header(personas):
    html = personas["dco_1"].client().get("/casework/dashboard/").content.decode()
    assert 'action="/children/search/"' in html and 'name="q"' in html


def test_searching_is_logged_with_what_was_typed_and_each_child_listed(personas):
    side = personas.side(1)
    user = personas["dco_1"].user
    _search(personas["dco_1"].client(), "Robin Aldermoor")
    search = AuditEvent.objects.filter(user=user, action="search").latest("pk")
    assert "Robin Aldermoor" in search.detail and "found" in search.detail
    assert AuditEvent.objects.filter(
        user=user, action="view", child_public_id=side.child.public_id, path="/children/search/"
    ).exists()


def test_an_empty_or_odd_search_is_a_page_not_an_error(personas):
    client = personas["dco_1"].client()
    for typed in ("", "   ", "\x00", "x" * 5000, "31/2/2017", "!!!", "HA", "0"):
        response = client.get("/children/search/", {"q": typed})
        assert response.status_code == 200, typed


def test_a_case_is_found_by_the_las_own_reference_and_never_another_las(personas):
    from advice.models import EHCNeedsAssessment

    for n in (1, 2):
        EHCNeedsAssessment.objects.filter(pk=personas.side(n).request.assessment_id).update(
            la_reference=f"EHC/2026/00{n}2"
        )
    side = personas.side(1)
    html = _search(personas["dco_1"].client(), "ehc/2026/0012")
    assert f"Health advice request {side.request.reference} (LA reference EHC/2026/0012)" in html
    assert str(side.child.public_id) in _found(html)
    other = _search(personas["dco_1"].client(), "EHC/2026/0022")
    assert _nothing(other, "EHC/2026/0022") == _nothing(
        _search(personas["dco_1"].client(), "EHC/2026/0099"), "EHC/2026/0099"
    )


def test_found_by_says_nhs_number_in_capitals(numbered):
    html = _search(numbered["dco_1"].client(), "9990000026")
    assert "Nhs number" not in html and "NHS number" in html.split("<tbody")[1]

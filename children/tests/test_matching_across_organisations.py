"""Child matching never discloses another organisation's child (issue 7 point 1, ADR 0013).

The attacks as found (an LA's API token or caseworker sending another LA's child's NHS number with a
made-up name and date of birth) fail; and for each LA against the other's children, by NHS number,
by name and date of birth, and by both, what the LA gets back (API body, pages, the next step) is the
same whether or not the other LA holds that child. Synthetic people only."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Organisation, User
from accounts.testing import sign_in
from advice.models import AdviceRequest
from advice.testing import World, make_world
from children.models import ChildOrYoungPerson, PossibleDuplicate
from children.testing import ChildFactory, ConsentFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

BASE = "/api/casework/v1"
HELD_NHS = "9434765919"
HELD = {"given_name": "Quinn", "family_name": "Marchbank", "date_of_birth": dt.date(2017, 2, 15)}
MADE_UP = {"given_name": "Ashley", "family_name": "Madeup", "date_of_birth": dt.date(2016, 6, 1)}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def world() -> World:
    return make_world()


def _token(la: Organisation) -> str:
    return ApiToken.issue(organisation=la, name="Case system")[1]


def _held_child(la: Organisation) -> ChildOrYoungPerson:
    """The other LA's child, with everything the attack used to reach: carer, consent, school."""
    child: ChildOrYoungPerson = ChildFactory(
        **HELD, nhs_number=HELD_NHS, local_authority=la, school_or_setting_name="Testbrook Primary"
    )
    carer = ParentCarerFactory(child=child, name="Pat Marchbank", email="pat@example.org")
    ConsentFactory(child=child, parent_carer=carer)
    return child


def _api_body(child: dict[str, Any]) -> dict[str, Any]:
    return {
        "child": {**child, "date_of_birth": child["date_of_birth"].isoformat()},
        "assessment": {"la_reference": "EHC/2026/042", "request_received_on": "2026-10-05"},
        "questions": "Please advise on health needs.",
        "known_health_involvement": "",
    }


def _post_api(raw: str, child: dict[str, Any]) -> Any:
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    return client.post(f"{BASE}/requests", data=json.dumps(_api_body(child)), content_type="application/json")


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _web_journey(user: User, la: Organisation, child: dict[str, Any]) -> list[tuple[int, str, str]]:
    """The caseworker's steps: type the details, then follow the journey to the request form (and
    open the "Is this the same child?" page directly too). Every status, redirect and page text."""
    client = sign_in(Client(), user)
    data = {
        "given_name": child["given_name"],
        "family_name": child["family_name"],
        **_date("date_of_birth", child["date_of_birth"]),
        "nhs_number": child.get("nhs_number", ""),
        "local_authority": str(la.pk),
    }
    seen = []
    response = client.post(reverse("advice:request-new"), data)
    for _ in range(4):
        seen.append((response.status_code, response.get("Location", ""), _text(response)))
        if response.status_code != 302:
            break
        response = client.get(response["Location"])
    response = client.get(reverse("advice:request-new-match"))
    seen.append((response.status_code, response.get("Location", ""), _text(response)))
    return seen


def _text(response: Any) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    return UUID.sub("<id>", text)


def _normalised(body: Any) -> Any:
    """The API body with what differs between any two runs (ids, references, times) blanked."""
    if isinstance(body, dict):
        return {
            key: "<varies>" if key in {"reference", "created_at", "updated_at"} else _normalised(value)
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [_normalised(value) for value in body]
    if isinstance(body, str):
        return UUID.sub("<id>", body)
    return body


class _Undo(Exception):
    pass


def _in_a_world_that_is_undone(run: Callable[[], Any]) -> Any:
    """Run, keep what it returned, and undo everything it wrote, so two runs start from the same state."""
    kept: list[Any] = []
    try:
        with transaction.atomic():
            kept.append(run())
            raise _Undo
    except _Undo:
        pass
    return kept[0]


# --- the attacks as found --------------------------------------------------------------------------


def test_api_attack_with_another_las_nhs_number_learns_nothing(world):
    held = _held_child(world.other_la)
    response = _post_api(_token(world.la), {**MADE_UP, "nhs_number": HELD_NHS})
    assert response.status_code == 201, response.content
    body = response.json()
    # What was sent comes back, and nothing else.
    assert body["child"]["given_name"] == "Ashley" and body["child"]["family_name"] == "Madeup"
    assert body["child"]["date_of_birth"] == "2016-06-01"
    assert body["child"]["id"] != str(held.public_id)
    assert "Quinn" not in response.content.decode() and "2017-02-15" not in response.content.decode()
    # The request is on a new record of the sending LA, not on the other LA's child.
    advice_request = AdviceRequest.objects.get(public_id=body["id"])
    assert advice_request.child != held and advice_request.child.local_authority == world.la
    assert not held.advice_requests.exists()
    # The caseworker cannot open the other LA's child, nor find its carer or consent on their record.
    client = sign_in(Client(), world.la_user)
    assert client.get(reverse("children:child-detail", args=[held.public_id])).status_code == 404
    page = client.get(
        reverse("children:child-detail", args=[advice_request.child.public_id])
    ).content.decode()
    assert "Pat Marchbank" not in page and "pat@example.org" not in page and "Testbrook" not in page
    # The DCO service covering the sending LA is asked to check.
    check = PossibleDuplicate.objects.get()
    assert (check.new_record, check.existing, check.local_authority) == (advice_request.child, held, world.la)
    assert check.reason == PossibleDuplicate.Reason.NHS_NUMBER


def test_web_attack_typing_another_las_nhs_number_shows_nothing_of_that_child(world):
    held = _held_child(world.other_la)
    client = sign_in(Client(), world.la_user)
    response = client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ashley",
            "family_name": "Madeup",
            **_date("date_of_birth", MADE_UP["date_of_birth"]),
            "nhs_number": "943 476 5919",
            "local_authority": str(world.la.pk),
        },
    )
    # Straight on to the request form: no "Is this the same child?" page.
    assert response["Location"] == reverse("advice:request-new-details")
    for url in (reverse("advice:request-new-details"), reverse("advice:request-new-match")):
        page = client.get(url, follow=True).content.decode()
        assert "Quinn" not in page and "Marchbank" not in page and "15 February 2017" not in page
        assert "another local authority" not in page
    chosen = client.session["advice_new_child"]["child"]
    assert chosen != str(held.public_id)
    assert ChildOrYoungPerson.objects.get(public_id=chosen).given_name == "Ashley"


def test_editing_a_record_to_another_las_nhs_number_shows_nothing_of_that_child(world):
    held = _held_child(world.other_la)
    own = ChildFactory(**MADE_UP, local_authority=world.la)
    client = sign_in(Client(), world.la_user)
    response = client.post(
        reverse("children:child-edit", args=[own.public_id]),
        {
            "version": own.version,
            **{k: v for k, v in MADE_UP.items() if k != "date_of_birth"},
            **_date("date_of_birth", own.date_of_birth),
            "nhs_number": HELD_NHS,
        },
    )
    # Saved like any other change; the DCO service checks the two.
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Quinn" not in page and "Marchbank" not in page
    own.refresh_from_db()
    assert own.nhs_number == HELD_NHS and own.awaiting_identity_check
    assert PossibleDuplicate.objects.filter(new_record=own, existing=held).exists()


# --- each LA against the other's children: the same answers whether or not it is held --------------

KINDS = {
    "by NHS number": {**MADE_UP, "nhs_number": HELD_NHS},
    "by name and date of birth": {**HELD, "nhs_number": ""},
    "by both": {**HELD, "nhs_number": HELD_NHS},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("direction", ["la against other_la", "other_la against la"])
def test_api_answers_the_same_whether_or_not_another_la_holds_the_child(world, kind, direction):
    sender, holder = (world.la, world.other_la) if direction.startswith("la ") else (world.other_la, world.la)
    raw = _token(sender)
    sent = KINDS[kind]

    def attempt(held: bool) -> Any:
        if held:
            _held_child(holder)
        response = _post_api(raw, sent)
        checks = PossibleDuplicate.objects.filter(local_authority=sender).count()
        return response.status_code, response["Content-Type"], _normalised(response.json()), checks

    without = _in_a_world_that_is_undone(lambda: attempt(False))
    with_held = _in_a_world_that_is_undone(lambda: attempt(True))
    assert without[:3] == with_held[:3]
    assert without[0] == 201
    # Only health learns of the possible duplicate.
    assert (without[3], with_held[3]) == (0, 1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("direction", ["la against other_la", "other_la against la"])
def test_pages_answer_the_same_whether_or_not_another_la_holds_the_child(world, kind, direction):
    if direction.startswith("la "):
        sender, holder, user = world.la, world.other_la, world.la_user
    else:
        sender, holder, user = world.other_la, world.la, world.other_la_user
    sent = KINDS[kind]

    def attempt(held: bool) -> Any:
        if held:
            _held_child(holder)
        return _web_journey(user, sender, sent)

    without = _in_a_world_that_is_undone(lambda: attempt(False))
    with_held = _in_a_world_that_is_undone(lambda: attempt(True))
    assert without == with_held
    assert without[0][1] == reverse("advice:request-new-details")


@pytest.mark.parametrize("kind", KINDS)
def test_the_las_own_record_is_offered_and_used(world, kind):
    """The same details against the LA's own record: offered on the web, used by the API (exact), and
    no check for the DCO service."""
    own = _held_child(world.la)
    sent = KINDS[kind]
    seen = _web_journey(world.la_user, world.la, sent)
    assert seen[0][1] == reverse("advice:request-new-match")
    assert "Quinn Marchbank" in seen[1][2]
    response = _post_api(_token(world.la), sent)
    body = response.json()
    if kind == "by NHS number":
        # Same NHS number, other name and date of birth: not a match; health checks the two.
        assert body["child"]["id"] != str(own.public_id) and body["child"]["given_name"] == "Ashley"
        assert PossibleDuplicate.objects.filter(existing=own).count() == 1
    else:
        assert body["child"]["id"] == str(own.public_id)
        assert not PossibleDuplicate.objects.exists()

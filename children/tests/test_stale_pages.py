"""A stale page of a child's record always gets "someone else changed this", with what was typed kept.

For every page that changes a child's record (details, a parent or carer, their removal, withdrawing
consent): the person opens the page (and the record's version), someone else changes the record
meanwhile, and the person sends the form. They get the page again as the record is now, status 409,
the conflict banner and what they typed, never a change made on top of one they have not seen. The
services check the version before the record's state (core.concurrency).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from advice.testing import World, make_request, make_world, route
from audit.testing import TEST_CONTEXT
from children import services
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer
from children.testing import ConsentFactory, ParentCarerFactory
from core.concurrency import ConcurrentUpdate

pytestmark = pytest.mark.django_db
BANNER = "Someone else changed this since you opened it"
TODAY = timezone.localdate()


def _days(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


@dataclass
class Records:
    child: ChildOrYoungPerson
    carer: ParentCarer
    consent: ConsentToShare


def _fresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


@dataclass
class Case:
    url: Callable[[Records], str]
    typed: Callable[[Records], dict[str, Any]]
    meanwhile: Callable[[World, Records], None]
    kept: str  # what they typed, on the conflict page
    unchanged: Callable[[Records], bool]  # nothing done on top of the other change


def _carer_values(**overrides: str) -> dict[str, str]:
    return {
        "name": "Sam Testparent",
        "relationship": "mother",
        "has_parental_responsibility": "yes",
        "phone": "07700 900456",
        "email": "",
        "address": "",
        "preferred_contact": "phone",
        "communication_needs": "",
        **overrides,
    }


CASES = {
    "child's details (changed meanwhile)": Case(
        lambda r: reverse("children:child-edit", args=[r.child.public_id]),
        lambda r: {
            "version": r.child.version,
            "given_name": "Typedname",
            "family_name": r.child.family_name,
            **_days("date_of_birth", r.child.date_of_birth),
            "school_or_setting_name": "Typed Primary School",
        },
        lambda w, r: services.update_child(
            user=w.la_user,
            child=_fresh(r.child),
            expected_version=r.child.version,
            context=TEST_CONTEXT,
            school_or_setting_name="Their Academy",
        ),
        "Typed Primary School",
        lambda r: (
            _fresh(r.child).school_or_setting_name == "Their Academy" and r.child.given_name != "Typedname"
        ),
    ),
    "parent or carer (changed meanwhile)": Case(
        lambda r: reverse("children:carer-edit", args=[r.child.public_id, r.carer.public_id]),
        lambda r: {"version": r.carer.version, **_carer_values(communication_needs="Typed: large print")},
        lambda w, r: services.update_parent_carer(
            user=w.la_user,
            carer=_fresh(r.carer),
            expected_version=r.carer.version,
            context=TEST_CONTEXT,
            phone="07700 900999",
        ),
        "Typed: large print",
        lambda r: _fresh(r.carer).phone == "07700 900999" and r.carer.communication_needs == "",
    ),
    "remove a parent or carer (changed meanwhile)": Case(
        lambda r: reverse("children:carer-remove", args=[r.child.public_id, r.carer.public_id]),
        lambda r: {"version": r.carer.version},
        lambda w, r: services.update_parent_carer(
            user=w.la_user,
            carer=_fresh(r.carer),
            expected_version=r.carer.version,
            context=TEST_CONTEXT,
            has_parental_responsibility=False,
        ),
        "Remove Sam Testparent",  # the page asks again, with their details as they are now
        lambda r: ParentCarer.objects.filter(pk=r.carer.pk).exists(),
    ),
    "withdraw consent (withdrawn meanwhile)": Case(
        lambda r: reverse("children:consent-withdraw", args=[r.child.public_id, r.consent.public_id]),
        lambda r: {
            "version": r.consent.version,
            **_days("withdrawn_on", TODAY),
            "reason": "Typed: the young person asked",
        },
        lambda w, r: services.withdraw_consent(
            user=w.dco,
            consent=_fresh(r.consent),
            expected_version=r.consent.version,
            reason="The parent asked",
            context=TEST_CONTEXT,
        ),
        "Typed: the young person asked",
        lambda r: _fresh(r.consent).withdrawal_reason == "The parent asked",
    ),
}


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def records(world: World) -> Records:
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    child = advice_request.child
    carer = ParentCarerFactory(
        child=child, name="Sam Testparent", phone="07700 900456", email="", preferred_contact="phone"
    )
    consent = ConsentFactory(child=child, given_on=TODAY - dt.timedelta(days=10))
    return Records(_fresh(child), _fresh(carer), _fresh(consent))


@pytest.mark.parametrize("name", CASES)
def test_a_stale_page_gets_the_conflict_page_with_what_was_typed(world, records, name):
    case = CASES[name]
    url, typed = case.url(records), case.typed(records)
    case.meanwhile(world, records)

    response = sign_in(Client(), world.la_user).post(url, typed)

    page = response.content.decode()
    assert response.status_code == 409, page[:2000]
    assert BANNER in page
    assert case.kept in page
    assert case.unchanged(records)


@pytest.mark.parametrize("name", CASES)
def test_the_conflict_page_carries_the_version_now_so_sending_again_is_a_choice(world, records, name):
    case = CASES[name]
    url, typed = case.url(records), case.typed(records)
    case.meanwhile(world, records)
    client = sign_in(Client(), world.la_user)
    first = client.post(url, typed)
    assert first.status_code == 409
    version = _fresh(
        records.consent if "consent" in name else records.carer if "carer" in name else records.child
    )
    assert f'name="version" value="{version.version}"' in first.content.decode()

    again = client.post(url, {**typed, "version": version.version})

    assert again.status_code == 302, again.content.decode()[:2000]
    assert BANNER not in again.content.decode()


def test_the_services_check_the_version_before_the_state(world, records):
    """Stale and in a state that refuses the change: ConcurrentUpdate, not the refusal."""
    seen = records.carer.version
    ConsentFactory(child=records.child, parent_carer=records.carer)  # now they cannot be removed
    services.update_parent_carer(
        user=world.la_user,
        carer=records.carer,
        expected_version=seen,
        context=TEST_CONTEXT,
        phone="07700 900111",
    )
    with pytest.raises(ConcurrentUpdate):
        services.remove_parent_carer(
            user=world.la_user, carer=records.carer, expected_version=seen, context=TEST_CONTEXT
        )
    with pytest.raises(ValidationError):
        services.remove_parent_carer(
            user=world.la_user,
            carer=records.carer,
            expected_version=_fresh(records.carer).version,
            context=TEST_CONTEXT,
        )
    stale = records.child.version
    services.update_child(
        user=world.la_user, child=records.child, expected_version=stale, context=TEST_CONTEXT, nhs_number=""
    )
    with pytest.raises(ConcurrentUpdate):  # even an invalid NHS number is not looked at first
        services.update_child(
            user=world.la_user,
            child=records.child,
            expected_version=stale - 1,
            context=TEST_CONTEXT,
            nhs_number="1",
        )


def test_a_change_made_by_matching_makes_an_open_edit_page_stale(world, records):
    """An NHS number filled in by matching (another request for the same child) moves the version on."""
    child = records.child
    assert not child.nhs_number
    seen = child.version
    services.record_child(
        user=world.la_user,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        local_authority=child.local_authority,
        nhs_number="943 476 5919",
        context=TEST_CONTEXT,
    )
    assert _fresh(child).version == seen + 1 and child.nhs_number == "9434765919"
    response = sign_in(Client(), world.la_user).post(
        reverse("children:child-edit", args=[child.public_id]),
        {
            "version": seen,
            "given_name": child.given_name,
            "family_name": child.family_name,
            **_days("date_of_birth", child.date_of_birth),
            "nhs_number": "",
            "school_or_setting_name": "Typed school",
        },
    )
    assert response.status_code == 409 and BANNER in response.content.decode()
    assert _fresh(child).nhs_number == "9434765919"  # not wiped by the stale page

"""Two requests recording a child with the same new NHS number at once.

Request A matches (nothing yet), request B records the child and commits, then A's insert meets the
one-record-per-NHS-number constraint. A must match again against what is there now, and if the
holder keeps changing, still end with a clear outcome (never a 500): its record held for the DCO
service's check. The race is made deterministic by hiding the committed record from A's first
match(es); the clash itself is the database's real unique constraint (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from advice.testing import make_world
from audit.testing import TEST_CONTEXT
from children import services
from children.models import ChildOrYoungPerson, PossibleDuplicate
from children.testing import ChildFactory

pytestmark = pytest.mark.django_db

NHS = "9434765919"
DETAILS = {"given_name": "Robin", "family_name": "Testington", "date_of_birth": dt.date(2015, 4, 2)}


@pytest.fixture
def world():
    return make_world()


def _blind_first_matches(times: int):
    """match_child that finds nothing for its first `times` calls (the other request had not
    committed when this one matched), then matches for real."""
    real = services.match_child
    calls = {"n": 0}

    def match(**kwargs):
        calls["n"] += 1
        return services.ChildMatch() if calls["n"] <= times else real(**kwargs)

    return mock.patch.object(services, "match_child", side_effect=match), calls


def _record(world, la=None):
    return services.record_child(
        user=world.la_user,
        local_authority=la or world.la,
        nhs_number=NHS,
        context=TEST_CONTEXT,
        **DETAILS,
    )


def test_the_same_la_recording_the_same_child_at_once_gets_the_one_record(world):
    settled = ChildFactory(local_authority=world.la, nhs_number=NHS, **DETAILS)  # B's record, committed
    patch, calls = _blind_first_matches(1)
    with patch:
        child, created = _record(world)
    assert calls["n"] == 2  # the clash made it match again
    assert (child, created) == (settled, False)
    assert ChildOrYoungPerson.objects.filter(nhs_number=NHS).count() == 1


def test_another_la_recording_the_number_first_sends_this_one_to_the_dco_check(world):
    theirs = ChildFactory(local_authority=world.other_la, nhs_number=NHS, **DETAILS)
    patch, _ = _blind_first_matches(1)
    with patch:
        child, created = _record(world)
    assert created and child != theirs and child.awaiting_identity_check
    check = PossibleDuplicate.objects.get(new_record=child)
    assert check.existing == theirs and check.reason == PossibleDuplicate.Reason.NHS_NUMBER_AND_DETAILS


def test_clashing_on_every_attempt_still_records_it_for_the_dco_check_not_an_error(world):
    theirs = ChildFactory(
        local_authority=world.other_la,
        nhs_number=NHS,
        given_name="Ashley",
        **{k: v for k, v in DETAILS.items() if k != "given_name"},
    )
    patch, calls = _blind_first_matches(services.MATCH_ATTEMPTS)
    with patch:
        child, created = _record(world)
    assert calls["n"] == services.MATCH_ATTEMPTS  # every insert met the real constraint
    assert created and child.nhs_number == NHS and child.awaiting_identity_check
    assert child.local_authority == world.la and child.given_name == "Robin"
    check = PossibleDuplicate.objects.get(new_record=child)
    assert check.existing == theirs and check.reason == PossibleDuplicate.Reason.NHS_NUMBER
    assert check.local_authority == world.la and check.is_open
    # The LA sees its own record only; nothing of the other child reaches it.
    visible = ChildOrYoungPerson.objects.visible_to(world.la_user)
    assert child in visible and theirs not in visible

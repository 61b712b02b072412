"""Involvements: who may see a child, written by the advice services, and what is left when one ends
(ADR 0018)."""

import datetime as dt
import importlib
import pathlib
import re

import pytest
from django.apps import apps
from django.http import Http404

from advice import services
from advice.models import Assignment
from advice.testing import make_request, make_world, route
from audit.testing import TEST_CONTEXT
from children.access import get_child_for_user
from children.models import ENDED_INVOLVEMENT_MONTHS, ChildOrYoungPerson, Involvement
from lib.clocks import add_months

pytestmark = pytest.mark.django_db


def _visible(user, child, on=None):
    return ChildOrYoungPerson.objects.visible_to(user, on=on).filter(pk=child.pk).exists()


def _rows(advice_request):
    return {
        (i.organisation_id, i.record_type, i.ended_on is None)
        for i in Involvement.objects.filter(child=advice_request.child)
    }


def test_asking_and_routing_write_the_involvements():
    world = make_world()
    advice_request = make_request(world)
    assert _rows(advice_request) == {(world.la.pk, "advice.advicerequest", True)}
    assert not _visible(world.clinician, advice_request.child)

    (assignment,) = route(world, advice_request, world.team)

    assert _rows(advice_request) == {
        (world.la.pk, "advice.advicerequest", True),
        (world.team.pk, "advice.assignment", True),
    }
    involvement = Involvement.objects.get(organisation=world.team)
    assert (involvement.record_id, involvement.started_on) == (assignment.public_id, assignment.received_on)
    assert involvement.reason == "advice_request"


def test_who_sees_the_child_through_involvements():
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    child = advice_request.child
    sees = {
        "la_user": True,
        "dco": True,  # through the LA's involvement: the LA is in the DCO service's areas
        "dco_admin": True,
        "clinician": True,
        "manager": True,
        "trust_manager": True,  # a trust membership reaches the trust's teams
        "other_clinician": False,  # the same trust's other team was not sent it
        "other_la_user": False,
        "other_dco": False,
        "sysadmin": False,
        "school_staff": False,
        "outsider": False,
    }
    for persona, expected in sees.items():
        assert _visible(getattr(world, persona), child) is expected, persona


def test_a_team_keeps_the_childs_page_for_six_months_after_its_advice_went_to_the_la():
    world = make_world()
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    assignment.refresh_from_db()
    services.decline_not_known(
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        reason="Not known to the service: no referral, checked the records on 3 March.",
        context=TEST_CONTEXT,
    )
    involvement = Involvement.objects.get(organisation=world.team)
    today = dt.date.today()
    assert involvement.ended_on == today
    child = advice_request.child

    assert _visible(world.clinician, child)  # ended today: still open
    last_day = add_months(today, ENDED_INVOLVEMENT_MONTHS)
    assert _visible(world.clinician, child, on=last_day)
    assert not _visible(world.clinician, child, on=last_day + dt.timedelta(days=1))
    # Its own record stays its own: the assignment is still the team's to read.
    assert Assignment.objects.visible_to(world.clinician).filter(pk=assignment.pk).exists()
    # The LA holds the record, so it keeps seeing the child whatever the involvements say.
    assert _visible(world.la_user, child, on=last_day + dt.timedelta(days=1))


def test_after_the_six_months_the_childs_page_is_a_404_to_the_team():
    world = make_world()
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    long_ago = add_months(dt.date.today(), -ENDED_INVOLVEMENT_MONTHS) - dt.timedelta(days=1)
    Involvement.objects.filter(organisation=world.team).update(ended_on=long_ago)

    with pytest.raises(Http404):
        get_child_for_user(world.clinician, advice_request.child.public_id)
    assert get_child_for_user(world.la_user, advice_request.child.public_id) == advice_request.child


def test_cancelling_ends_every_involvement():
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    advice_request.refresh_from_db()
    services.cancel_request(
        user=world.la_user,
        advice_request=advice_request,
        expected_version=advice_request.version,
        reason="The assessment stopped.",
        context=TEST_CONTEXT,
    )
    assert set(Involvement.objects.values_list("ended_on", flat=True)) == {dt.date.today()}


def test_the_migration_back_fills_what_the_services_write():
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    written = set(
        Involvement.objects.values_list(
            "child", "organisation", "reason", "record_type", "record_id", "started_on"
        )
    )
    Involvement.objects.all().delete()
    migration = importlib.import_module("advice.migrations.0008_backfill_involvements")

    migration.backfill(apps, None)

    assert (
        set(
            Involvement.objects.values_list(
                "child", "organisation", "reason", "record_type", "record_id", "started_on"
            )
        )
        == written
    )


FOUNDATION = ("accounts", "audit", "children", "core", "lib")
DOMAIN_APPS = ("advice", "directory", "reporting")


def test_the_foundation_looks_up_no_domain_app_by_name():
    """import-linter (make lint) catches imports; this catches the string look-ups it cannot see."""
    root = pathlib.Path(__file__).resolve().parents[2]
    names = "|".join(DOMAIN_APPS)
    pattern = re.compile(rf"get_model\(\s*[\"']({names})[\"'.]")
    offenders = [
        str(path.relative_to(root))
        for package in FOUNDATION
        for path in (root / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []

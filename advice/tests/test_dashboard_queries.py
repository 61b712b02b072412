"""The dashboard's lists and the H1 timeliness figures, on stored dates."""

import datetime as dt

import pytest

from advice.models import Assignment, TimeLimitException
from advice.testing import make_request, make_world, route
from audit.testing import TEST_CONTEXT

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _assignment(world, received, **changes):
    advice_request = make_request(world, received=received)
    (assignment,) = route(world, advice_request, world.team, received_on=received)
    Assignment.objects.filter(pk=assignment.pk).update(**changes)
    assignment.refresh_from_db()
    return assignment


def test_due_at_risk_overdue_and_awaiting_check():
    world = make_world()
    due_in_3 = _assignment(world, TODAY - dt.timedelta(days=39))
    due_in_20 = _assignment(world, TODAY - dt.timedelta(days=22))
    overdue = _assignment(world, TODAY - dt.timedelta(days=50))
    submitted = _assignment(world, TODAY - dt.timedelta(days=40), status="advice_submitted")
    qs = Assignment.objects.all()
    assert set(qs.due_between(TODAY, TODAY + dt.timedelta(days=6))) == {due_in_3}
    assert set(qs.at_risk(TODAY)) == {due_in_3}
    assert set(qs.at_risk(TODAY, days=21)) == {due_in_3, due_in_20}
    assert set(qs.overdue(TODAY)) == {overdue}
    assert set(qs.awaiting_quality_check()) == {submitted}


def test_timeliness_including_and_excluding_exceptions():
    world = make_world()
    received = dt.date(2025, 1, 6)  # due 17 Feb 2025
    _assignment(world, received, status="released", returned_on=dt.date(2025, 2, 17))  # on time
    _assignment(world, received, status="released", returned_on=dt.date(2025, 2, 10))  # on time
    _assignment(world, received, status="released", returned_on=dt.date(2025, 2, 20))  # late
    excused = _assignment(
        world, received, status="released", returned_on=dt.date(2025, 3, 3)
    )  # late, exception
    TimeLimitException.objects.create(
        assignment=excused,
        code="missed_appointment",
        start_on=dt.date(2025, 1, 20),
        reason="Not brought",
        approved_by=world.dco,
    )
    Assignment.objects.filter(pk=excused.pk).update(has_exception=True)  # as record_exception does
    _assignment(world, received, status="released", returned_on=dt.date(2025, 4, 1))  # outside the period
    figures = Assignment.objects.timeliness_summary(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert figures["returned"] == 4
    assert figures["on_time"] == 2
    assert figures["late"] == 1
    assert figures["late_with_exception"] == 1
    assert figures["share_on_time"] == pytest.approx(0.5)
    assert figures["share_on_time_excluding_exceptions"] == pytest.approx(2 / 3)
    excused.refresh_from_db()
    assert excused.due_on == dt.date(2025, 2, 17)  # the exception did not move the deadline


def test_empty_period():
    figures = Assignment.objects.timeliness_summary(dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    assert figures["returned"] == 0 and figures["share_on_time"] is None


def test_periods():
    from advice.dashboard import periods

    month, quarter, year = periods(dt.date(2026, 2, 14))
    assert (month.start, quarter.start, year.start) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 1, 1),
        dt.date(2025, 4, 1),
    )
    _, quarter, year = periods(dt.date(2026, 11, 23))
    assert (quarter.start, year.start) == (dt.date(2026, 10, 1), dt.date(2026, 4, 1))
    # The names the figures table shows, as every casework dashboard names them.
    assert [p.label for p in periods(dt.date(2026, 2, 14))] == [
        "This month",
        "This quarter",
        "This financial year",
    ]


def test_dashboard_lists_are_scoped_to_the_dcos_areas():
    from advice.dashboard import dashboard_lists
    from advice.services import triage_and_route

    world = make_world()
    mine = _assignment(world, TODAY - dt.timedelta(days=45))  # overdue
    elsewhere_request = make_request(world, la=world.other_la, received=TODAY - dt.timedelta(days=45))
    # The other area's request is overdue with the same team, but this DCO must not see it.
    triage_and_route(
        context=TEST_CONTEXT,
        user=world.other_dco,
        advice_request=elsewhere_request,
        expected_version=1,
        teams=[world.team],
        lawful_basis="legal_obligation",
        received_on=TODAY - dt.timedelta(days=45),
    )
    user = type(world.dco).objects.get(pk=world.dco.pk)
    assert list(dashboard_lists(user, TODAY)["overdue"]) == [mine]

"""A stale page always gets "someone else changed this", with what was typed kept.

For every casework page that changes a record: the person opens the page (and its version), someone
else changes the record meanwhile, usually so that the action is no longer allowed at all (cancelled,
already answered, already released), and the person sends the form. They get the page again as the
record is now, status 409, the conflict banner and everything they typed, never a puzzling "you
cannot do that now" and never a change made on top of one they have not seen. Each service checks
the version before the state; the views share one handler (core.concurrency.service_view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice import services
from advice.models import AdviceRequest, Assignment, EHCNeedsAssessment
from advice.testing import GOOD_ADVICE, GOOD_SCORES, World, make_request, make_world, route
from advice.tests.test_views import advice_post
from audit.testing import TEST_CONTEXT
from core.concurrency import ConcurrentUpdate

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
BANNER = "Someone else changed this since you opened it"


def _days(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _fresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


def _cancel(world: World, advice_request: AdviceRequest) -> None:
    services.cancel_request(
        context=TEST_CONTEXT,
        user=world.la_user,
        advice_request=_fresh(advice_request),
        expected_version=advice_request.version,
        reason="Decided not to assess",
    )


def _submit(world: World, assignment: Assignment) -> None:
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.manager,
        assignment=_fresh(assignment),
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )


@dataclass
class Case:
    """One page: who uses it, what they typed, what someone else does meanwhile."""

    url_name: str
    user: str
    on: str  # "request", "assignment" or "submitted" (an assignment whose advice awaits the check)
    typed: Callable[[AdviceRequest, Assignment], dict[str, Any]]
    meanwhile: Callable[[World, AdviceRequest, Assignment], None]
    kept: str  # text they typed that must be on the conflict page
    unchanged: Callable[[AdviceRequest, Assignment], bool]


CASES = {
    "cancel (already cancelled meanwhile)": Case(
        "advice:request-cancel",
        "la_user",
        "request",
        lambda r, a: {"version": r.version, "reason": "Typed: family moved away"},
        lambda w, r, a: _cancel(w, r),
        "Typed: family moved away",
        lambda r, a: _fresh(r).cancelled_reason == "Decided not to assess",
    ),
    "clock start (changed meanwhile)": Case(
        "advice:request-clock",
        "la_user",
        "request",
        lambda r, a: {
            "version": r.assessment.version,
            "clock_start_type": EHCNeedsAssessment.ClockStart.S36_REQUEST,
            **_days("clock_start_date", TODAY - dt.timedelta(days=50)),
            "reason": "Typed: received earlier than logged",
        },
        lambda w, r, a: services.change_assessment_clock(
            context=TEST_CONTEXT,
            user=w.la_user,
            assessment=r.assessment,
            expected_version=r.assessment.version,
            clock_start_type=EHCNeedsAssessment.ClockStart.S24_BECAME_RESPONSIBLE,
            clock_start_date=TODAY - dt.timedelta(days=20),
            reason="Moved into the area",
        ),
        "Typed: received earlier than logged",
        lambda r, a: _fresh(r.assessment).clock_start_date == TODAY - dt.timedelta(days=20),
    ),
    "route (cancelled meanwhile)": Case(
        "advice:request-route",
        "dco",
        "request",
        lambda r, a: {
            "version": r.version,
            f"teams_{a.team.parent_id}": [a.team.pk],
            **_days("received_on", TODAY),
            "triage_notes": "Typed: careful triage notes",
            "lawful_basis": "legal_obligation",
        },
        lambda w, r, a: _cancel(w, r),
        "Typed: careful triage notes",
        lambda r, a: _fresh(r).status == AdviceRequest.Status.CANCELLED,
    ),
    "accept (answered not known meanwhile)": Case(
        "advice:assignment-accept",
        "clinician",
        "assignment",
        lambda r, a: {"version": a.version},
        lambda w, r, a: services.decline_not_known(
            context=TEST_CONTEXT,
            user=w.manager,
            assignment=_fresh(a),
            expected_version=a.version,
            reason="Not known to the service; assessment offered.",
        ),
        "Not known to this service",
        lambda r, a: _fresh(a).status == Assignment.Status.NOT_KNOWN,
    ),
    "not known (advice submitted meanwhile)": Case(
        "advice:assignment-not-known",
        "clinician",
        "assignment",
        lambda r, a: {"version": a.version, "reason": "Typed: never seen by this service, referred on"},
        lambda w, r, a: _submit(w, a),
        "Typed: never seen by this service, referred on",
        lambda r, a: _fresh(a).status == Assignment.Status.ADVICE_SUBMITTED,
    ),
    "advice (cancelled meanwhile)": Case(
        "advice:assignment-advice",
        "clinician",
        "assignment",
        lambda r, a: advice_post(a, author_registration_number="SL-TYPED-99"),
        lambda w, r, a: _cancel(w, r),
        "SL-TYPED-99",
        lambda r, a: not _fresh(a).advice.exists(),
    ),
    "quality check (released meanwhile)": Case(
        "advice:assignment-quality-check",
        "dco",
        "submitted",
        lambda r, a: {"version": a.version, "score_Q1": "1", "decision": "rework", "comments": "Typed: Q1"},
        lambda w, r, a: services.release_advice(
            context=TEST_CONTEXT,
            user=w.dco_admin,
            assignment=_fresh(a),
            expected_version=a.version,
            scores=GOOD_SCORES,
        ),
        "Typed: Q1",
        lambda r, a: _fresh(a).quality_checks.count() == 1,
    ),
    "exception (accepted meanwhile)": Case(
        "advice:assignment-exception",
        "clinician",
        "assignment",
        lambda r, a: {
            "version": a.version,
            "code": "missed_appointment",
            **_days("start_on", TODAY),
            "reason": "Typed: not brought to the clinic",
        },
        lambda w, r, a: services.accept_assignment(
            context=TEST_CONTEXT, user=w.manager, assignment=_fresh(a), expected_version=a.version
        ),
        "Typed: not brought to the clinic",
        lambda r, a: not _fresh(a).exceptions.exists(),
    ),
}


@pytest.fixture
def world():
    return make_world()


def _setup(world: World, case: Case) -> tuple[AdviceRequest, Assignment, str]:
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    if case.on == "submitted":
        _submit(world, assignment)
    advice_request.refresh_from_db()
    assignment.refresh_from_db()
    target = advice_request if case.on == "request" else assignment
    return advice_request, assignment, reverse(case.url_name, args=[target.public_id])


@pytest.mark.parametrize("name", CASES)
def test_a_stale_page_gets_the_conflict_page_with_what_was_typed(world, name):
    case = CASES[name]
    advice_request, assignment, url = _setup(world, case)
    typed = case.typed(advice_request, assignment)
    if case.url_name == "advice:assignment-exception":
        typed["approved_by"] = world.dco.pk
    case.meanwhile(world, advice_request, assignment)

    response = sign_in(Client(), getattr(world, case.user)).post(url, typed)

    page = response.content.decode()
    assert response.status_code == 409, page[:2000]
    assert BANNER in page
    assert case.kept in page
    assert case.unchanged(advice_request, assignment)  # nothing was done on top of the other change


@pytest.mark.parametrize(
    "name",
    ["cancel (already cancelled meanwhile)", "route (cancelled meanwhile)", "advice (cancelled meanwhile)"],
)
def test_the_conflict_page_carries_the_version_now_and_sending_again_is_judged_on_the_state(world, name):
    """The page now carries the latest version: sending again is a deliberate choice, and is then
    refused (or done) for what the record is now, in plain words."""
    case = CASES[name]
    advice_request, assignment, url = _setup(world, case)
    typed = case.typed(advice_request, assignment)
    case.meanwhile(world, advice_request, assignment)
    client = sign_in(Client(), getattr(world, case.user))
    first = client.post(url, typed)
    assert first.status_code == 409
    target = _fresh(advice_request if case.on == "request" else assignment)
    assert f'name="version" value="{target.version}"' in first.content.decode()

    again = client.post(url, {**typed, "version": target.version})

    assert again.status_code in (200, 302)
    if again.status_code == 200:
        assert BANNER not in again.content.decode()
        assert "cancel" in again.content.decode().lower()


def test_a_service_checks_the_version_before_the_state(world):
    """Stale and in the wrong state: ConcurrentUpdate, not InvalidTransition."""
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    stale = assignment.version
    _cancel(world, advice_request)
    with pytest.raises(ConcurrentUpdate):
        services.accept_assignment(
            context=TEST_CONTEXT, user=world.clinician, assignment=assignment, expected_version=stale
        )
    with pytest.raises(services.InvalidTransition):
        services.accept_assignment(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=assignment,
            expected_version=_fresh(assignment).version,
        )

"""The LA's two amendments to its request: cancel it (reason required, stale page told) and correct
the assessment's clock start (LA dates recomputed and shown). Who may use them: the requesting LA's
caseworkers only; everyone else 404; signed out -> sign in. Both are in the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from advice.models import AdviceRequest, Assignment
from advice.testing import make_request, make_world, route
from audit.models import AuditEvent
from lib import clocks

pytestmark = pytest.mark.django_db

PERSONAS = [
    "la_user",
    "dco",
    "dco_admin",
    "clinician",
    "manager",
    "trust_manager",
    "other_la_user",
    "other_dco",
    "other_clinician",
    "sysadmin",
    "school_staff",
    "outsider",
]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def advice_request(world):
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    advice_request.refresh_from_db()
    return advice_request


def urls(advice_request) -> list[str]:
    return [
        reverse(name, args=[advice_request.public_id])
        for name in ("advice:request-cancel", "advice:request-clock", "advice:request-clock-changed")
    ]


def date_data(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def test_amendment_pages_by_role(world, advice_request):
    for persona in PERSONAS:
        client = sign_in(Client(), getattr(world, persona))
        for url in urls(advice_request):
            assert client.get(url).status_code == (200 if persona == "la_user" else 404), (persona, url)
        if persona != "la_user":
            response = client.post(urls(advice_request)[0], {"version": "1", "reason": "No longer needed"})
            assert response.status_code == 404
    advice_request.refresh_from_db()
    assert advice_request.status != AdviceRequest.Status.CANCELLED
    for url in urls(advice_request):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_request_page_links_for_the_la_only(world, advice_request):
    detail = reverse("advice:request-detail", args=[advice_request.public_id])
    cancel, clock, _ = urls(advice_request)
    page = sign_in(Client(), world.la_user).get(detail).content.decode()
    assert cancel in page and clock in page
    page = sign_in(Client(), world.dco).get(detail).content.decode()
    assert cancel not in page and clock not in page


def test_cancel(world, advice_request):
    client = sign_in(Client(), world.la_user)
    cancel = urls(advice_request)[0]
    page = client.post(cancel, {"version": str(advice_request.version), "reason": "  "}).content.decode()
    assert "Say why the request is cancelled" in page and "<title>Error: " in page
    response = client.post(
        cancel, {"version": str(advice_request.version), "reason": "LA decided not to assess"}
    )
    assert response.status_code == 302
    advice_request.refresh_from_db()
    assert advice_request.status == AdviceRequest.Status.CANCELLED
    assert advice_request.cancelled_reason == "LA decided not to assess"
    assert not advice_request.assignments.exclude(status=Assignment.Status.CANCELLED).exists()
    page = client.get(reverse("advice:request-detail", args=[advice_request.public_id])).content.decode()
    assert "Cancelled by the LA: LA decided not to assess" in page and cancel not in page
    assert AuditEvent.objects.filter(action="change", user=world.la_user, detail="cancelled").exists()
    # Finished: the page sends them back to the request.
    assert client.get(cancel).status_code == 302


def test_cancel_on_a_stale_page_is_told_and_keeps_the_reason(world, advice_request):
    client = sign_in(Client(), world.la_user)
    seen = advice_request.version
    route(world, advice_request, world.other_team)  # the DCO changes it meanwhile
    response = client.post(urls(advice_request)[0], {"version": str(seen), "reason": "Typed reason"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in page and "Typed reason" in page
    advice_request.refresh_from_db()
    assert advice_request.status != AdviceRequest.Status.CANCELLED
    # Sending again with the version now on the form works.
    response = client.post(
        urls(advice_request)[0], {"version": str(advice_request.version), "reason": "Typed reason"}
    )
    assert response.status_code == 302


def test_change_clock_start(world, advice_request):
    client = sign_in(Client(), world.la_user)
    _, clock, changed = urls(advice_request)
    due_before = advice_request.due_on
    start = timezone.localdate() - dt.timedelta(days=40)
    version = advice_request.assessment.version
    page = client.post(
        clock,
        {
            "version": version,
            "clock_start_type": "s24_became_responsible",
            **date_data("clock_start_date", start),
            "reason": "",
        },
    ).content.decode()
    assert "Say why the clock start is changing" in page and 'value="s24_became_responsible" checked' in page
    response = client.post(
        clock,
        {
            "version": version,
            "clock_start_type": "s24_became_responsible",
            **date_data("clock_start_date", start),
            "reason": "Received earlier than first logged",
        },
    )
    assert response.status_code == 302 and response["Location"] == changed
    assessment = AdviceRequest.objects.get(pk=advice_request.pk).assessment
    expected = clocks.assessment_dates(start)
    assert assessment.clock_start_date == start and assessment.clock_start_type == "s24_became_responsible"
    assert (assessment.decision_due, assessment.no_plan_notice_due, assessment.final_plan_due) == (
        expected.decision_due,
        expected.no_plan_notice_due,
        expected.final_plan_due,
    )
    page = client.get(changed).content.decode()
    for day in (expected.decision_due, expected.no_plan_notice_due, expected.final_plan_due):
        assert f"{day.day} {day:%B %Y}" in page
    advice_request.refresh_from_db()
    assert advice_request.due_on == due_before  # health's 6 weeks do not move
    # The service records why, with what changed, in the same event as the change.
    (change,) = AuditEvent.objects.filter(
        user=world.la_user, action="change", object_type="advice.EHCNeedsAssessment"
    )
    assert change.detail.startswith("clock start changed from ")
    assert change.detail.endswith(
        f"to LA became responsible for the child (CFA 2014 s24), {start:%-d %B %Y}; reason: Received earlier than first logged"
    )


def test_clock_start_in_the_future_is_refused(world, advice_request):
    client = sign_in(Client(), world.la_user)
    clock = urls(advice_request)[1]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = client.post(
        clock,
        {"clock_start_type": "s36_request", **date_data("clock_start_date", tomorrow), "reason": "Typo"},
    ).content.decode()
    assert "must be today or in the past" in page

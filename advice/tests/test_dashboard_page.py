"""The DCO dashboard page, the team inbox and the LA list: figures, filters, sorting, CSV export (audited),
and query counts that do not grow with the data (5 requests vs 50)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.testing import sign_in
from advice.models import AdviceRequest, Assignment
from advice.testing import make_world
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children.testing import ChildFactory
from lib import clocks

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def bulk_requests(world, count: int, *, start: int = 0) -> None:
    """`count` requests, each routed to one team, in a mix of states (quick: bulk_create)."""
    from advice.models import EHCNeedsAssessment

    children = ChildFactory.create_batch(count, local_authority=world.la)
    assessments = EHCNeedsAssessment.objects.bulk_create(
        EHCNeedsAssessment(
            child=child,
            local_authority=world.la,
            request_received_on=TODAY - dt.timedelta(days=60),
            clock_start_type="s36_request",
            clock_start_date=TODAY - dt.timedelta(days=60),
            decision_due=TODAY,
            no_plan_notice_due=TODAY + dt.timedelta(days=40),
            final_plan_due=TODAY + dt.timedelta(days=70),
        )
        for child in children
    )
    requests = AdviceRequest.objects.bulk_create(
        AdviceRequest(
            reference=f"HB{start + i:07d}",
            assessment=assessment,
            child=assessment.child,
            local_authority=world.la,
            questions="Q",
            sent_on=TODAY - dt.timedelta(days=70 - (i * 13) % 70),
            received_by_health=TODAY - dt.timedelta(days=70 - (i * 13) % 70),
            due_on=clocks.health_advice_due(TODAY - dt.timedelta(days=70 - (i * 13) % 70)),
            status=AdviceRequest.Status.ROUTED,
        )
        for i, assessment in enumerate(assessments)
    )
    statuses = ["routed", "accepted", "advice_submitted", "released", "not_known"]
    rows = []
    for i, advice_request in enumerate(requests):
        received = advice_request.received_by_health
        status = statuses[i % len(statuses)]
        returned = (
            received + dt.timedelta(days=30 + (i % 20)) if status in ("released", "not_known") else None
        )
        if returned and returned > TODAY:
            returned = TODAY
        rows.append(
            Assignment(
                advice_request=advice_request,
                team=world.team if i % 2 else world.other_team,
                local_authority=world.la,
                status=status,
                received_on=received,
                due_on=clocks.health_advice_due(received),
                returned_on=returned,
                has_exception=i % 7 == 0,
            )
        )
    Assignment.objects.bulk_create(rows)


def client_for(user) -> Client:
    return sign_in(Client(), user)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no cached reach: count every query a real request makes


def test_dashboard_query_count_does_not_grow(django_assert_max_num_queries):
    world = make_world()
    bulk_requests(world, 5)
    client = client_for(world.dco)
    url = reverse("advice:dashboard") + "?list=overdue&sort=reference"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure the figures' queries too, not a cached copy
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_requests(world, 45, start=100)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    # 4 list counts, triage count and H1 figures came from the cache (and the staff banner's checks may too)
    assert len(cached) <= len(large) - 6
    # session, user, 2FA, reach, filters, figures, list, and one COUNT for each staff navigation entry that
    # shows what waits (triage; section 23 notifications and concerns; enquiries)
    with django_assert_max_num_queries(25):
        client.get(reverse("advice:dashboard") + "?list=quality-check")


@pytest.mark.parametrize(
    ("name", "persona"),
    [("advice:team-inbox", "clinician"), ("advice:la-requests", "la_user"), ("advice:triage", "dco")],
)
def test_lists_query_count_does_not_grow(name, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world()
    bulk_requests(world, 5)
    AdviceRequest.objects.filter(pk__in=AdviceRequest.objects.values("pk")[:3]).update(status="submitted")
    client = client_for(getattr(world, persona))
    url = reverse(name) + ("?show=all" if persona == "clinician" else "")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    bulk_requests(world, 45, start=100)
    AdviceRequest.objects.filter(reference__startswith="HB00001").update(status="submitted")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_figures_include_and_exclude_exceptions():
    world = make_world()
    bulk_requests(world, 30)
    from advice.dashboard import timeliness

    figures = {t.period: t for t in timeliness(fresh(world.dco), today=TODAY)}
    returned = Assignment.objects.filter(returned_on__gte=figures["year"].since, returned_on__lte=TODAY)
    on_time = [a for a in returned if clocks.returned_on_time(due=a.due_on, returned_on=a.returned_on)]
    assert figures["year"].including.whole == len(returned)
    assert figures["year"].including.part == len(on_time)
    without = [a for a in returned if not a.has_exception]
    assert figures["year"].excluding.whole == len(without)
    assert figures["year"].excluding.part == len([a for a in on_time if not a.has_exception])
    # The other area's DCO sees none of it.
    assert all(t.including.whole == 0 for t in timeliness(fresh(world.other_dco), today=TODAY))


def test_filters_and_sorting():
    world = make_world()
    bulk_requests(world, 20)
    client = client_for(world.dco)
    page = client.get(
        reverse("advice:dashboard"),
        {"list": "overdue", "team": str(world.team.public_id), "sort": "reference"},
    ).content.decode()
    overdue = Assignment.objects.filter(
        team=world.team, status__in=Assignment.OPEN_STATUSES, due_on__lt=TODAY
    )
    references = sorted(overdue.values_list("advice_request__reference", flat=True))
    assert references, "the data should have overdue rows"
    positions = [page.index(ref) for ref in references]
    assert positions == sorted(positions)
    other = Assignment.objects.filter(
        team=world.other_team, status__in=Assignment.OPEN_STATUSES, due_on__lt=TODAY
    )
    for ref in other.values_list("advice_request__reference", flat=True):
        assert f">{ref}<" not in page


def test_csv_export_content_and_audit():
    world = make_world()
    bulk_requests(world, 20)
    response = client_for(world.dco).get(
        reverse("advice:dashboard-csv", args=["overdue"]), {"sort": "-due", "status": "routed"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["reference", "local authority", "team"]  # as the page: no names
    expected = Assignment.objects.filter(status="routed", due_on__lt=TODAY).order_by("-due_on")
    assert [r[0] for r in rows[1:]] == list(
        expected.order_by("-due_on", "advice_request__reference").values_list(
            "advice_request__reference", flat=True
        )
    )
    assert all(r[3] == "Awaiting acceptance" and int(r[6]) < 0 for r in rows[1:])
    event = AuditEvent.objects.get(action="export", user=world.dco)
    assert "Overdue" in event.detail and "status=routed" in event.detail and "(no names)" in event.detail
    names = {a.advice_request.child.full_name for a in expected.select_related("advice_request__child")}
    text = "\n".join(",".join(r) for r in rows)
    assert names and not any(name in text for name in names)


def test_export_with_names_asks_why_logs_the_reason_then_downloads():
    world = make_world()
    bulk_requests(world, 20)
    client = client_for(world.dco)
    url = reverse("advice:dashboard-csv-with-names", args=["overdue"])
    page = client.get(url, {"status": "routed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Why do you need the children&#39;s names in this export?" in html
    # no reason: the question again, with the error named, and nothing exported or logged
    response = client.post(f"{url}?status=routed", {"reason": ""})
    assert (
        response.status_code == 200
        and "Enter why you need the children&#39;s names" in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="export", user=world.dco).exists()
    reason = "Checking overdue cases with the LA SEN team at today's meeting"
    response = client.post(f"{url}?status=routed", {"reason": reason})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "with-names" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["reference", "child", "local authority"]
    expected = Assignment.objects.filter(status="routed", due_on__lt=TODAY).select_related(
        "advice_request__child"
    )
    by_reference = {a.advice_request.reference: a.advice_request.child.full_name for a in expected}
    assert {r[0]: r[1] for r in rows[1:]} == by_reference
    event = AuditEvent.objects.get(action="export", user=world.dco)
    assert "with children's names" in event.detail and f"Reason: {reason}" in event.detail
    assert "status=routed" in event.detail
    # each named child is in the access log as shown to this DCO
    shown = set(
        AuditEvent.objects.filter(action="view", user=world.dco).values_list("child_public_id", flat=True)
    )
    assert {a.advice_request.child.public_id for a in expected} <= shown


def test_export_with_names_is_for_the_areas_dco_only():
    world = make_world()
    bulk_requests(world, 5)
    url = reverse("advice:dashboard-csv-with-names", args=["overdue"])
    reason = {"reason": "Checking overdue cases with the LA SEN team"}
    assert client_for(world.la_user).get(url).status_code == 404
    assert client_for(world.la_user).post(url, reason).status_code == 404
    response = client_for(world.other_dco).post(url, reason)
    assert b"".join(response.streaming_content).decode().count("\n") == 1  # the header only
    assert (
        client_for(world.dco).get(reverse("advice:dashboard-csv-with-names", args=["nonsense"])).status_code
        == 404
    )


def test_csv_export_is_scoped_and_guarded():
    world = make_world()
    bulk_requests(world, 10)
    assert client_for(world.la_user).get(reverse("advice:dashboard-csv", args=["overdue"])).status_code == 404
    response = client_for(world.other_dco).get(reverse("advice:dashboard-csv", args=["overdue"]))
    assert b"".join(response.streaming_content).decode().count("\n") == 1  # the header only
    assert client_for(world.dco).get(reverse("advice:dashboard-csv", args=["nonsense"])).status_code == 404


def test_figures_follow_changes_at_once():
    """The cached figures are keyed on the area's last change: releasing advice shows immediately."""
    from advice import services
    from advice.testing import GOOD_ADVICE, GOOD_SCORES, make_request, route

    world = make_world()
    client = client_for(world.dco)
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    first = client.get(reverse("advice:dashboard")).content.decode()
    assert "None returned" in first
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )
    assignment.refresh_from_db()
    services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
    )
    page = client.get(reverse("advice:dashboard")).content.decode()
    assert "100%</strong> (1 of 1)" in page


@pytest.mark.parametrize("sort", ["due", "-due", "received", "reference"])
def test_pages_cover_the_list_exactly_once(sort):
    from advice.dashboard import page_ids, work_list

    world = make_world()
    bulk_requests(world, 140)
    user = fresh(world.dco)
    rows = work_list(user, "overdue", today=TODAY, sort=sort)
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) > 15
    paged = [
        pk for offset in range(0, len(expected) + 10, 10) for pk in page_ids(rows, offset=offset, limit=10)
    ]
    assert paged == expected

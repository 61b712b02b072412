"""The shared figures page (casework/views.py): one access rule for the page and its CSV, the period
from the query, and the CSV written to the access log as an export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.testing import make_user
from audit.models import AuditEvent
from casework.dashboard import Period
from casework.views import PeriodDashboard

pytestmark = pytest.mark.django_db


def _dashboard(allowed: set[Any], shown: list[Any]) -> PeriodDashboard:
    def require(user: Any) -> None:
        if user not in allowed:
            raise Http404

    def render(request: Any, template: str, context: dict[str, Any]) -> HttpResponse:
        shown.append((template, context))
        return HttpResponse("page")

    return PeriodDashboard(
        require=require,
        template="things/dashboard.html",
        figures=lambda user, period: {"total": 3, "period": period},
        csv_header=["Item", "Count"],
        csv_rows=lambda user, period: [["Total", 3], ["=cmd", 1]],
        name="things",
        file_name="things",
        render=render,
    )


def _get(user: Any, query: str = "") -> Any:
    request = RequestFactory().get("/things/dashboard/" + query)
    request.user = user
    return request


def test_the_page_and_its_csv_ask_the_same_rule_and_only_the_csv_is_logged():
    allowed, stranger = make_user(), make_user()
    shown: list[Any] = []
    dashboard = _dashboard({allowed}, shown)
    for serve in (dashboard.page, dashboard.csv):
        with pytest.raises(Http404):
            serve(_get(stranger))
    assert not shown and not AuditEvent.objects.filter(action="export").exists()

    dashboard.page(_get(allowed, "?period=custom&from=2026-01-05&to=nonsense"))
    template, context = shown[0]
    assert template == "things/dashboard.html" and context["page_has_errors"]
    assert set(context["period_errors"]) == {"to"} and context["period"].key == "year"

    response = dashboard.csv(_get(allowed, "?period=custom&from=2026-01-05&to=2026-02-06"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["Item,Count", "Total,3", "'=cmd,1"]
    assert response["Content-Disposition"] == 'attachment; filename="things-2026-01-05-to-2026-02-06.csv"'
    event = AuditEvent.objects.get(action="export")
    assert event.detail == "things dashboard CSV 2026-01-05 to 2026-02-06"


def test_the_page_counts_the_chosen_period():
    user = make_user()
    shown: list[Any] = []
    _dashboard({user}, shown).page(_get(user, "?period=month"))
    period: Period = shown[0][1]["figures"]["period"]
    assert period.start == timezone.localdate().replace(day=1) and period.end == timezone.localdate()
    assert isinstance(period.start, dt.date)

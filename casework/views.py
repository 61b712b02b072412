"""View code every kind of case shares. The figures page: a kind of case's dashboard for a period the
person chooses, and the same figures as CSV.

    DASHBOARD = PeriodDashboard(
        require=access.require_dco,              # who may see the page and its CSV (else 404)
        template="enquiries/dashboard.html",
        figures=figures_of.figures,              # (user, period) -> what the page shows
        csv_header=figures_of.CSV_HEADER,
        csv_rows=lambda user, period: ...,       # (user, period) -> the CSV's rows
        name="enquiries",                        # the access log says "enquiries dashboard CSV ..."
        file_name="enquiries",                   # enquiries-2026-04-01-to-2026-11-29.csv
        render=_render,                          # the app's page renderer
    )

    def dashboard(request):  return DASHBOARD.page(request)
    def dashboard_csv(request):  return DASHBOARD.csv(request)

The app's views keep their decorators (sign-in, GET only, shows no children) and their docstrings say
who may see them; the app's dashboard module decides what to count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from audit.services import record_access
from casework.dashboard import PRESETS, Period, csv_response, period_from


@dataclass(frozen=True)
class PeriodDashboard:
    """A kind of case's figures for a chosen period: the page, and its CSV written to the access log
    as an export. Both ask the same access rule first."""

    require: Callable[[Any], object]
    template: str
    figures: Callable[[Any, Period], Any]
    csv_header: Sequence[str]
    csv_rows: Callable[[Any, Period], Iterable[Sequence[Any]]]
    name: str
    file_name: str
    render: Callable[[HttpRequest, str, dict[str, Any]], HttpResponse]

    def page(self, request: HttpRequest) -> HttpResponse:
        """The figures for the period the query chooses; dates that cannot be used are shown as errors
        next to their fields, with this financial year's figures meanwhile."""
        self.require(request.user)
        period, errors = period_from(request.GET, timezone.localdate())
        return self.render(
            request,
            self.template,
            {
                "period": period,
                "period_errors": errors,
                "presets": PRESETS,
                "figures": self.figures(request.user, period),
                "query": request.GET,
                "page_has_errors": bool(errors),
            },
        )

    def csv(self, request: HttpRequest) -> StreamingHttpResponse:
        """The period's figures as CSV, recorded in the access log as an export."""
        self.require(request.user)
        period, _ = period_from(request.GET, timezone.localdate())
        dates = f"{period.start.isoformat()} to {period.end.isoformat()}"
        record_access(
            user=request.user,
            action="export",
            obj=None,
            request=request,
            detail=f"{self.name} dashboard CSV {dates}",
        )
        return csv_response(
            f"{self.file_name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv",
            self.csv_header,
            self.csv_rows(request.user, period),
        )

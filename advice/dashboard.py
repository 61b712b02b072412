"""What the DCO dashboard shows: reads only (the caller records the view in the audit log).

Lists: due this week, at risk, overdue, awaiting quality check; figures: the share of advice returned
within 6 weeks (SEND Regs reg 8) this month, quarter and financial year, including and excluding
reg 8(2) exception cases. Everything is scoped to the user's reach and filters on stored dates, so the
number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery

from accounts.access import reach_for
from accounts.models import Organisation
from advice.models import AdviceRequest, Assignment
from casework.dashboard import Period, Share, preset
from lib import clocks

LISTS = ("due_this_week", "at_risk", "overdue", "awaiting_quality_check")


TIMELINESS_PERIODS = ("month", "quarter", "year")


def periods(today: dt.date) -> list[Period]:
    """This month, this quarter (April-June, July-September, October-December, January-March) and
    this NHS financial year (from 1 April), each up to today: casework's presets, as every dashboard
    names them."""
    return [preset(key, today) for key in TIMELINESS_PERIODS]


def dashboard_lists(
    user: Any, today: dt.date, *, at_risk_days: int = clocks.DEFAULT_AT_RISK_DAYS
) -> dict[str, Any]:
    """The four lists as QuerySets (unevaluated: the page filters, sorts, paginates or exports them)."""
    base = (
        Assignment.objects.visible_to(user)
        .select_related("advice_request", "advice_request__child", "advice_request__local_authority", "team")
        .order_by("due_on", "pk")
    )
    week_end = today + dt.timedelta(days=6 - today.weekday())  # to Sunday
    return {
        "due_this_week": base.due_between(today, week_end),
        "at_risk": base.at_risk(today, days=at_risk_days),
        "overdue": base.overdue(today),
        "awaiting_quality_check": base.awaiting_quality_check(),
    }


# --- the dashboard page: one list at a time, filtered and sorted in SQL; figures in one query each ---

AT_RISK_DAYS = clocks.DEFAULT_AT_RISK_DAYS


@dataclass(frozen=True)
class WorkList:
    slug: str
    key: str  # the name in dashboard_lists()
    title: str
    description: str


WORK_LISTS: dict[str, WorkList] = {
    item.slug: item
    for item in (
        WorkList(
            "due-this-week", "due_this_week", "Due this week", "With a team and due between today and Sunday."
        ),
        WorkList(
            "at-risk",
            "at_risk",
            "At risk",
            f"With a team and due in the next {AT_RISK_DAYS} days (today included).",
        ),
        WorkList("overdue", "overdue", "Overdue", "With a team and past the 6-week due date."),
        WorkList(
            "quality-check",
            "awaiting_quality_check",
            "Awaiting quality check",
            "Advice submitted by a team, waiting for the DCO.",
        ),
    )
}

# References are "HA" + the request's id zero-padded, so ordering by advice_request_id is ordering by
# reference, without joining the request table before the LIMIT (a sequential scan at national scale).
SORTS = {
    "due": ("due_on", "advice_request_id", "pk"),
    "-due": ("-due_on", "advice_request_id", "pk"),
    "received": ("received_on", "advice_request_id", "pk"),
    "-received": ("-received_on", "advice_request_id", "pk"),
    "reference": ("advice_request_id", "team__name"),
}


def _condition(key: str, today: dt.date) -> Q:
    """The same rules as the QuerySet methods behind dashboard_lists(), as Q objects for one aggregate."""
    open_ = Q(status__in=Assignment.OPEN_STATUSES)
    if key == "due_this_week":
        return open_ & Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=6 - today.weekday()))
    if key == "at_risk":
        return open_ & Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=AT_RISK_DAYS))
    if key == "overdue":
        return open_ & Q(due_on__lt=today)
    if key == "awaiting_quality_check":
        return Q(status=Assignment.Status.ADVICE_SUBMITTED)
    raise KeyError(key)


def dco_scope(user: Any) -> QuerySet[Assignment]:
    """What the DCO dashboard counts: visible assignments on requests from the LAs in the user's DCO
    areas (a DCO who is also a clinician does not see their team's other areas here)."""
    return Assignment.objects.visible_to(user).filter(local_authority_id__in=reach_for(user).dco_area_ids)


def work_list(
    user: Any,
    slug: str,
    *,
    today: dt.date,
    la: str = "",
    team: str = "",
    status: str = "",
    sort: str = "due",
) -> QuerySet[Assignment]:
    """One dashboard list, filtered (LA, team, status by public id / value) and sorted in SQL."""
    rows = dco_scope(user).filter(_condition(WORK_LISTS[slug].key, today))
    if la:
        rows = rows.filter(local_authority__public_id=la)
    if team:
        rows = rows.filter(team__public_id=team)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("advice_request", "local_authority", "advice_request__child", "team").order_by(
        *SORTS.get(sort, SORTS["due"])
    )


def list_counts(user: Any, *, today: dt.date) -> dict[str, int]:
    """How many rows each list has, keyed by slug: one COUNT per list (four queries, whatever the
    size), each an index-only range scan on (local_authority, status, due_on). One aggregate with
    FILTERs would read every live row from the table instead (70 ms against 10 ms at 500,000)."""
    scope = dco_scope(user)
    return {slug: scope.filter(_condition(item.key, today)).count() for slug, item in WORK_LISTS.items()}


def awaiting_triage(user: Any) -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.visible_to(user).filter(
        local_authority_id__in=reach_for(user).dco_area_ids, status=AdviceRequest.Status.SUBMITTED
    )


def triage_count(user: Any) -> int:
    """How many requests wait for triage (the header's "Triage (3)"): one COUNT, none without areas."""
    if not reach_for(user).dco_area_ids:
        return 0
    return awaiting_triage(user).count()


@dataclass(frozen=True)
class Timeliness:
    """One period's KPI H1: of the advice returned (`whole`), how much on time (`part`)."""

    period: str
    name: str
    since: dt.date
    including: Share
    excluding: Share

    @property
    def exception_cases(self) -> int:
        return self.including.whole - self.excluding.whole


def timeliness(user: Any, *, today: dt.date) -> list[Timeliness]:
    """KPI H1 for this month, quarter and financial year in ONE query (Assignment.timeliness_summary
    does one period per query): on time is returned_on <= due_on (lib.clocks.returned_on_time);
    "excluding" leaves out cases with a reg 8(2) exception (the stored `has_exception` flag), from
    both the count and the on-time count."""
    spans = periods(today)
    on_time = Q(returned_on__lte=F("due_on"))
    no_exception = Q(has_exception=False)
    aggregates: dict[str, Any] = {}
    for span in spans:
        inside = Q(returned_on__gte=span.start, returned_on__lte=span.end)
        aggregates[f"{span.key}_all"] = Count("pk", filter=inside)
        aggregates[f"{span.key}_all_on_time"] = Count("pk", filter=inside & on_time)
        aggregates[f"{span.key}_ex"] = Count("pk", filter=inside & no_exception)
        aggregates[f"{span.key}_ex_on_time"] = Count("pk", filter=inside & no_exception & on_time)
    figures = (
        dco_scope(user)
        .filter(returned_on__gte=min(s.start for s in spans), returned_on__lte=today)
        .aggregate(**aggregates)
    )
    return [
        Timeliness(
            period=span.key,
            name=span.label,
            since=span.start,
            including=Share(part=figures[f"{span.key}_all_on_time"], whole=figures[f"{span.key}_all"]),
            excluding=Share(part=figures[f"{span.key}_ex_on_time"], whole=figures[f"{span.key}_ex"]),
        )
        for span in spans
    ]


def days_left(due: dt.date, today: dt.date) -> int:
    return (due - today).days


# The columns the page shows: no child's name, NHS number or date of birth. "Export with names" adds
# the child's name after the reference, asked for with a reason that the access log keeps.
CSV_HEADER = [
    "reference",
    "local authority",
    "team",
    "status",
    "received by team",
    "due (reg 8)",
    "days left",
    "returned",
]


CSV_HEADER_WITH_NAMES = [CSV_HEADER[0], "child", *CSV_HEADER[1:]]


def csv_row(assignment: Assignment, today: dt.date, *, with_names: bool = False) -> list[str]:
    advice_request = assignment.advice_request
    row = [
        advice_request.reference,
        assignment.local_authority.name,
        assignment.team.name,
        assignment.get_status_display(),
        assignment.received_on.isoformat(),
        assignment.due_on.isoformat(),
        str(days_left(assignment.due_on, today)),
        assignment.returned_on.isoformat() if assignment.returned_on else "",
    ]
    if with_names:
        row.insert(1, advice_request.child.full_name)
    return row


# --- figures, cached until the casework changes ------------------------------------------------------

FIGURES_TTL = 600  # seconds; a change to any request in the area also makes a new key at once


def last_change(user: Any) -> str:
    """When any request in the user's DCO areas last changed (one query: one index probe per LA on
    (local_authority, updated_at)). Every service that changes a request or its assignments sets the
    request's `updated_at`, so this moves whenever a figure or a count could."""
    latest = (
        Organisation.objects.filter(pk__in=reach_for(user).dco_area_ids)
        .annotate(
            last=Subquery(
                AdviceRequest.objects.filter(local_authority_id=OuterRef("pk"))
                .order_by("-updated_at")
                .values("updated_at")[:1]
            )
        )
        .aggregate(latest=Max("last"))["latest"]
    )
    return latest.isoformat() if latest else "none"


@dataclass(frozen=True)
class Figures:
    counts: dict[str, int]
    triage_count: int
    timeliness: list[Timeliness]


def figures(user: Any, *, today: dt.date) -> Figures:
    """The dashboard's counts and KPI H1 figures. At national scale the H1 aggregate reads every
    assignment returned this financial year, so the result is cached (Django's cache: per process, or
    shared through CACHE_URL) under a key made of the areas, the day and `last_change`: a new day or
    any change to the area's casework gives a new key, so the figures are never staler than the data
    (edits that bypass the services are picked up within FIGURES_TTL)."""
    areas = ",".join(str(pk) for pk in sorted(reach_for(user).dco_area_ids))
    # "v2": the figures hold casework's Share since it replaced advice's own; a figure cached by the
    # release before is not read back (it names a class that is gone).
    key = f"advice:dashboard:v2:{areas}:{today.isoformat()}:{last_change(user)}"
    cached = cache.get(key)
    if cached is None:
        cached = Figures(
            counts=list_counts(user, today=today),
            triage_count=awaiting_triage(user).count(),
            timeliness=timeliness(user, today=today),
        )
        cache.set(key, cached, FIGURES_TTL)
    return cached


def page_ids(rows: QuerySet[Assignment], *, offset: int, limit: int) -> list[int]:
    """The ids of one page of a sorted list.

    Sorted by due date (the default), the page is found in two steps so that a list of thousands
    costs a few milliseconds: first the due date of the page's last row, read from the index on
    (local_authority, status, due_on) alone; then only the rows due up to that date are read and
    sorted in full (due date, request, assignment). Rows due on the cut-off date are all kept, so
    the page is exactly rows[offset:offset + limit]. Other sorts read the list as it is."""
    ordering = rows.query.order_by
    ids = rows.values_list("pk", flat=True)
    if ordering and ordering[0] in ("due_on", "-due_on"):
        last = list(
            rows.order_by(ordering[0]).values_list("due_on", flat=True)[offset + limit - 1 : offset + limit]
        )
        if last:
            bound = "due_on__lte" if ordering[0] == "due_on" else "due_on__gte"
            ids = ids.filter(**{bound: last[0]})
    return list(ids[offset : offset + limit])

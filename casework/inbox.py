"""Work lists for any kind of case: one page of rows at a time, with NHS.UK pagination links that keep
the list's filters, and the count of rows in each state for the list's tabs or filter.

    page, links = inbox.paginate(request, rows)   # rows: a sorted QuerySet already scoped by visible_to
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows: Any, *, size: int = PAGE_SIZE) -> tuple[Page, dict[str, Any]]:
    """The page the query asks for (`page`; out of range gives the last), and the previous/next links
    for the `pagination` macro, carrying the other query parameters."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    links: dict[str, Any] = {}

    def href(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    if page.has_previous():
        links["previous"] = {"href": href(page.previous_page_number()), "labelText": "Previous page"}
    if page.has_next():
        links["next"] = {"href": href(page.next_page_number()), "labelText": "Next page"}
    return page, links


def status_counts(rows: QuerySet[Any], field: str = "status") -> dict[str, int]:
    """How many rows are in each state (one GROUP BY)."""
    return {row[field]: row["n"] for row in rows.order_by().values(field).annotate(n=Count("pk"))}


def choice(value: str | None, allowed: Mapping[str, Any] | Any, default: str = "") -> str:
    """A filter or sort value from the query string, if it is one of `allowed`; else `default`."""
    return value if value and value in allowed else default

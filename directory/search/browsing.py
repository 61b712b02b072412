"""Browsing the directory A to Z."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count

from directory.models import SearchEntry, Service


def letter_counts(statuses: Sequence[str] = Service.PUBLISHED_STATUSES) -> dict[str, int]:
    """{"A": 12, "B": 3, ..., "#": 1}: how many services start with each letter (one query)."""
    rows = (
        SearchEntry.objects.filter(status__in=statuses)
        .values("first_letter")
        .annotate(n=Count("pk"))
        .order_by("first_letter")
    )
    return {row["first_letter"]: row["n"] for row in rows}


def services_by_letter(
    letter: str, *, page: int = 1, per_page: int = 50, statuses: Sequence[str] = Service.PUBLISHED_STATUSES
) -> list[int]:
    """The ids of services starting with `letter` ("#" for digits and symbols), by name."""
    offset = (max(1, page) - 1) * per_page
    return list(
        SearchEntry.objects.filter(status__in=statuses, first_letter=letter)
        .order_by("name_sort", "service_id")
        .values_list("service_id", flat=True)[offset : offset + per_page]
    )

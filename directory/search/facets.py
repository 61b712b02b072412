"""The counts per filter value, worked out in Python from one grouped query's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from directory.search.query import DELIVERY, FacetValue, ServiceSearch
from directory.search.terms import _Terms
from lib.weekdays import DAY_CODES, DAY_NAMES

# A row of the facet query: one combination of filterable values and how many services have it.
NEEDS, CATEGORIES, DAYS_MASK, FREE, IN_PERSON, ONLINE, BY_PHONE, MIN_AGE, MAX_AGE, COUNT = range(10)


FACET_COLUMNS = (
    "needs_mask",
    "categories_mask",
    "days_mask",
    "is_free",
    "in_person",
    "online",
    "by_phone",
    "minimum_age",
    "maximum_age",
)


_DELIVERY_INDEX = {"in_person": IN_PERSON, "online": ONLINE, "phone": BY_PHONE}


# Bit-mask filter groups: (SearchEntry column, position in a facet row).
_MASK_COLUMNS = {
    "needs": ("needs_mask", NEEDS),
    "categories": ("categories_mask", CATEGORIES),
    "days": ("days_mask", DAYS_MASK),
}


Predicate = Callable[[tuple[Any, ...]], bool]


# The filters' rules on a facet row (FACET_COLUMNS + count), for _facet_filters.
def _age_overlaps(low: int | None, high: int | None, row: tuple[Any, ...]) -> bool:
    return (low is None or row[MAX_AGE] >= low) and (high is None or row[MIN_AGE] <= high)


def _has_bits(index: int, mask: int, row: tuple[Any, ...]) -> bool:
    return bool(row[index] & mask)


def _costs(free: bool, row: tuple[Any, ...]) -> bool:
    return bool(row[FREE]) == free


def _any_of(indexes: list[int], row: tuple[Any, ...]) -> bool:
    return any(row[i] for i in indexes)


def _selected(params: ServiceSearch, group: str) -> set[str]:
    if group == "cost":
        return set() if params.is_free is None else {"free" if params.is_free else "paid"}
    return set(getattr(params, group))


def _bit_list(mask: int, cache: dict[int, list[int]]) -> list[int]:
    bits = cache.get(mask)
    if bits is None:
        bits = cache[mask] = [i for i in range(63) if mask >> i & 1]
    return bits


def _count(
    rows: list[tuple[Any, ...]], filters: dict[str, tuple[Q, Predicate]]
) -> tuple[int, dict[str, Counter[Any]], dict[str, int]]:
    """From the facet rows: the total; per filter group, the count for each value with that value
    chosen instead of the rest of its group (what choosing it would give); and the total without
    each chosen filter (for "remove this filter" suggestions)."""
    groups = list(filters)
    predicates = [filters[g][1] for g in groups]
    total = 0
    counts: dict[str, Counter[Any]] = {
        g: Counter() for g in ("needs", "categories", "cost", "delivery", "days")
    }
    without: dict[str, int] = dict.fromkeys(groups, 0)
    bit_cache: dict[int, list[int]] = {}
    for row in rows:
        n = row[COUNT]
        passes = [p(row) for p in predicates]
        failing = [g for g, ok in zip(groups, passes, strict=True) if not ok]
        if len(failing) > 1:
            continue  # fails two filters: no single change of one filter brings it in
        only = failing[0] if failing else None
        if only is None:
            total += n
            for g in groups:
                without[g] += n
        else:
            without[only] += n
        # Each facet group counts the rows that pass every *other* group.
        for group, counter in counts.items():
            if only is not None and only != group:
                continue
            if group == "needs":
                for bit in _bit_list(row[NEEDS], bit_cache):
                    counter[bit] += n
            elif group == "categories":
                for bit in _bit_list(row[CATEGORIES], bit_cache):
                    counter[bit] += n
            elif group == "days":
                for bit in _bit_list(row[DAYS_MASK], bit_cache):
                    counter[bit] += n
            elif group == "cost":
                counter[bool(row[FREE])] += n
            else:
                for value, index in _DELIVERY_INDEX.items():
                    if row[index]:
                        counter[value] += n
    return total, counts, without


def _facet_values(
    params: ServiceSearch, terms: _Terms, counts: dict[str, Counter[Any]]
) -> dict[str, list[FacetValue]]:
    """Every filter value with its count (what choosing it would give) and whether it is chosen."""
    chosen = {group: _selected(params, group) for group in counts}
    return {
        "needs": [
            FacetValue(code, name, counts["needs"][bit], code in chosen["needs"], parent)
            for code, (bit, name, parent) in terms.needs.items()
        ],
        "categories": [
            FacetValue(code, name, counts["categories"][bit], code in chosen["categories"], parent)
            for code, (bit, name, parent) in terms.categories.items()
        ],
        "cost": [
            FacetValue("free", "Free", counts["cost"][True], "free" in chosen["cost"]),
            FacetValue("paid", "Paid for", counts["cost"][False], "paid" in chosen["cost"]),
        ],
        "delivery": [
            FacetValue(value, label, counts["delivery"][value], value in chosen["delivery"])
            for value, (_, label) in DELIVERY.items()
        ],
        "days": [
            FacetValue(day, DAY_NAMES[day], counts["days"][i], day in chosen["days"])
            for i, day in enumerate(DAY_CODES)
        ],
    }

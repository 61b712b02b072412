"""The filters of a search as database conditions (the same groups the in-memory index takes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThan

from directory.models import Attribute, Schedule, SearchEntry, SearchLocation, ServiceArea
from directory.search.engines import engine
from directory.search.facets import (
    _DELIVERY_INDEX,
    _MASK_COLUMNS,
    Predicate,
    _age_overlaps,
    _any_of,
    _costs,
    _has_bits,
)
from directory.search.places import _box_q, _d2_expression
from directory.search.query import DELIVERY, MAX_PER_PAGE, SORTS, ServiceSearch
from directory.search.terms import _Terms
from lib.weekdays import DAY_CODES


def _index_filters(params: ServiceSearch, terms: _Terms) -> dict[str, Any]:
    """The faceted filters as the index takes them (the same groups as `_facet_filters`)."""
    filters: dict[str, Any] = {}
    if params.minimum_age is not None or params.maximum_age is not None:
        filters["age"] = (params.minimum_age, params.maximum_age)
    if params.needs:
        filters["needs"] = _mask(params.needs, terms.needs)
    if params.categories:
        filters["categories"] = _mask(params.categories, terms.categories)
    if params.is_free is not None:
        filters["cost"] = params.is_free
    if params.delivery:
        filters["delivery"] = list(params.delivery)
    if params.days:
        filters["days"] = sum(1 << DAY_CODES.index(d) for d in params.days)
    return filters


def _clean(params: ServiceSearch) -> ServiceSearch:
    sort = params.sort if params.sort in SORTS else "relevance"
    if sort == "distance" and not params.has_location:
        sort = "relevance"
    return replace(
        params,
        text=" ".join((params.text or "").split())[:200],
        sort=sort,
        page=max(1, int(params.page or 1)),
        per_page=min(MAX_PER_PAGE, max(1, int(params.per_page or 10))),
        days=tuple(d for d in (d.upper()[:2] for d in params.days) if d in DAY_CODES),
        delivery=tuple(d for d in params.delivery if d in DELIVERY),
    )


def _mask(codes: Iterable[str], vocabulary: dict[str, tuple[int, str, str]]) -> int:
    mask = 0
    for code in codes:
        if code in vocabulary:
            mask |= 1 << vocabulary[code][0]
    return mask


def _base_queryset(params: ServiceSearch) -> QuerySet[SearchEntry]:
    """Entries matching everything except the faceted filters (keywords, place, status, API filters)."""
    qs = SearchEntry.objects.filter(status__in=list(params.statuses))
    if params.text:
        condition = engine().match(params.text)
        if condition is not None:
            qs = qs.filter(condition)
    if params.has_location and params.proximity_m is not None:
        assert params.latitude is not None and params.longitude is not None
        near = (
            SearchLocation.objects.filter(_box_q(params.latitude, params.longitude, params.proximity_m))
            .alias(d2=_d2_expression(params.latitude, params.longitude))
            .filter(d2__lte=params.proximity_m**2)
            .values("service_id")
        )
        qs = qs.filter(service_id__in=near)
    if params.taxonomy_terms or params.taxonomies:
        attributes = Attribute.objects.filter(service_id=OuterRef("service_id"))
        if params.taxonomy_terms:
            attributes = attributes.filter(taxonomy_term__public_id__in=list(params.taxonomy_terms))
        if params.taxonomies:
            attributes = attributes.filter(taxonomy_term__taxonomy__public_id__in=list(params.taxonomies))
        qs = qs.filter(Exists(attributes))
    if params.provider:
        qs = qs.filter(service__provider__public_id=params.provider)
    if params.covering_la_codes:
        areas = ServiceArea.objects.filter(service_id=OuterRef("service_id"))
        qs = qs.filter(~Exists(areas) | Exists(areas.filter(la_code__in=list(params.covering_la_codes))))
    if params.modified_after:
        qs = qs.filter(service__updated_at__gt=params.modified_after)
    if params.start_time or params.end_time:
        schedules = Schedule.objects.filter(
            Q(service_id=OuterRef("service_id")) | Q(service_at_location__service_id=OuterRef("service_id"))
        )
        if params.start_time:
            schedules = schedules.filter(opens_at__lte=params.start_time, closes_at__gt=params.start_time)
        if params.end_time:
            schedules = schedules.filter(opens_at__lt=params.end_time, closes_at__gte=params.end_time)
        if params.days:
            day_q = Q()
            for day in params.days:
                day_q |= Q(byday__contains=day)
            schedules = schedules.filter(day_q)
        qs = qs.filter(Exists(schedules))
    return qs


def _bits_q(column: str, mask: int) -> Q:
    return Q(GreaterThan(F(column).bitand(mask), 0)) if mask else Q(pk__in=[])


def _facet_filters(params: ServiceSearch, terms: _Terms) -> dict[str, tuple[Q, Predicate]]:
    """The faceted filters (`_index_filters`), one per filter group, for the database: a Q (for the
    page query) and the same rule as a predicate on a facet row (for the counts)."""
    filters: dict[str, tuple[Q, Predicate]] = {}
    for group, value in _index_filters(params, terms).items():
        if group == "age":
            low, high = value
            q = Q()
            if low is not None:
                q &= Q(maximum_age__gte=low)
            if high is not None:
                q &= Q(minimum_age__lte=high)
            filters[group] = (q, partial(_age_overlaps, low, high))
        elif group in _MASK_COLUMNS:
            column, index = _MASK_COLUMNS[group]
            filters[group] = (_bits_q(column, value), partial(_has_bits, index, value))
        elif group == "cost":
            filters[group] = (Q(is_free=value), partial(_costs, value))
        else:  # delivery
            q = Q()
            for delivery in value:
                q |= Q(**{DELIVERY[delivery][0]: True})
            indexes = [_DELIVERY_INDEX[delivery] for delivery in value]
            filters[group] = (q, partial(_any_of, indexes))
    return filters

"""Running a search: the in-memory index when it can answer, otherwise the database (one grouped
query for the counts, one for the page)."""

from __future__ import annotations

import math
from dataclasses import replace

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet

from directory.models import SearchEntry, SearchLocation
from directory.search import api_index
from directory.search import index as search_index
from directory.search.engines import engine
from directory.search.facets import FACET_COLUMNS, Predicate, _count, _facet_values
from directory.search.filters import _base_queryset, _clean, _facet_filters, _index_filters
from directory.search.misses import note_zero_result
from directory.search.places import _FAR, _d2_expression, _d2_sql
from directory.search.query import RelatedTopic, SearchHelp, SearchHit, SearchResults, ServiceSearch
from directory.search.spelling import spelling_suggestions
from directory.search.synonyms import expand
from directory.search.terms import _load_terms, _Terms
from directory.search.words import stem, words_of
from lib.geo import bounding_box

SUGGEST_BELOW = 3  # offer "did you mean" when fewer results than this


def search_services(params: ServiceSearch) -> SearchResults:
    """Run a search: the total, the page of hits in order, the counts per filter value, a spelling
    suggestion that finds something, and when nothing is found, what would help (and the words are
    counted, see `misses`)."""
    params = _clean(params)
    terms = _load_terms()
    results = _run(params, terms)
    # A machine asking for exactly these words (the ORUK API: no spelling correction, no counts)
    # gets neither suggestions nor help; the words are counted all the same.
    for_people = params.correct_spelling or params.with_facets
    if params.text and results.total < SUGGEST_BELOW and for_people:
        for suggestion in spelling_suggestions(params.text):
            corrected = _run(replace(params, text=suggestion), terms)
            if corrected.total <= results.total:
                continue  # never offer what finds nothing (or no more)
            results.suggestion = suggestion
            if results.total == 0 and params.correct_spelling:
                corrected.suggestion = suggestion
                corrected.corrected_from = params.text
                return corrected
            break
    if params.text and results.total == 0 and params.page == 1:
        help_ = _help(params, terms, suggest=for_people)
        if for_people:
            results.help = help_
        if help_.words_find_nothing:
            note_zero_result(params.text)
    return results


GENERIC_STEMS = frozenset(
    stem(w)
    for w in (
        "support",
        "service",
        "services",
        "children",
        "child",
        "young",
        "people",
        "family",
        "help",
        "and",
    )
)
MAX_RELATED = 6


def _help(params: ServiceSearch, terms: _Terms, *, suggest: bool = True) -> SearchHelp:
    """For a search with words that found nothing: whether the words alone find anything, and (with
    `suggest`) which of the words find something on their own and the needs and types of service
    related to them."""
    quick = {"with_facets": False, "page": 1, "per_page": 1, "correct_spelling": False}
    words_only = ServiceSearch(text=params.text, statuses=params.statuses, **quick)  # type: ignore[arg-type]
    narrowed = words_only != replace(params, **quick)  # type: ignore[arg-type]
    nothing = _run(words_only, terms).total == 0 if narrowed else True
    if not suggest:
        return SearchHelp(words_find_nothing=nothing)
    slots = expand(params.text)
    alone: list[tuple[str, int]] = []
    if len(slots) > 1:
        for slot in slots:
            words = " ".join(slot.typed)
            count = _run(replace(params, text=words, **quick), terms).total  # type: ignore[arg-type]
            if count:
                alone.append((words, count))
    wanted = {stem(w) for slot in slots for a in slot.alternatives for w in a} - GENERIC_STEMS
    related: list[RelatedTopic] = []
    if wanted:
        matching = [
            (param, code, name)
            for param, vocabulary in (("need", terms.needs), ("category", terms.categories))
            for code, (_, name, _) in vocabulary.items()
            if {stem(w) for w in words_of(name)} & wanted
        ]
        if matching:
            counts = _run(replace(params, text="", page=1, per_page=1, with_facets=True), terms).facets
            by_code = {
                ("need" if group == "needs" else "category", f.value): f.count
                for group in ("needs", "categories")
                for f in counts.get(group, [])
            }
            related = [
                RelatedTopic(param, code, name, by_code.get((param, code), 0))
                for param, code, name in matching
                if by_code.get((param, code), 0)
            ]
            related.sort(key=lambda topic: -topic.count)
    return SearchHelp(related=related[:MAX_RELATED], words_alone=alone[:3], words_find_nothing=nothing)


def matching_entries(params: ServiceSearch) -> QuerySet[SearchEntry]:
    """Every SearchEntry matching all the filters of `params`, unordered and unpaged (for API lists
    and exports that need the whole set). Same semantics as `search_services`; no spelling correction.

    The keyword condition names the table `directory_searchentry` literally: to use this inside
    another query, compile it (`.values("service_id").query.sql_with_params()`) rather than nesting
    it as a Django subquery, which would re-alias the table.
    """
    params = _clean(params)
    qs = _base_queryset(params)
    for q, _ in _facet_filters(params, _load_terms()).values():
        qs = qs.filter(q)
    return qs


def _indexable(params: ServiceSearch) -> bool:
    """Searches the index can answer: the ORUK API's opening-hours filter reads schedules; its other
    filters (terms, organisation, service areas, modification time) come from api_index."""
    return params.start_time is None and params.end_time is None and search_index.available()


def _run_in_index(params: ServiceSearch, terms: _Terms) -> SearchResults:
    index = search_index.index_at(terms.version)
    keyword: search_index.Keyword | None = None
    if params.text:
        slots = expand(params.text)
        if slots:
            keyword = index.keyword(slots)
    answer = index.search(
        keyword=keyword,
        statuses=tuple(params.statuses),
        latitude=params.latitude,
        longitude=params.longitude,
        proximity_m=params.proximity_m if params.has_location else None,
        filters=_index_filters(params, terms),
        need_bits=[bit for bit, _, _ in terms.needs.values()],
        category_bits=[bit for bit, _, _ in terms.categories.values()],
        sort=params.sort,
        offset=(params.page - 1) * params.per_page,
        limit=params.per_page,
        facets=params.with_facets,
        restrict=api_index.restriction(index, params),
    )
    hits = [SearchHit(sid, distance) for sid, distance in answer.hits]
    facets = _facet_values(params, terms, answer.counts) if params.with_facets else {}
    return SearchResults(
        search=params,
        total=answer.total,
        hits=hits,
        facets=facets,
        total_without=answer.without,
        matching=api_index.Matching(index, answer.matching) if answer.matching is not None else None,
    )


def _nearest_page(
    qs: QuerySet[SearchEntry], params: ServiceSearch, offset: int, limit: int
) -> list[SearchHit]:
    """A page of entries, nearest first, by each service's nearest location (one grouped query)."""
    assert params.latitude is not None and params.longitude is not None
    inner_sql, inner_params = qs.values("service_id", "name_sort").query.sql_with_params()
    d2, d2_params = _d2_sql("l", params.latitude, params.longitude)
    box_sql, box_params = "", []
    if params.proximity_m is not None:
        box = bounding_box(params.latitude, params.longitude, params.proximity_m)
        box_sql = " AND l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
        box_params = [box.min_latitude, box.max_latitude, box.min_longitude, box.max_longitude]
    sql = (
        f"SELECT e.service_id, COALESCE(MIN({d2}), %s) AS d2 FROM ({inner_sql}) e "  # noqa: S608
        f"LEFT JOIN directory_searchlocation l ON l.service_id = e.service_id{box_sql} "
        f"GROUP BY e.service_id, e.name_sort ORDER BY 2, e.name_sort, e.service_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*d2_params, _FAR, *inner_params, *box_params, limit, offset])
        rows = cursor.fetchall()
    return [SearchHit(sid, math.sqrt(d) if d < _FAR else None) for sid, d in rows]


def _nearest_first(
    params: ServiceSearch, everything: Q, qs: QuerySet[SearchEntry], offset: int, limit: int
) -> list[SearchHit]:
    """A page nearest first. The page usually lies well inside the search radius, so look in a
    small circle first and widen (at most three queries, whatever the size of the directory): every
    service with a location inside radius r is nearer than every service without one, so a full
    page found inside r is the answer."""
    if params.proximity_m is not None:
        radii = [params.proximity_m / 16, params.proximity_m / 4]
    else:
        radii = [2_000.0, 20_000.0]
    for radius in radii:
        probe = replace(params, proximity_m=radius)
        hits = _nearest_page(_base_queryset(probe).filter(everything), probe, offset, limit)
        if len(hits) == limit:
            return hits
    return _nearest_page(qs, params, offset, limit)


def _with_distances(hits: list[SearchHit], params: ServiceSearch) -> list[SearchHit]:
    """The hits with the distance to each service's nearest location (one query for the page)."""
    if not hits or not params.has_location:
        return hits
    assert params.latitude is not None and params.longitude is not None
    nearest = dict(
        SearchLocation.objects.filter(service_id__in=[h.service_id for h in hits])
        .values("service_id")
        .annotate(d2=Min(_d2_expression(params.latitude, params.longitude)))
        .values_list("service_id", "d2")
    )
    return [
        SearchHit(h.service_id, math.sqrt(nearest[h.service_id]) if h.service_id in nearest else None)
        for h in hits
    ]


def _run(params: ServiceSearch, terms: _Terms) -> SearchResults:
    if _indexable(params):
        return _run_in_index(params, terms)
    base = _base_queryset(params)
    filters = _facet_filters(params, terms)
    everything = Q()
    for q, _ in filters.values():
        everything &= q

    # One query groups the matching entries by their filterable values; the total and every count
    # come from those rows in Python (a few thousand combinations at most, even at 300,000 services),
    # instead of ~100 conditional aggregates evaluated on every matching row.
    if params.with_facets or filters:
        rows = list(base.values_list(*FACET_COLUMNS).annotate(n=Count("pk")).order_by())
        total, counts, without = _count(rows, filters)
    else:
        total, counts, without = base.count(), {}, {}

    facets = _facet_values(params, terms, counts) if params.with_facets else {}
    hits: list[SearchHit] = []
    offset = (params.page - 1) * params.per_page
    if total and offset < total:
        hits = _page(params, base, filters, everything, offset)
    return SearchResults(search=params, total=total, hits=hits, facets=facets, total_without=without)


def _page(
    params: ServiceSearch,
    base: QuerySet[SearchEntry],
    filters: dict[str, tuple[Q, Predicate]],
    everything: Q,
    offset: int,
) -> list[SearchHit]:
    """The page of hits in order (with distances when a place is given)."""
    page_qs = base.filter(everything) if filters else base
    if params.sort == "relevance" and params.text and engine().match(params.text) is not None:
        return _with_distances(engine().ranked_page(page_qs, params.text, offset, params.per_page), params)
    if params.has_location and params.sort in ("distance", "relevance"):
        return _nearest_first(params, everything, page_qs, offset, params.per_page)
    ids = page_qs.order_by("name_sort", "service_id").values_list("service_id", flat=True)[
        offset : offset + params.per_page
    ]
    return _with_distances([SearchHit(sid) for sid in ids], params)

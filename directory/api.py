"""The open Open Referral UK 3.0 API (`/api/v3/`): the Local Offer as data for anyone to reuse.

Who may see it: everyone. ORUK requires the API to be open (no key, no sign-in) with
`Access-Control-Allow-Origin: *` on every response; it is read-only (GET, HEAD and the CORS
preflight OPTIONS; anything else is a 405).

Every endpoint parses its query string first (`ApiQuery`), so a bad parameter is a 400 RFC 9457
problem document naming each bad parameter, and an unknown id is a 404 problem document: never a
500. Lists use the ORUK pagination envelope (`page_envelope`) and stream as NDJSON with
`format=ndjson`. Service filters go through the public search engine (`directory.search`), so the
API and the search pages find the same services. Records are shaped by `directory.oruk`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from audit.trail import shows_no_children
from directory import access, oruk, search
from directory.models import Location, Provider, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from directory.search import api_index
from lib import inputs
from lib.geo import bounding_box, degree_lengths_m
from lib.weekdays import day_code

logger = logging.getLogger(__name__)

#: Page size when a consumer sends no `per_page`. Large enough that a consumer that never pages
#: (DfE's ingester calls `/services` once) still gets a useful first page; the envelope says how
#: many pages there are.
DEFAULT_PER_PAGE = 50
#: Larger `per_page` values are capped to this (the response's `size` says what was sent).
MAX_PER_PAGE = 1000
#: `minimal=true` returns tiny records, so its pages may be much larger ("aim to return all in one call").
MINIMAL_DEFAULT_PER_PAGE = 10_000
MINIMAL_MAX_PER_PAGE = 10_000
#: Stream NDJSON in chunks of this many records (constant queries per chunk, flat memory).
NDJSON_CHUNK = 500

TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}
MAX_AGE = 150
MAX_PAGE = inputs.MAX_PAGE  # beyond any real directory; keeps OFFSET inside what databases accept
MAX_PROXIMITY_METRES = 1_000_000
MAX_SEARCH_LENGTH = 200

OPENAPI_FILE = Path(__file__).resolve().parent / "static" / "directory" / "openapi.json"


# --- problems (RFC 9457) -------------------------------------------------------------------


class Problem(Exception):
    """An error the consumer can fix, answered as an `application/problem+json` document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        invalid_params: list[dict[str, str]] | None = None,
        slug: str = "",
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.invalid_params = invalid_params or []
        self.slug = slug

    def response(self, request: HttpRequest) -> HttpResponse:
        body: dict[str, Any] = {
            "type": request.build_absolute_uri(reverse("directory:api-docs"))
            + (f"#{self.slug}" if self.slug else ""),
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        body["instance"] = request.get_full_path()
        if self.invalid_params:
            body["invalid-params"] = self.invalid_params
        return HttpResponse(json.dumps(body), status=self.status, content_type="application/problem+json")


def _not_found(what: str, value: str) -> Problem:
    return Problem(404, "Not found", f"There is no {what} with id {value}.", slug="errors")


# --- the decorator every endpoint wears -----------------------------------------------------

ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def oruk_endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Open, read-only, CORS everywhere, problems as RFC 9457 documents."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = Problem(
                405,
                "Method not allowed",
                f"This API is read-only: use GET, not {request.method}.",
                slug="errors",
            ).response(request)
            response["Allow"] = ALLOWED_METHODS
            return _cors(response)
        try:
            response = view(request, *args, **kwargs)
        except Problem as problem:
            response = problem.response(request)
        except Exception:  # a bug of ours: still a problem document, never an HTML page
            logger.exception("ORUK API error")
            response = Problem(
                500, "Server error", "Something went wrong on our side. Try again later.", slug="errors"
            ).response(request)
        return _cors(response)

    return wrapper


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


# --- query parameters ----------------------------------------------------------------------


@dataclass
class ApiQuery:
    """The parsed query string of one request. Parsing collects every error before answering 400."""

    query: QueryDict
    errors: list[dict[str, str]] = field(default_factory=list)

    def _raw(self, name: str) -> str | None:
        value = self.query.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def error(self, name: str, reason: str) -> None:
        self.errors.append({"name": name, "reason": reason})

    def check(self) -> None:
        if self.errors:
            names = ", ".join(e["name"] for e in self.errors)
            raise Problem(
                400,
                "Your request parameters didn't validate.",
                f"Check these query parameters: {names}.",
                invalid_params=self.errors,
                slug="errors",
            )

    def integer(self, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            return inputs.bounded_int(raw, minimum=minimum, maximum=maximum)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def number(self, name: str, *, minimum: float, maximum: float) -> float | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.error(name, "must be a number")
            return None
        if not math.isfinite(value) or value <= minimum or value > maximum:
            self.error(name, f"must be a number more than {minimum:g} and at most {maximum:g}")
            return None
        return value

    def boolean(self, name: str) -> bool:
        raw = self._raw(name)
        if raw is None:
            return False
        if raw.lower() in TRUE_VALUES:
            return True
        if raw.lower() in FALSE_VALUES:
            return False
        self.error(name, "must be true or false")
        return False

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.error(name, "must be a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2")
            return None

    def text(self, name: str, *, max_length: int = MAX_SEARCH_LENGTH) -> str | None:
        raw = self._raw(name)
        if raw is not None and len(raw) > max_length:
            self.error(name, f"must be at most {max_length} characters")
            return None
        if raw is not None and inputs.has_nul(raw):
            self.error(name, inputs.NUL_MESSAGE)
            return None
        return raw

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        raw = self._raw(name)
        allowed = list(choices)
        if raw is not None and raw not in allowed:
            self.error(name, "must be one of: " + ", ".join(allowed))
            return None
        return raw

    def date_time(self, name: str) -> dt.datetime | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            value = dt.datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
        except ValueError:
            self.error(name, "must be an ISO 8601 date-time, like 2026-01-31T09:00:00Z")
            return None
        try:
            return inputs.aware_utc(value)  # in range, and in UTC, so no later arithmetic overflows
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def time(self, name: str) -> dt.time | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            if len(raw) not in (5, 8):
                raise ValueError(raw)
            return dt.time.fromisoformat(raw)
        except ValueError:
            self.error(name, "must be a time of day, like 09:30 or 17:00:00")
            return None

    def days(self, name: str) -> list[str] | None:
        raw = self._raw(name)
        if raw is None:
            return None
        codes: list[str] = []
        for part in raw.split(","):
            token = part.strip()
            code = day_code(token)
            if code is None:
                self.error(
                    name, "must be day codes MO, TU, WE, TH, FR, SA, SU (or day names), comma-separated"
                )
                return None
            if code not in codes:
                codes.append(code)
        return codes


@dataclass
class Paging:
    page: int
    per_page: int
    ndjson: bool


def _paging(q: ApiQuery, *, minimal: bool = False) -> Paging:
    default = MINIMAL_DEFAULT_PER_PAGE if minimal else DEFAULT_PER_PAGE
    cap = MINIMAL_MAX_PER_PAGE if minimal else MAX_PER_PAGE
    page = q.integer("page", minimum=1, maximum=MAX_PAGE)
    per_page = q.integer("per_page", minimum=1)  # any size: capped below, before it reaches SQL
    fmt = q.choice("format", ["json", "ndjson"])
    return Paging(page=page or 1, per_page=min(per_page or default, cap), ndjson=fmt == "ndjson")


def page_envelope(*, total: int, paging: Paging, contents: list[Any]) -> dict[str, Any]:
    """The ORUK 3.0 pagination envelope (`components.schemas.Page` + `contents`)."""
    total_pages = math.ceil(total / paging.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _page_slice(paging: Paging) -> slice:
    start = (paging.page - 1) * paging.per_page
    return slice(start, start + paging.per_page)


def _offset_limit(paging: Paging) -> tuple[int, int]:
    return (paging.page - 1) * paging.per_page, paging.per_page


def _page_of(
    qs: QuerySet[Any],
    ids: list[int],
    total: int,
    paging: Paging,
    serialise: Callable[[Any], dict[str, Any]],
) -> HttpResponseBase:
    """The envelope for a page whose record ids (in order) and total are already known: one query
    by primary key (plus `qs`'s prefetches) instead of COUNT and OFFSET."""
    by_pk = qs.in_bulk(ids) if ids else {}
    contents = [serialise(by_pk[pk]) for pk in ids if pk in by_pk]
    return _json(page_envelope(total=total, paging=paging, contents=contents))


def _list_response(
    qs: QuerySet[Any],
    paging: Paging,
    serialise: Callable[[Any], dict[str, Any]],
    *,
    total: int | None = None,
) -> HttpResponseBase:
    """One page of `qs` in the envelope, or every record as NDJSON with `format=ndjson`."""
    if paging.ndjson:
        return _ndjson(qs, serialise)
    if total is None:
        total = qs.count()
    contents = [serialise(obj) for obj in qs[_page_slice(paging)]] if total else []
    return _json(page_envelope(total=total, paging=paging, contents=contents))


def _ndjson(qs: QuerySet[Any], serialise: Callable[[Any], dict[str, Any]]) -> StreamingHttpResponse:
    def lines() -> Iterator[str]:
        for obj in qs.iterator(chunk_size=NDJSON_CHUNK):
            yield json.dumps(serialise(obj), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")


def _path_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(
            400,
            "Your request parameters didn't validate.",
            "The id in the address must be a UUID.",
            invalid_params=[{"name": "id", "reason": "must be a UUID"}],
            slug="errors",
        ) from None


# --- service filters: through the public search engine -------------------------------------


@dataclass
class ServiceFilters:
    """The `/services` and `/service_at_locations` filters, combined with AND (HSDS: a MUST)."""

    search: str | None = None
    postcode: str | None = None
    proximity: float | None = None
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    days: list[str] | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None

    def any(self) -> bool:
        return any(value not in (None, [], "") for value in self.__dict__.values())


def _service_filters(q: ApiQuery) -> ServiceFilters:
    f = ServiceFilters(
        search=q.text("search"),
        postcode=q.text("postcode", max_length=10),
        proximity=q.number("proximity", minimum=0, maximum=MAX_PROXIMITY_METRES),
        taxonomy_term_id=q.uuid("taxonomy_term_id"),
        taxonomy_id=q.uuid("taxonomy_id"),
        organization_id=q.uuid("organization_id"),
        modified_after=q.date_time("modified_after"),
        minimum_age=q.integer("minimum_age", minimum=0, maximum=MAX_AGE),
        maximum_age=q.integer("maximum_age", minimum=0, maximum=MAX_AGE),
        days=q.days("day"),
        start_time=q.time("start_time"),
        end_time=q.time("end_time"),
    )
    if f.minimum_age is not None and f.maximum_age is not None and f.minimum_age > f.maximum_age:
        q.error("maximum_age", "must not be less than minimum_age")
    if f.start_time and f.end_time and f.start_time >= f.end_time:
        q.error("end_time", "must be later than start_time")
    if q._raw("proximity") is not None and q._raw("postcode") is None:
        q.error("proximity", "needs a postcode to measure from")
    return f


def _engine_params(f: ServiceFilters, q: ApiQuery) -> search.ServiceSearch:
    """The API's filters as a public-search query (the statuses the open data shares: directory.access)."""
    latitude = longitude = None
    label = ""
    if f.postcode:
        place = search.resolve_location(f.postcode)
        if place is None:
            q.error("postcode", "is not a postcode we know")
        else:
            latitude, longitude, label = place
    q.check()
    return search.ServiceSearch(
        text=f.search or "",
        latitude=latitude,
        longitude=longitude,
        location_label=label,
        proximity_m=f.proximity,
        minimum_age=f.minimum_age,
        maximum_age=f.maximum_age,
        taxonomy_terms=(f.taxonomy_term_id,) if f.taxonomy_term_id else (),
        taxonomies=(f.taxonomy_id,) if f.taxonomy_id else (),
        provider=f.organization_id,
        # A county-wide service area covers every district's postcodes in the county.
        covering_la_codes=(search.postcode_la_codes(f.postcode) or ()) if f.postcode else (),
        days=tuple(f.days or ()),
        start_time=f.start_time,
        end_time=f.end_time,
        # ORUK: "modified on or after"; the search filter is strictly after.
        modified_after=f.modified_after - dt.timedelta(microseconds=1) if f.modified_after else None,
        statuses=access.OPEN_DATA_STATUSES,
        sort="relevance",  # best keyword match first; nearest first with a postcode; else by name
        with_facets=False,
        correct_spelling=False,  # a machine asked for exactly this
    )


def _engine_page(params: search.ServiceSearch, paging: Paging) -> tuple[list[search.SearchHit], int]:
    """One API page of hits, in the search engine's order, through `search_services`.

    The engine's pages hold at most `search.MAX_PER_PAGE`; an API page may be larger, so it is
    assembled from the few engine pages that cover it (a bounded number of queries per page).
    """
    size = search.MAX_PER_PAGE
    start = (paging.page - 1) * paging.per_page
    end = start + paging.per_page
    hits: list[search.SearchHit] = []
    engine_page = start // size + 1
    while True:
        results = search.search_services(replace(params, page=engine_page, per_page=size))
        offset = (engine_page - 1) * size
        hits += [hit for i, hit in enumerate(results.hits) if start <= offset + i < end]
        if offset + size >= min(end, results.total):
            return hits, results.total
        engine_page += 1


def _where_matching(qs: QuerySet[Any], params: search.ServiceSearch, column: str) -> QuerySet[Any]:
    """`qs` narrowed to rows whose `column` is a matching service's id.

    The engine's keyword conditions name `directory_searchentry` literally, so the entries query is
    compiled on its own and embedded as SQL rather than as a Django subquery (which re-aliases tables).
    """
    sql, sql_params = search.matching_entries(params).values("service_id").query.sql_with_params()
    quote = connection.ops.quote_name
    condition = RawSQL(  # noqa: S611 - SQL compiled by Django, values are parameters
        f"{quote(qs.model._meta.db_table)}.{quote(column)} IN ({sql})",
        sql_params,
        output_field=BooleanField(),
    )
    return qs.filter(condition)


# --- endpoints -----------------------------------------------------------------------------


@oruk_endpoint
def api_details(request: HttpRequest) -> HttpResponseBase:
    """`GET /`: which standard this API implements and where its OpenAPI document is. Everyone."""
    return _json(
        {
            "version": oruk.API_VERSION,
            "profile": oruk.PROFILE_URI,
            "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
            "documentation_url": request.build_absolute_uri(reverse("directory:api-docs")),
        }
    )


@oruk_endpoint
def service_list(request: HttpRequest) -> HttpResponseBase:
    """`GET /services`: services, filtered and paginated. Everyone."""
    q = ApiQuery(request.GET)
    full = q.boolean("full")
    minimal = q.boolean("minimal")
    paging = _paging(q, minimal=minimal)
    filters = _service_filters(q)
    q.check()
    serialise: Callable[[Any], dict[str, Any]]
    services: QuerySet[Service]
    if minimal:
        serialise = oruk.service_minimal
        services = Service.objects.filter(access.open_data()).only("public_id", "updated_at")
    else:
        serialise = oruk.service_full if full else oruk.service
        services = oruk.service_queryset(full=full).filter(access.open_data())
    if not filters.any():
        listed = (
            None
            if paging.ndjson
            else api_index.services_by_name(*_offset_limit(paging), statuses=access.OPEN_DATA_STATUSES)
        )
        if listed is not None:  # from memory: no COUNT, no OFFSET (deep pages cost what page 1 does)
            ids, total = listed
            return _page_of(services, ids, total, paging, serialise)
        return _list_response(services.order_by("name", "pk"), paging, serialise)
    params = _engine_params(filters, q)
    if minimal or paging.ndjson:
        matching = _where_matching(services, params, "id")
        return _list_response(matching.order_by("name", "pk"), paging, serialise)
    hits, total = _engine_page(params, paging)
    return _page_of(services, [hit.service_id for hit in hits], total, paging, serialise)


@oruk_endpoint
def service_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """`GET /services/{id}`: one fully nested service. Everyone."""
    public_id = _path_uuid(id)
    svc = oruk.load_service_full(Service.objects.filter(access.open_data(), public_id=public_id))
    if svc is None:
        raise _not_found("service", id)
    return _json(oruk.service_full(svc))


@oruk_endpoint
def organization_list(request: HttpRequest) -> HttpResponseBase:
    """`GET /organizations`: organisations that provide services. Everyone."""
    q = ApiQuery(request.GET)
    search = q.text("search")
    full = q.boolean("full")
    full_service = q.boolean("full_service")
    paging = _paging(q)
    q.check()
    qs = oruk.organization_queryset(full=full or full_service).order_by("name", "pk")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if full or full_service:
        qs = qs.prefetch_related(
            Prefetch(
                "services",
                oruk.organization_services_queryset(full_service=full_service).filter(access.open_data()),
            )
        )

        def serialise(p: Provider) -> dict[str, Any]:
            return oruk.organization_full(p, services=list(p.services.all()), full_service=full_service)

        return _list_response(qs, paging, serialise)
    return _list_response(qs, paging, oruk.organization)


@oruk_endpoint
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """`GET /organizations/{id}`: one organisation with its services. Everyone."""
    public_id = _path_uuid(id)
    q = ApiQuery(request.GET)
    full_service = q.boolean("full_service")
    q.check()
    provider = oruk.organization_queryset(full=True).filter(public_id=public_id).first()
    if provider is None:
        raise _not_found("organization", id)
    services = list(
        oruk.organization_services_queryset(full_service=full_service).filter(
            access.open_data(), provider=provider
        )
    )
    return _json(oruk.organization_full(provider, services=services, full_service=full_service))


@oruk_endpoint
def taxonomy_list(request: HttpRequest) -> HttpResponseBase:
    """`GET /taxonomies`: the vocabularies services are tagged with. Everyone."""
    q = ApiQuery(request.GET)
    search = q.text("search")
    paging = _paging(q)
    q.check()
    qs = Taxonomy.objects.order_by("name", "pk")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return _list_response(qs, paging, oruk.taxonomy)


@oruk_endpoint
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """`GET /taxonomies/{id}`: one taxonomy with its terms. Everyone."""
    public_id = _path_uuid(id)
    tax = Taxonomy.objects.filter(public_id=public_id).first()
    if tax is None:
        raise _not_found("taxonomy", id)
    terms = list(oruk.taxonomy_term_queryset().filter(taxonomy=tax).order_by("position", "name", "pk"))
    return _json(oruk.taxonomy(tax, terms=terms))


@oruk_endpoint
def taxonomy_term_list(request: HttpRequest) -> HttpResponseBase:
    """`GET /taxonomy_terms`: terms of every taxonomy, filterable. Everyone."""
    q = ApiQuery(request.GET)
    search = q.text("search")
    taxonomy_id = q.uuid("taxonomy_id")
    vocabulary = q.choice("vocabulary", Taxonomy.Vocabulary.values)
    top_only = q.boolean("top_only")
    parent_id = q.uuid("parent_id")
    paging = _paging(q)
    q.check()
    qs = oruk.taxonomy_term_queryset().order_by("taxonomy__name", "position", "name", "pk")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search) | Q(code=search))
    if taxonomy_id:
        qs = qs.filter(taxonomy__public_id=taxonomy_id)
    if vocabulary:
        qs = qs.filter(taxonomy__vocabulary=vocabulary)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    if parent_id:
        qs = qs.filter(parent__public_id=parent_id)
    return _list_response(qs, paging, oruk.taxonomy_term)


@oruk_endpoint
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """`GET /taxonomy_terms/{id}`: one taxonomy term. Everyone."""
    public_id = _path_uuid(id)
    term = oruk.taxonomy_term_queryset().filter(public_id=public_id).first()
    if term is None:
        raise _not_found("taxonomy term", id)
    return _json(oruk.taxonomy_term(term))


@oruk_endpoint
def service_at_location_list(request: HttpRequest) -> HttpResponseBase:
    """`GET /service_at_locations`: where each service is offered, filtered like /services. Everyone."""
    q = ApiQuery(request.GET)
    full = q.boolean("full")
    paging = _paging(q)
    filters = _service_filters(q)
    q.check()
    serialise = oruk.service_at_location_full if full else oruk.service_at_location
    records = oruk.service_at_location_queryset(full=full)
    if not paging.ndjson:
        listed = _service_at_locations_in_memory(filters, q, paging)
        if listed is not None:
            ids, total = listed
            return _page_of(records, ids, total, paging, serialise)
    qs = records.filter(access.open_data("service__")).order_by("service__name", "service_id", "pk")
    if filters.any():
        params = _engine_params(filters, q)
        qs = _where_matching(qs, params, "service_id")
        if params.has_location and params.proximity_m is not None:
            # Only the places within reach, not every place of a service that has one within reach.
            assert params.latitude is not None and params.longitude is not None
            qs = qs.filter(
                location__in=_locations_within(params.latitude, params.longitude, params.proximity_m)
            )
    return _list_response(qs, paging, serialise)


def _service_at_locations_in_memory(
    filters: ServiceFilters, q: ApiQuery, paging: Paging
) -> tuple[list[int], int] | None:
    """A page of service-at-location ids and the total, from the search's in-memory index (the
    same services and places, in the same order, as the database query of
    `service_at_location_list`); None when the index cannot answer."""
    if not filters.any():
        return api_index.service_at_locations(
            None, *_offset_limit(paging), statuses=access.OPEN_DATA_STATUSES
        )
    params = _engine_params(filters, q)
    # The matching services as a set: a page of one in name order costs least.
    results = search.search_services(replace(params, page=1, per_page=1, sort="name"))
    if results.matching is None:
        return None
    near = params.has_location and params.proximity_m is not None
    return api_index.service_at_locations(
        results.matching,
        *_offset_limit(paging),
        latitude=params.latitude if near else None,
        longitude=params.longitude if near else None,
        metres=params.proximity_m if near else None,
    )


def _locations_within(latitude: float, longitude: float, metres: float) -> QuerySet[Any]:
    """Locations within `metres` (bounding box, then the local flat-earth distance of lib.geo)."""
    box = bounding_box(latitude, longitude, metres)
    per_lat, per_lng = degree_lengths_m(latitude)
    dy = (F("latitude") - latitude) * per_lat
    dx = (F("longitude") - longitude) * per_lng
    return (
        Location.objects.filter(
            latitude__gte=box.min_latitude,
            latitude__lte=box.max_latitude,
            longitude__gte=box.min_longitude,
            longitude__lte=box.max_longitude,
        )
        .alias(d2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField()))
        .filter(d2__lte=metres**2)
        .values("pk")
    )


@oruk_endpoint
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """`GET /service_at_locations/{id}`: one service at a location, fully nested. Everyone."""
    public_id = _path_uuid(id)
    sal = (
        oruk.service_at_location_queryset(full=True)
        .filter(access.open_data("service__"), public_id=public_id)
        .first()
    )
    if sal is None:
        raise _not_found("service at location", id)
    return _json(oruk.service_at_location_full(sal))


@cache
def _openapi_template() -> dict[str, Any]:
    with OPENAPI_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


@oruk_endpoint
def openapi_document(request: HttpRequest) -> HttpResponseBase:
    """`GET /openapi.json`: the OpenAPI 3.1 description of this API, for this server. Everyone."""
    document = dict(_openapi_template())
    document["servers"] = [
        {
            "url": request.build_absolute_uri(reverse("oruk:api-details")).rstrip("/"),
            "description": "This server",
        }
    ]
    return _json(document)


@oruk_endpoint
def unknown_endpoint(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    """Anything else under /api/v3/: a 404 problem document rather than an HTML page."""
    raise Problem(404, "Not found", "There is no such endpoint in this API.", slug="endpoints")


@shows_no_children
def api_docs(request: HttpRequest) -> HttpResponseBase:
    """The human page "Open data: ORUK API": what the endpoints and parameters mean. Everyone."""
    base = request.build_absolute_uri(reverse("oruk:api-details"))
    example = Service.objects.order_by("name", "pk").select_related("provider").first()
    term = (
        TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__name", "position", "pk").first()
    )
    sal = ServiceAtLocation.objects.order_by("pk").first()
    return render(
        request,
        "directory/api_docs.html",
        {
            "base": base,
            "example_service": example,
            "example_term": term,
            "example_sal": sal,
            "default_per_page": DEFAULT_PER_PAGE,
            "max_per_page": MAX_PER_PAGE,
            "minimal_max_per_page": MINIMAL_MAX_PER_PAGE,
        },
    )

"""The public Local Offer: search, A to Z, service pages, the shortlist and "report a problem".

Who may see these pages: anyone, without signing in. Only services that are active or temporarily
closed are shown; any other service is a 404. A search's state is in its URL (GET parameters); the
shortlist is a cookie of service ids on the visitor's device (directory/shortlist.py), changed by
form POSTs, and shared as a URL carrying the ids. Every page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.context import client_ip
from audit.trail import shows_no_children
from core import rate_limits
from directory import access
from directory import shortlist as shortlists
from directory.forms_public import DEFAULT_DISTANCE, DISTANCE_CHOICES, ProblemReportForm, SearchForm
from directory.freshness import is_due_for_review, review_months
from directory.models import (
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.search import (
    DELIVERY,
    SearchResults,
    ServiceSearch,
    letter_counts,
    resolve_location,
    search_services,
    services_by_letter,
)
from directory.search.places import (
    LocationExamples,
    location_examples,
    postcode_in_keywords,
    unknown_location_message,
)
from directory.search_text import ages_in_words, opening_times
from directory.services import record_problem_report
from lib import inputs
from lib.geo import describe_distance, local_distance_m, miles_to_metres
from lib.weekdays import DAY_NAMES

PER_PAGE = 10
A_TO_Z_PER_PAGE = 50
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
OTHER_LETTER = "0-9"  # services whose names start with a digit or symbol (stored as "#")
PROBLEM_REPORTS_PER_HOUR = 5  # the default; settings.PROBLEM_REPORTS_PER_HOUR overrides it
PROBLEM_REPORTS_WINDOW = dt.timedelta(hours=1)
PROBLEM_REPORTS_SCOPE = "directory:problem-reports"
PROBLEM_REPORTS_LIMITED_MESSAGE = (
    "You have sent several reports in the last hour. Wait an hour, then send this one again. "
    "What you typed is still here"
)


# --- The shortlist and links -----------------------------------------------------------------------

IGNORED_PARAMS = {"s", "added", "removed"}  # the shortlist and its messages were once in the URL
SEARCH_BOX_PARAMS = {"q", "location", "distance"}


def shortlist_ids(request: HttpRequest) -> list[str]:
    """The visitor's shortlisted services' public ids (from their shortlist cookie)."""
    return shortlists.ids_from_cookie(request)


def link(path: str, params: Iterable[tuple[str, Any]] = ()) -> str:
    """A URL to `path` with these query parameters (empty values left out)."""
    pairs = [(k, v) for k, v in params if v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _pairs(query: QueryDict, *, drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    dropped = set(drop)
    return [(k, v) for k, values in query.lists() if k not in dropped for v in values if v != ""]


# The search parameters a service page's way back may carry to the search page (nothing else).
SEARCH_PARAMS = (
    "q",
    "location",
    "distance",
    "age",
    "need",
    "category",
    "cost",
    "delivery",
    "day",
    "sort",
    "page",
)
MAX_SEARCH_VALUE = 200  # the longest search value (the keywords' own limit)


def search_return_query(text: str | None) -> str:
    """The query string of the search a visitor came from, cleaned for the way back to it: only the
    search page's own parameters, each value bounded and without control characters, re-encoded (so
    whatever arrives in `search=` can only ever lead to the search page itself)."""
    parsed = QueryDict((text or "")[:2000])
    pairs = [
        (name, value[:MAX_SEARCH_VALUE])
        for name in SEARCH_PARAMS
        for value in parsed.getlist(name)[:50]
        if value and not any(ord(c) < 32 for c in value)
    ]
    return urlencode(pairs)


def search_return_url(text: str | None) -> str:
    """The search page with the visitor's search, filters, sort and page (or the plain search page)."""
    query = search_return_query(text)
    path = reverse("directory:search")
    return f"{path}?{query}" if query else path


def _shortlist_context(request: HttpRequest) -> dict[str, Any]:
    ids = shortlist_ids(request)
    return {
        "shortlist": ids,
        "shortlist_url": reverse("directory:shortlist"),
        "shortlist_add_url": reverse("directory:shortlist-add"),
        "shortlist_remove_url": reverse("directory:shortlist-remove"),
        "return_to": request.get_full_path(),  # where an add or remove sends the visitor back to
        "home_url": reverse("core:home"),
        "search_url": reverse("directory:search"),
        "a_to_z_url": reverse("directory:a-to-z"),
        "tel_href": tel_href,
    }


# --- Home (rendered by core.views.home) ------------------------------------------------------------


def home_context(request: HttpRequest) -> dict[str, Any]:
    """What the home page needs to browse by need and type of service. Anyone may see it."""
    terms = list(
        TaxonomyTerm.objects.filter(
            taxonomy__vocabulary__in=[Taxonomy.Vocabulary.NEEDS, Taxonomy.Vocabulary.CATEGORIES],
            parent__isnull=True,
        )
        .order_by("position")
        .values_list("taxonomy__vocabulary", "code", "name")
    )
    search = reverse("directory:search")

    def browse(vocabulary: str, param: str) -> list[dict[str, str]]:
        return [
            {"text": name, "href": link(search, [(param, code)])}
            for vocab, code, name in terms
            if vocab == vocabulary
        ]

    return {
        **_shortlist_context(request),
        "browse_needs": browse(Taxonomy.Vocabulary.NEEDS, "need"),
        "browse_categories": browse(Taxonomy.Vocabulary.CATEGORIES, "category"),
        "search_form": _search_form(None, [], examples=location_examples()),
    }


def home_section(request: HttpRequest) -> SafeString:
    """The Local Offer's part of the home page (registered in DirectoryConfig.ready)."""
    html = render_to_string("directory/public/home_section.html", home_context(request), request)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template  # nosec B308 B703


# --- Search ----------------------------------------------------------------------------------


def _term_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict[str, str]]:
    rows = list(
        TaxonomyTerm.objects.filter(
            taxonomy__vocabulary__in=[Taxonomy.Vocabulary.NEEDS, Taxonomy.Vocabulary.CATEGORIES]
        )
        .order_by("position")
        .values_list("taxonomy__vocabulary", "code", "name", "parent_id")
    )
    needs = [(code, name) for vocab, code, name, _ in rows if vocab == Taxonomy.Vocabulary.NEEDS]
    categories = [(code, name) for vocab, code, name, _ in rows if vocab == Taxonomy.Vocabulary.CATEGORIES]
    top = {code for vocab, code, _, parent in rows if vocab == Taxonomy.Vocabulary.CATEGORIES and not parent}
    return needs, categories, {code: "top" for code in top}


def _search_form(
    data: QueryDict | None,
    needs: list[tuple[str, str]],
    categories: Any = (),
    *,
    examples: LocationExamples | None = None,
) -> SearchForm:
    hint = examples.hint() if examples else ""
    return SearchForm(data, needs=needs, categories=list(categories), location_hint=hint)


@never_cache  # shows the shortlist as it is now, also after Back
@shows_no_children
def search(request: HttpRequest) -> HttpResponse:
    """Search results with filters, counts, sorting and pagination. Anyone may see it."""
    # A postcode or district typed into the keyword box with no place is where to search from.
    typed_words = (request.GET.get("q") or "")[:20]
    near = ""
    if not (request.GET.get("location") or "").strip() and not inputs.has_nul(typed_words):
        near = postcode_in_keywords(typed_words)
    if near and resolve_location(near):
        moved = request.GET.copy()
        for name in ("q", "page", "sort"):
            moved.pop(name, None)
        moved["location"] = near
        return HttpResponseRedirect(f"{request.path}?{moved.urlencode()}")
    needs, categories, top_level = _term_choices()
    bound = bool(request.GET.keys() - IGNORED_PARAMS)
    data_in = request.GET.copy()
    if not data_in.get("distance"):
        data_in["distance"] = DEFAULT_DISTANCE  # so the select shows the distance used
    examples = location_examples()
    form = _search_form(data_in if bound else None, needs, categories, examples=examples)
    data = form.cleaned_or_default() if bound else {}
    ids = shortlist_ids(request)

    text = data.get("q") or ""
    location_text = (data.get("location") or "").strip()
    place = resolve_location(location_text) if location_text else None
    if location_text and not place:
        form.add_error("location", unknown_location_message(location_text, examples))
    # Without the place asked for there is nothing to list (never every service as if near it).
    location_failed = "location" in form.errors
    distance = data.get("distance") or DEFAULT_DISTANCE
    age = data.get("age")
    cost = data.get("cost") or ""
    params = ServiceSearch(
        text=text,
        latitude=place[0] if place else None,
        longitude=place[1] if place else None,
        location_label=place[2] if place else "",
        proximity_m=miles_to_metres(float(distance)) if place else None,
        minimum_age=age,
        maximum_age=age,
        needs=tuple(data.get("need") or ()),
        categories=tuple(data.get("category") or ()),
        is_free={"free": True, "paid": False}.get(cost),
        delivery=tuple(data.get("delivery") or ()),
        days=tuple(data.get("day") or ()),
        sort=data.get("sort") or ("distance" if place and not text else "relevance"),
        page=data.get("page") or 1,
        per_page=PER_PAGE,
    )
    results = SearchResults(search=params, total=0, hits=[]) if location_failed else search_services(params)
    last_page = max(1, -(-results.total // PER_PAGE))
    if results.total and not results.hits and params.page > last_page:
        # A page past the end (an old link, a typed number): the last page, not an empty list.
        beyond = request.GET.copy()
        beyond["page"] = str(last_page)
        return HttpResponseRedirect(f"{request.path}?{beyond.urlencode()}")
    facet_items = _facet_items(form, results, top_level)

    services = _services_in_order(results.service_ids)
    current = _pairs(request.GET, drop=IGNORED_PARAMS)
    # The service page's way back returns to this same search, filters, sort and page.
    location_param = [("location", place[2])] if place else []
    if current:
        location_param.append(("search", urlencode(current)))
    items = []
    for service in services:
        pid = str(service.public_id)
        distance_m = results.distances.get(service.pk)
        items.append(
            {
                "service": service,
                "href": link(reverse("directory:service", args=[pid]), location_param),
                "ages": ages_in_words(service.minimum_age, service.maximum_age),
                "distance": describe_distance(distance_m) if distance_m is not None else "",
                "shortlisted": pid in ids,
            }
        )
    path = request.path
    context = {
        **_shortlist_context(request),
        "form": form,
        "facet_items": facet_items,
        "page_has_errors": bool(form.errors),
        "results": results,
        "items": items,
        "place": place,
        "location_failed": location_failed,
        # A postcode typed as keywords that the directory does not know: offer to search near it.
        "near_link": link(path, [("location", near)]) if near else "",
        "near": near,
        "distance_text": dict(DISTANCE_CHOICES).get(distance, ""),
        # The search box and the filters are two forms (the results between them hold the shortlist's
        # own forms); each carries the other's current values along.
        "keep_in_search_box": [(k, v) for k, v in current if k not in SEARCH_BOX_PARAMS | {"page"}],
        "keep_in_filters": [(k, v) for k, v in current if k in SEARCH_BOX_PARAMS | {"sort"}],
        "chosen_filter_count": sum(
            len(values) if isinstance(values, tuple) else 1
            for values in (params.needs, params.categories, params.delivery, params.days)
            if values
        )
        + (params.is_free is not None)
        + (age is not None),
        "chosen": _chosen_filters(path, current, results, place, needs, categories),
        "sort_links": _sort_links(path, current, results, place),
        "pages": _pagination(path, current, results),
        "suggestions": _widen_suggestions(path, current, results, place, distance),
        "filters_open": bool(
            params.needs
            or params.categories
            or params.delivery
            or params.days
            or params.is_free is not None
            or age is not None
        ),
    }
    return render(request, "directory/public/search.html", context)


def _services_in_order(ids: list[int]) -> list[Service]:
    by_id = {s.pk: s for s in Service.objects.filter(pk__in=ids).select_related("provider")}
    return [by_id[i] for i in ids if i in by_id]


def _facet_items(
    form: SearchForm, results: SearchResults, top_level: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Checkbox items with the number of services each choice would find; cost radios likewise."""
    items: dict[str, list[dict[str, Any]]] = {}
    for name, group in (
        ("need", "needs"),
        ("category", "categories"),
        ("delivery", "delivery"),
        ("day", "days"),
    ):
        values = results.facets.get(group, [])
        if name == "category":
            values = [v for v in values if v.value in top_level or v.selected]
        items[name] = [
            {"value": v.value, "text": f"{v.label} ({v.count})", "selected": v.selected} for v in values
        ]
    cost = {v.value: v.count for v in results.facets.get("cost", [])}
    form.choice_field("cost").choices = [
        ("any", "Free or paid"),
        ("free", f"Free ({cost.get('free', 0)})"),
        ("paid", f"Paid for ({cost.get('paid', 0)})"),
    ]
    return items


def _chosen_filters(
    path: str,
    current: list[tuple[str, str]],
    results: SearchResults,
    place: tuple[float, float, str] | None,
    needs: list[tuple[str, str]],
    categories: list[tuple[str, str]],
) -> list[dict[str, str]]:
    """Each chosen filter with a link that removes it (and goes back to page 1)."""
    params = results.search
    names = {**dict(needs), **dict(categories)}
    chosen: list[tuple[str, str, str]] = []  # (text, param, value)
    if params.text or results.corrected_from:
        chosen.append((f"Keywords: {results.corrected_from or params.text}", "q", ""))
    if place:
        chosen.append((f"Near {place[2]}", "location", ""))
    if params.minimum_age is not None:
        chosen.append((f"Age {params.minimum_age}", "age", ""))
    for code in params.needs:
        chosen.append((names.get(code, code), "need", code))
    for code in params.categories:
        chosen.append((names.get(code, code), "category", code))
    if params.is_free is not None:
        chosen.append(("Free" if params.is_free else "Paid for", "cost", ""))
    for value in params.delivery:
        chosen.append((DELIVERY[value][1], "delivery", value))
    for day in params.days:
        chosen.append((f"Open on {DAY_NAMES[day]}", "day", day))
    out = []
    for text, param, value in chosen:
        drop = {param, "page"} | ({"distance"} if param == "location" else set())
        kept = [(k, v) for k, v in current if k not in drop or (value and k == param and v != value)]
        out.append({"text": text, "href": link(path, kept)})
    return out


def _sort_links(
    path: str,
    current: list[tuple[str, str]],
    results: SearchResults,
    place: tuple[float, float, str] | None,
) -> list[dict[str, Any]]:
    options = [("relevance", "Best match")] if results.search.text else []
    if place:
        options.append(("distance", "Distance"))
    options.append(("name", "Name (A to Z)"))
    if len(options) < 2:
        return []
    base = [(k, v) for k, v in current if k not in {"sort", "page"}]
    return [
        {
            "text": label,
            "href": link(path, [*base, ("sort", value)]),
            "current": results.search.sort == value,
        }
        for value, label in options
    ]


def _pagination(path: str, current: list[tuple[str, str]], results: SearchResults) -> dict[str, Any] | None:
    pages, page = results.num_pages, results.page
    if pages <= 1:
        return None
    base = [(k, v) for k, v in current if k != "page"]

    def href(number: int) -> str:
        return link(path, [*base, ("page", str(number))] if number > 1 else base)

    params: dict[str, Any] = {
        "items": [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": href(number), "current": number == page}
            for number in page_numbers(page, pages)
        ]
    }
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The NHS.UK numbered pagination pattern: the first and last pages, the current page and its
    neighbours, and None (an ellipsis) for each gap of two or more pages; a gap of one page shows
    that page's number instead ('1 2 3 4', never '1 2 … 4')."""
    wanted = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    numbers: list[int | None] = []
    previous = 0
    for number in wanted:
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


FILTER_PARAMS = {
    "age": ("age", "the age"),
    "needs": ("need", "the needs"),
    "categories": ("category", "the type of service"),
    "cost": ("cost", "the cost"),
    "delivery": ("delivery", "how it is delivered"),
    "days": ("day", "the days"),
}


def _widen_suggestions(
    path: str,
    current: list[tuple[str, str]],
    results: SearchResults,
    place: tuple[float, float, str] | None,
    distance: str,
) -> list[dict[str, str]]:
    """Ways to find more when a search finds little: spelling, fewer filters, further away."""
    if results.total >= 3:
        return []
    suggestions = []
    if results.suggestion and not results.corrected_from:
        kept = [(k, v) for k, v in current if k not in {"q", "page"}]
        suggestions.append(
            {
                "text": f"Did you mean {results.suggestion}?",
                "href": link(path, [("q", results.suggestion), *kept]),
            }
        )
    for group, count in results.total_without.items():
        if count > results.total:
            param, words = FILTER_PARAMS[group]
            kept = [(k, v) for k, v in current if k not in {param, "page"}]
            suggestions.append(
                {
                    "text": f"Remove the filter for {words} ({count} {'service' if count == 1 else 'services'})",
                    "href": link(path, kept),
                }
            )
    if place:
        choices = [value for value, _ in DISTANCE_CHOICES]
        index = choices.index(distance) if distance in choices else len(choices) - 1
        if index + 1 < len(choices):
            wider = choices[index + 1]
            kept = [(k, v) for k, v in current if k not in {"distance", "page"}]
            suggestions.append(
                {
                    "text": f"Search within {wider} miles of {place[2]}",
                    "href": link(path, [*kept, ("distance", wider)]),
                }
            )
    if results.search.text:
        kept = [(k, v) for k, v in current if k not in {"q", "page"}]
        suggestions.append({"text": "Search without keywords", "href": link(path, kept)})
    return suggestions


# --- A to Z ----------------------------------------------------------------------------------


@never_cache  # shows the shortlist as it is now, also after Back
@shows_no_children
def a_to_z(request: HttpRequest, letter: str | None = None) -> HttpResponse:
    """Services by first letter of their name. Anyone may see it."""
    ids = shortlist_ids(request)
    counts = letter_counts()
    if letter is not None:
        letter = letter.upper()
        if letter != OTHER_LETTER and letter not in LETTERS:
            raise Http404
    stored = "#" if letter == OTHER_LETTER else letter
    letters = [
        {
            "text": text,
            "label": "Names starting with a number or symbol" if text == OTHER_LETTER else text,
            "count": counts.get("#" if text == OTHER_LETTER else text, 0),
            "href": link(reverse("directory:a-to-z-letter", args=[text])),
            "current": text == letter,
        }
        for text in [*LETTERS, OTHER_LETTER]
    ]
    items: list[dict[str, Any]] = []
    pagination = None
    if stored:
        page = _int(request.GET.get("page"), 1)
        service_ids = services_by_letter(stored, page=page, per_page=A_TO_Z_PER_PAGE)
        for service in _services_in_order(service_ids):
            pid = str(service.public_id)
            items.append(
                {
                    "service": service,
                    "href": link(reverse("directory:service", args=[pid])),
                    "shortlisted": pid in ids,
                }
            )
        total = counts.get(stored, 0)
        pages = max(1, -(-total // A_TO_Z_PER_PAGE))
        if pages > 1:
            path = request.path

            def href(n: int) -> str:
                return link(path, [("page", str(n))] if n > 1 else [])

            pagination = {
                "items": [
                    {"ellipsis": True} if n is None else {"number": n, "href": href(n), "current": n == page}
                    for n in page_numbers(page, pages)
                ],
                **({"previous": {"href": href(page - 1)}} if page > 1 else {}),
                **({"next": {"href": href(page + 1)}} if page < pages else {}),
            }
    context = {
        **_shortlist_context(request),
        "letters": letters,
        "letter": letter,
        "letter_label": "a number or symbol" if letter == OTHER_LETTER else letter,
        "items": items,
        "pages": pagination,
        "total": sum(counts.values()),
    }
    return render(request, "directory/public/a_to_z.html", context)


def _int(value: str | None, default: int) -> int:
    """A page number from the query string; anything that is not one (or is beyond any real list)
    gives the default rather than an error, as a link with a stale page number should."""
    try:
        return inputs.bounded_int(value or str(default), minimum=1, maximum=inputs.MAX_PAGE)
    except ValueError:
        return default


# --- Service page ----------------------------------------------------------------------------


@never_cache  # shows the shortlist as it is now, also after Back
@shows_no_children
def service(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A service's page. Anyone may see it (published services only)."""
    record = access.get_public_service(public_id, detail=True)
    ids = shortlist_ids(request)
    pid = str(record.public_id)
    location_text = request.GET.get("location", "")[:100]
    # The place the visitor searched from (a link from the results); text no place can have is no place.
    place = resolve_location(location_text) if location_text and not inputs.has_nul(location_text) else None

    locations = []
    all_schedules = list(record.schedules.all())
    accessibility: list[str] = []
    for sal in record.service_at_locations.all():
        location: Location = sal.location
        address = next(iter(location.addresses.all()), None)
        distance = None
        if place and location.latitude is not None and location.longitude is not None:
            distance = local_distance_m(place[0], place[1], location.latitude, location.longitude)
        facilities = [a.description for a in location.accessibility.all()]
        accessibility.extend(f for f in facilities if f not in accessibility)
        all_schedules.extend(sal.schedules.all())
        locations.append(
            {
                "location": location,
                "address": address,
                "lines": [
                    x
                    for x in (
                        address.address_1,
                        address.address_2,
                        address.city,
                        address.state_province,
                        address.postal_code,
                    )
                    if x
                ]
                if address
                else [],
                "distance": describe_distance(distance) if distance is not None else "",
                "distance_m": distance,
                "accessibility": facilities,
                "virtual": location.location_type == Location.LocationType.VIRTUAL,
            }
        )
    if place:
        locations.sort(key=lambda x: (x["distance_m"] is None, x["distance_m"] or 0))
    terms: dict[str, list[str]] = {}
    for attribute in record.attributes.all():
        term = attribute.taxonomy_term
        terms.setdefault(term.taxonomy.vocabulary, []).append(term.name)
    phones = list(record.phones.all())
    contacts = list(record.contacts.all())
    for contact in contacts:
        phones.extend(p for p in contact.phones.all() if p not in phones)
    search_query = search_return_query(request.GET.get("search"))
    back = [("search", search_query)] if search_query else []
    report_href = link(reverse("directory:report-problem", args=[pid]), back)
    context = {
        **_shortlist_context(request),
        "service": record,
        "ages": ages_in_words(record.minimum_age, record.maximum_age),
        "needs": in_a_sentence(terms.get(Taxonomy.Vocabulary.NEEDS, [])),
        "categories": terms.get(Taxonomy.Vocabulary.CATEGORIES, []),
        "delivery": in_a_sentence(terms.get(Taxonomy.Vocabulary.DELIVERY, [])),
        # Said once: with one location, its facilities are the Accessibility section (not repeated
        # under its address); with several, each location lists its own and the section only adds
        # what the service as a whole offers.
        "accessibility": (accessibility if len(locations) == 1 else [])
        + [t for t in terms.get(Taxonomy.Vocabulary.ACCESSIBILITY, []) if t not in accessibility],
        "accessibility_by_location": len(locations) > 1,
        "opening_times": opening_times(all_schedules),
        "locations": locations,
        "place": place,
        "phones": phones,
        "contacts": contacts,
        "cost_options": cost_lines(record.fees_description, list(record.cost_options.all())),
        "languages": [language.name for language in record.languages.all()],
        "temporarily_closed": record.status == Service.Status.TEMPORARILY_CLOSED,
        "stale": is_due_for_review(record.last_reviewed),
        "review_months": review_months(),
        "shortlisted": pid in ids,
        "report_href": report_href,
        "back_to_search_url": search_return_url(search_query),
        "came_from_search": bool(search_query),
    }
    return render(request, "directory/public/service.html", context)


def in_a_sentence(names: list[str]) -> str:
    """Term names joined for the middle of a sentence: 'Autism, ADHD, Hearing' -> 'autism, ADHD,
    hearing' (acronyms keep their capitals)."""
    return ", ".join(name if name[:2].isupper() else name[:1].lower() + name[1:] for name in names if name)


def cost_lines(fees_description: str, options: list[Any]) -> list[str]:
    """The cost options in words, leaving out any the fees description already says (so a price is
    not listed twice)."""
    said = " ".join(fees_description.lower().split())
    lines: list[str] = []
    for option in options:
        if option.amount_description:
            text = option.amount_description
        else:
            amount = f"£{option.amount:.2f}" if option.amount is not None else ""
            text = " ".join(x for x in (amount, (option.option or "").lower()) if x)
        if text and " ".join(text.lower().split()) not in said and text not in lines:
            lines.append(text)
    return lines


def tel_href(number: str) -> str:
    """'01632 960 001' -> 'tel:+441632960001'."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if digits.startswith("0"):
        digits = "+44" + digits[1:]
    return f"tel:{digits}"


# --- Shortlist -------------------------------------------------------------------------------


@never_cache  # Back shows the shortlist as it is now, not a stale copy
@shows_no_children
def shortlist(request: HttpRequest) -> HttpResponse:
    """The visitor's shortlist (from their cookie), or a shortlist shared as a link (`?s=<id>`...),
    with each service's contact details, ready to print. Anyone may see it."""
    own = shortlist_ids(request)
    shared = shortlists.parse_ids(request.GET.getlist("s"))
    showing_shared = bool(shared) and shared != own
    ids = shared if showing_shared else own
    records = {
        str(s.public_id): s
        for s in access.public_services()
        .filter(public_id__in=ids)
        .select_related("provider")
        .prefetch_related(
            "phones",
            "contacts__phones",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses"
                ),
            ),
        )
    }
    items = []
    for pid in ids:
        record = records.get(pid)
        if record is None:
            continue
        phones = list(record.phones.all())
        for contact in record.contacts.all():
            phones.extend(contact.phones.all())
        addresses = []
        for sal in record.service_at_locations.all():
            for address in sal.location.addresses.all():
                addresses.append(
                    ", ".join(x for x in (address.address_1, address.city, address.postal_code) if x)
                )
        items.append(
            {
                "service": record,
                "href": link(reverse("directory:service", args=[pid])),
                "phones": phones,
                "addresses": addresses,
                "emails": list(
                    dict.fromkeys(e for e in [record.email, *[c.email for c in record.contacts.all()]] if e)
                ),
                "ages": ages_in_words(record.minimum_age, record.maximum_age),
                "shortlisted": pid in own,
            }
        )
    valid_ids = [str(i["service"].public_id) for i in items]  # type: ignore[attr-defined]
    share_url = request.build_absolute_uri(link(request.path, [("s", i) for i in valid_ids]))
    context = {
        **_shortlist_context(request),
        "items": items,
        "valid_ids": valid_ids,
        "share_url": share_url,
        "showing_shared": showing_shared,
        "not_yet_saved": [i for i in valid_ids if i not in own],
    }
    return render(request, "directory/public/shortlist.html", context)


@require_POST
@shows_no_children
def shortlist_add(request: HttpRequest) -> HttpResponse:
    """Add a service (or every service of a shared shortlist) to the visitor's shortlist, then go
    back to the page they were on. Anyone may use it; only published services can be added."""
    wanted = shortlists.parse_ids(request.POST.getlist("service"))
    if not wanted:
        raise Http404
    found = {
        str(pid): name
        for pid, name in access.public_services()
        .filter(public_id__in=wanted)
        .values_list("public_id", "name")
    }
    if not found:
        raise Http404
    own = shortlist_ids(request)
    adding = [i for i in wanted if i in found]
    ids = shortlists.with_added(own, adding)
    saved = [i for i in adding if i in ids and i not in own]
    if len(adding) > len([i for i in adding if i in ids]):
        messages.warning(
            request,
            f"Your shortlist is full ({shortlists.MAX_SHORTLIST} services). Remove a service to add another",
        )
    if len(saved) == 1:
        messages.success(request, f"{found[saved[0]]} added to your shortlist")
    elif saved:
        messages.success(request, f"{len(saved)} services added to your shortlist")
    default = (
        reverse("directory:service", args=[adding[0]]) if len(adding) == 1 else reverse("directory:shortlist")
    )
    response = HttpResponseRedirect(shortlists.return_path(request.POST.get("next"), default))
    shortlists.remember(response, ids)
    return response


@require_POST
@shows_no_children
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    """Take a service off the visitor's shortlist, then go back to the page they were on. Anyone may
    use it (a service that has since closed can still be removed)."""
    removing = shortlists.parse_ids(request.POST.getlist("service"))[:1]
    if not removing:
        raise Http404
    pid = removing[0]
    own = shortlist_ids(request)
    ids = shortlists.without(own, pid)
    if pid in own:
        name = Service.objects.filter(public_id=pid).values_list("name", flat=True).first()
        messages.success(request, f"{name or 'The service'} removed from your shortlist")
    response = HttpResponseRedirect(
        shortlists.return_path(request.POST.get("next"), reverse("directory:shortlist"))
    )
    shortlists.remember(response, ids)
    return response


# --- Report a problem ------------------------------------------------------------------------


def _problem_reports_allowed(address: str) -> bool:
    """Whether this address may send another report this hour. Counted in the database
    (core.rate_limits), so the limit holds across app server processes and restarts."""
    limit = int(getattr(settings, "PROBLEM_REPORTS_PER_HOUR", PROBLEM_REPORTS_PER_HOUR))
    return rate_limits.count(PROBLEM_REPORTS_SCOPE, address) < limit


@shows_no_children
def report_problem(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Tell the directory's editors that a service's page is wrong. Anyone may use it; limited per
    address (PROBLEM_REPORTS_PER_HOUR, counted in the database) so it is not worth spamming: a limited
    person gets the form back with what they typed and a plain message (status 429)."""
    record = access.get_public_service(public_id)
    pid = str(record.public_id)
    search_query = search_return_query(request.GET.get("search"))  # kept for the way back
    back = [("search", search_query)] if search_query else []
    limited = False
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        address = client_ip(request) or "unknown"
        if not _problem_reports_allowed(address):
            limited = True
            form.is_valid()  # the fields' own errors too, so nothing is a surprise next time
            form.add_error(None, PROBLEM_REPORTS_LIMITED_MESSAGE)
        elif form.is_valid():
            record_problem_report(
                service=record,
                topic=form.cleaned_data["topic"],
                details=form.cleaned_data["details"],
                reporter_email=form.cleaned_data["email"],
            )
            rate_limits.add(PROBLEM_REPORTS_SCOPE, address, window=PROBLEM_REPORTS_WINDOW)
            return HttpResponseRedirect(link(reverse("directory:report-problem-sent", args=[pid]), back))
    else:
        form = ProblemReportForm()
    context = {
        **_shortlist_context(request),
        "service": record,
        "service_href": link(reverse("directory:service", args=[pid]), back),
        "form": form,
        "form_action": link(request.path, back),
        "page_has_errors": bool(form.errors),
    }
    response = render(
        request, "directory/public/report_problem.html", context, status=429 if limited else 200
    )
    if limited:
        response["Retry-After"] = str(int(PROBLEM_REPORTS_WINDOW.total_seconds()))
    return response


@shows_no_children
def report_problem_sent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirmation that a problem report was sent. Anyone may see it."""
    record = access.get_public_service(public_id)
    search_query = search_return_query(request.GET.get("search"))
    back = [("search", search_query)] if search_query else []
    context = {
        **_shortlist_context(request),
        "service": record,
        "service_href": link(reverse("directory:service", args=[str(record.public_id)]), back),
    }
    return render(request, "directory/public/report_problem_sent.html", context)

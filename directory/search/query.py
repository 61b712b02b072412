"""What a search asks for and what it answers: the interface of `directory.search`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from uuid import UUID

from directory.models import Service

DELIVERY: dict[str, tuple[str, str]] = {
    # value in URLs and the API: (SearchEntry field, label)
    "in_person": ("in_person", "In person"),
    "online": ("online", "Online"),
    "phone": ("by_phone", "By phone"),
}


SORTS = ("relevance", "distance", "name")


MAX_PER_PAGE = 100


@dataclass(frozen=True)
class ServiceSearch:
    """What someone is looking for. Every field is optional; all given filters apply together."""

    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_label: str = ""  # what the place was called, for messages ("NS1 2AB", "Northtown")
    proximity_m: float | None = None  # only services with a location this close (needs lat/lng)
    minimum_age: int | None = None  # the age range of the child or young person: overlap semantics
    maximum_age: int | None = None
    needs: Sequence[str] = ()  # SEND needs term codes, any of
    categories: Sequence[str] = ()  # service category term codes, any of (children included)
    taxonomy_terms: Sequence[str | UUID] = ()  # TaxonomyTerm.public_id, any of
    taxonomies: Sequence[str | UUID] = ()  # Taxonomy.public_id: services with any term from them
    provider: str | UUID | None = None  # Provider.public_id
    # ORUK: with a postcode, services that have a service area must cover the postcode: an area
    # recorded at any of these ONS codes (in a two-tier area the county's and the district's, as
    # places.postcode_la_codes gives them; elsewhere the one authority's). Services without a
    # service area are kept.
    covering_la_codes: Sequence[str] = ()
    is_free: bool | None = None
    delivery: Sequence[str] = ()  # "in_person", "online", "phone": any of
    days: Sequence[str] = ()  # lib.weekdays.DAY_CODES: open on any of these days
    start_time: time | None = None  # open during start_time..end_time (on `days` when given)
    end_time: time | None = None
    modified_after: datetime | None = None
    statuses: Sequence[str] = Service.PUBLISHED_STATUSES
    sort: str = "relevance"  # "relevance", "distance" or "name"
    page: int = 1
    per_page: int = 10
    with_facets: bool = True  # the API can skip the counts per filter value
    correct_spelling: bool = True  # when nothing matches, search for the suggestion instead

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class SearchHit:
    service_id: int
    distance_m: float | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    parent: str = ""  # for categories: the parent term's code ("" for top-level terms)


@dataclass(frozen=True)
class RelatedTopic:
    """A need or type of service related to the words of a search that found nothing."""

    param: str  # "need" or "category": the public search's filter parameter
    code: str
    label: str
    count: int  # services with it, with the search's other filters and without its words


@dataclass
class SearchHelp:
    """What would help when a search finds nothing (besides fewer filters and a wider distance)."""

    related: list[RelatedTopic] = field(default_factory=list)
    words_alone: list[tuple[str, int]] = field(default_factory=list)  # (some of the words, services)
    words_find_nothing: bool = False  # the words find nothing even without filters or a place


@dataclass
class SearchResults:
    search: ServiceSearch  # the search that was run (after any spelling correction)
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # "Did you mean ..." (the whole corrected text)
    corrected_from: str | None = None  # the text typed, when results are for `suggestion` instead
    # {"needs": 14, ...}: how many services the search finds without each chosen filter group
    # ("age", "needs", "categories", "cost", "delivery", "days")
    total_without: dict[str, int] = field(default_factory=dict)
    help: SearchHelp | None = None  # when a search with words finds nothing
    # The in-memory index's set of every matching service, when it answered (the ORUK API's lists
    # of service-at-locations, directory.search.api_index); None when the database answered.
    matching: Any = None

    @property
    def service_ids(self) -> list[int]:
        return [hit.service_id for hit in self.hits]

    @property
    def distances(self) -> dict[int, float | None]:
        return {hit.service_id: hit.distance_m for hit in self.hits}

    @property
    def page(self) -> int:
        return self.search.page

    @property
    def per_page(self) -> int:
        return self.search.per_page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

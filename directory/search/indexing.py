"""Building the search rows: one SearchEntry per service and one SearchLocation per service location."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import insert_rows
from directory.models import (
    Attribute,
    Language,
    Location,
    Schedule,
    SearchEntry,
    SearchLocation,
    SearchTerm,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.search import index as search_index
from directory.search.engines import engine, ensure_search_schema
from directory.search.words import word_family, words_of
from lib.weekdays import DAY_CODES, byday_codes

NO_MINIMUM_AGE, NO_MAXIMUM_AGE = 0, 99


def reindex_services(service_ids: Iterable[int] | None = None, *, batch_size: int = 2000) -> int:
    """Rebuild the search rows (SearchEntry, SearchLocation and the engine's full-text index through
    it) for these services, or for every service when `service_ids` is None. Returns how many.

    Call it after any change to a service or to what hangs off it (locations, schedules, terms).
    Works in batches with a fixed number of queries per batch, so the whole directory (300,000
    services) reindexes in minutes.
    """
    full = service_ids is None
    if full:
        ids = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(service_ids or ()))
    context = _IndexContext.load()
    vocabulary: Counter[str] = Counter()
    with transaction.atomic():
        if full:
            ensure_search_schema()
            engine().begin_rebuild()
            search_index.begin_full_reindex()
            SearchLocation.objects.all().delete()
            SearchEntry.objects.all().delete()
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            entries, locations, words = _build_batch(batch, context, contiguous=full)
            if not full:
                SearchLocation.objects.filter(service_id__in=batch).delete()
                SearchEntry.objects.filter(service_id__in=batch).delete()
            insert_rows("directory_searchentry", ENTRY_COLUMNS, entries)
            insert_rows("directory_searchlocation", ("service_id", "latitude", "longitude"), locations)
            vocabulary.update(words)
        if full:
            engine().end_rebuild()
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(
                [
                    SearchTerm(word=w, length=len(w), frequency=n, family=word_family(w))
                    for w, n in vocabulary.items()
                ],
                batch_size=2000,
            )
        elif vocabulary:
            SearchTerm.objects.bulk_create(
                [
                    SearchTerm(word=w, length=len(w), frequency=n, family=word_family(w))
                    for w, n in vocabulary.items()
                ],
                batch_size=2000,
                ignore_conflicts=True,
            )
        if full:
            search_index.end_full_reindex()
        else:
            search_index.prune_change_log()
    return len(ids)


@dataclass
class _IndexContext:
    # term id -> (vocabulary, code, bit, name, [ancestor bits])
    terms: dict[int, tuple[str, str, int, str, list[int]]]
    # term id -> the names of its ancestors (a physiotherapy service is a therapies and health one)
    ancestor_names: dict[int, list[str]]

    @classmethod
    def load(cls) -> _IndexContext:
        rows = list(
            TaxonomyTerm.objects.values_list(
                "pk", "taxonomy__vocabulary", "code", "position", "name", "parent_id"
            )
        )
        by_id = {pk: (vocab, code, pos, name, parent) for pk, vocab, code, pos, name, parent in rows}
        terms: dict[int, tuple[str, str, int, str, list[int]]] = {}
        ancestor_names: dict[int, list[str]] = {}
        for pk, (vocab, code, pos, name, parent) in by_id.items():
            ancestors: list[int] = []
            names: list[str] = []
            seen = {pk}
            while parent and parent not in seen and parent in by_id:
                seen.add(parent)
                ancestors.append(by_id[parent][2])
                names.append(by_id[parent][3])
                parent = by_id[parent][4]
            terms[pk] = (vocab, code, pos, name, ancestors)
            ancestor_names[pk] = names
        return cls(terms, ancestor_names)


ENTRY_COLUMNS = (
    "service_id",
    "name_sort",
    "first_letter",
    "document",
    "status",
    "minimum_age",
    "maximum_age",
    "is_free",
    "in_person",
    "online",
    "by_phone",
    "days_mask",
    "needs_mask",
    "categories_mask",
    "updated_at",
)


def _first_letter(name: str) -> str:
    for char in unicodedata.normalize("NFKD", name).upper():
        if char.isalpha() and "A" <= char <= "Z":
            return char
        if char.isalnum():
            return "#"
    return "#"


def _sort_key(name: str) -> str:
    if name.isascii():
        return name.casefold().strip()[:255]
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip()[:255]


def _day_bits(byday: str) -> int:
    mask = 0
    for day in byday_codes(byday):
        mask |= 1 << DAY_CODES.index(day)
    return mask


def _build_batch(
    ids: list[int], context: _IndexContext, *, contiguous: bool = False
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Counter[str]]:
    # A full reindex walks every id in order, so each batch is a range: a range lookup is far
    # cheaper to build and run than IN with thousands of values.
    def within(field: str) -> Q:
        if contiguous:
            return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
        return Q(**{f"{field}__in": ids})

    services = list(
        Service.objects.filter(within("pk")).values_list(
            "pk",
            "name",
            "alternate_name",
            "description",
            "eligibility_description",
            "status",
            "minimum_age",
            "maximum_age",
            "is_free",
            "provider__name",
        )
    )
    term_ids: dict[int, list[int]] = {}
    for service_id, term_id in Attribute.objects.filter(within("service_id")).values_list(
        "service_id", "taxonomy_term_id"
    ):
        term_ids.setdefault(service_id, []).append(term_id)
    days: dict[int, int] = {}
    attending: dict[int, set[str]] = {}
    for service_id, sal_service_id, byday, how in Schedule.objects.filter(
        within("service_id") | within("service_at_location__service_id")
    ).values_list("service_id", "service_at_location__service_id", "byday", "attending_type"):
        sid = service_id or sal_service_id
        days[sid] = days.get(sid, 0) | _day_bits(byday)
        if how:
            attending.setdefault(sid, set()).add(how)
    places: dict[int, list[tuple[float | None, float | None, str]]] = {}
    for service_id, lat, lng, kind in ServiceAtLocation.objects.filter(within("service_id")).values_list(
        "service_id", "location__latitude", "location__longitude", "location__location_type"
    ):
        places.setdefault(service_id, []).append((lat, lng, kind))
    languages: dict[int, list[str]] = {}
    for service_id, name in Language.objects.filter(within("service_id")).values_list("service_id", "name"):
        languages.setdefault(service_id, []).append(name)

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    entries: list[tuple[Any, ...]] = []
    locations: list[tuple[Any, ...]] = []
    vocabulary: Counter[str] = Counter()
    for sid, name, alternate, description, eligibility, status, min_age, max_age, free, provider in services:
        needs_mask = categories_mask = 0
        delivery_codes: set[str] = set()
        term_names: list[str] = []
        for term_id in term_ids.get(sid, ()):
            vocab, code, bit, term_name, ancestors = context.terms[term_id]
            if vocab == Taxonomy.Vocabulary.NEEDS and bit <= 62:
                needs_mask |= 1 << bit
                term_names.append(term_name)
            elif vocab == Taxonomy.Vocabulary.CATEGORIES and bit <= 62:
                categories_mask |= 1 << bit
                for ancestor in ancestors:
                    if ancestor <= 62:
                        categories_mask |= 1 << ancestor
                term_names.append(term_name)
            elif vocab == Taxonomy.Vocabulary.DELIVERY:
                delivery_codes.add(code)
                term_names.append(term_name)
            elif vocab != Taxonomy.Vocabulary.REFERRAL:  # accessibility, other: found by their names
                term_names.append(term_name)
            for ancestor_name in context.ancestor_names.get(term_id, ()):
                if ancestor_name not in term_names:
                    term_names.append(ancestor_name)
        modes = attending.get(sid, set())
        physical = [
            (lat, lng) for lat, lng, kind in places.get(sid, ()) if kind != Location.LocationType.VIRTUAL
        ]
        in_person = "in-person" in delivery_codes or Schedule.AttendingType.IN_PERSON in modes
        online = (
            "online" in delivery_codes
            or Schedule.AttendingType.ONLINE in modes
            or any(kind == Location.LocationType.VIRTUAL for _, _, kind in places.get(sid, ()))
        )
        by_phone = "phone" in delivery_codes or Schedule.AttendingType.PHONE in modes
        if not (in_person or online or by_phone) and physical:
            in_person = True
        document = "\n".join(
            part
            for part in (name, alternate, provider, description, eligibility, " ".join(term_names))
            if part
        )
        vocabulary.update({w for w in words_of(document) if len(w) >= 3 and not w.isdigit() and len(w) <= 40})
        entries.append(
            (
                sid,
                _sort_key(name),
                _first_letter(name),
                document + ("\n" + " ".join(languages[sid]) if sid in languages else ""),
                status,
                NO_MINIMUM_AGE if min_age is None else min_age,
                NO_MAXIMUM_AGE if max_age is None else max_age,
                free,
                in_person,
                online,
                by_phone,
                days.get(sid, 0),
                needs_mask,
                categories_mask,
                now,
            )
        )
        for lat, lng in dict.fromkeys(physical):
            if lat is not None and lng is not None:
                locations.append((sid, lat, lng))
    return entries, locations, vocabulary

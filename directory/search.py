"""Public search of the Local Offer: one interface, one tested implementation per database engine.

Everything the public pages and the ORUK API filter on is denormalised into one `SearchEntry` row per
service (plus one `SearchLocation` row per service location) by `reindex_services()`. A search is then
a fixed number of queries whatever the size of the directory:

1. the needs and categories terms (codes, names, bit positions);
2. one GROUP BY over the matching entries' filterable values (bitmasks, flags, ages), from which
   Python works out the total and, for every filter value, how many services the search would find
   with that value chosen;
3. the page of service ids in order (with the distance to the nearest location when a place is given);
4. when few services match, the spelling suggestion (one query per unknown word, at most four).

Keyword search uses the engine's full-text search, created by migration 0003:
- PostgreSQL: a generated, weighted `tsvector` column (`search_vector`: name weight A, the rest B)
  with a GIN index and English stemming; ranked by `ts_rank_cd` on a small name-only vector
  (`name_vector`, migration 0004), so names with more of the words come first, then by name;
  `pg_trgm` finds spelling suggestions.
- SQLite: an FTS5 table (`directory_searchentry_fts`, external content kept in step by triggers)
  with the porter stemmer, ranked by bm25 (name counts ten times the rest); suggestions compare
  the typed word with vocabulary words of a similar length and the same first letter.

Filter semantics: every filter narrows the results (AND across filters). Within one filter, several
chosen values mean "any of them" (needs autism or ADHD). Ages overlap: a service for 5 to 11 year olds
is found for the age range 4 to 6; a service with no minimum or maximum age is open on that side.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from functools import partial
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from directory import search_index
from directory.models import (
    Attribute,
    Language,
    Location,
    Place,
    Postcode,
    Schedule,
    SearchEntry,
    SearchLocation,
    SearchTerm,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from lib.geo import bounding_box, degree_lengths_m

PUBLIC_STATUSES: tuple[str, ...] = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)
DAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
DELIVERY: dict[str, tuple[str, str]] = {
    # value in URLs and the API: (SearchEntry field, label)
    "in_person": ("in_person", "In person"),
    "online": ("online", "Online"),
    "phone": ("by_phone", "By phone"),
}
SORTS = ("relevance", "distance", "name")
MAX_PER_PAGE = 100
SUGGEST_BELOW = 3  # offer "did you mean" when fewer results than this
MAX_SUGGEST_WORDS = 4
NO_MINIMUM_AGE, NO_MAXIMUM_AGE = 0, 99

# Words too common to help (and which FTS5, unlike PostgreSQL, would otherwise require).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "with",
        "you",
        "your",
        "near",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


# --- The interface ---------------------------------------------------------------------------


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
    # ORUK: with a postcode, services that have a service area must cover the postcode's local
    # authority (ONS code); services without a service area are kept.
    covering_la_code: str = ""
    is_free: bool | None = None
    delivery: Sequence[str] = ()  # "in_person", "online", "phone": any of
    days: Sequence[str] = ()  # "MO".."SU": open on any of these days
    start_time: time | None = None  # open during start_time..end_time (on `days` when given)
    end_time: time | None = None
    modified_after: datetime | None = None
    statuses: Sequence[str] = PUBLIC_STATUSES
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


def normalise_postcode(text: str) -> str:
    """'ns1 2ab', 'NS12AB', ' Ns1  2aB ' -> 'NS12AB' (the Postcode.key form)."""
    return re.sub(r"\s+", "", text).upper()


def postcode_la_code(text: str) -> str:
    """The ONS local authority code of a postcode (any spacing or case), or "" if unknown."""
    code = (
        Postcode.objects.filter(key=normalise_postcode(text or "")).values_list("la_code", flat=True).first()
    )
    return code or ""


def resolve_location(text: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, label) for a postcode (any spacing or case) or a place name, or None.

    Postcodes come from the ONS Postcode Directory import; terminated postcodes still resolve (people
    keep using old ones). Then places by exact name, then by name prefix ("north" finds "Northtown").
    """
    text = (text or "").strip()
    if not text:
        return None
    key = normalise_postcode(text)
    if 5 <= len(key) <= 7 and re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", key):
        postcode = Postcode.objects.filter(key=key).first()
        if postcode:
            return postcode.latitude, postcode.longitude, postcode.postcode
        return None
    name = " ".join(text.lower().split())
    place = Place.objects.filter(key=name).first() or (
        Place.objects.filter(key__startswith=name).order_by("key").first() if len(name) >= 3 else None
    )
    if place:
        return place.latitude, place.longitude, place.name
    return None


def search_services(params: ServiceSearch) -> SearchResults:
    """Run a search: the total, the page of hits in order, the counts per filter value and a suggestion."""
    params = _clean(params)
    terms = _load_terms()
    results = _run(params, terms)
    if params.text and results.total < SUGGEST_BELOW:
        suggestion = suggest_spelling(params.text)
        if suggestion:
            results.suggestion = suggestion
            if results.total == 0 and params.correct_spelling:
                corrected = _run(replace(params, text=suggestion), terms)
                if corrected.total:
                    corrected.suggestion = suggestion
                    corrected.corrected_from = params.text
                    return corrected
    return results


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
            _insert("directory_searchentry", ENTRY_COLUMNS, entries)
            _insert("directory_searchlocation", ("service_id", "latitude", "longitude"), locations)
            vocabulary.update(words)
        if full:
            engine().end_rebuild()
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(
                [SearchTerm(word=w, length=len(w), frequency=n) for w, n in vocabulary.items()],
                batch_size=2000,
            )
        elif vocabulary:
            SearchTerm.objects.bulk_create(
                [SearchTerm(word=w, length=len(w), frequency=n) for w, n in vocabulary.items()],
                batch_size=2000,
                ignore_conflicts=True,
            )
        if full:
            search_index.end_full_reindex()
        else:
            search_index.prune_change_log()
    return len(ids)


# --- Browsing --------------------------------------------------------------------------------


def letter_counts(statuses: Sequence[str] = PUBLIC_STATUSES) -> dict[str, int]:
    """{"A": 12, "B": 3, ..., "#": 1}: how many services start with each letter (one query)."""
    rows = (
        SearchEntry.objects.filter(status__in=statuses)
        .values("first_letter")
        .annotate(n=Count("pk"))
        .order_by("first_letter")
    )
    return {row["first_letter"]: row["n"] for row in rows}


def services_by_letter(
    letter: str, *, page: int = 1, per_page: int = 50, statuses: Sequence[str] = PUBLIC_STATUSES
) -> list[int]:
    """The ids of services starting with `letter` ("#" for digits and symbols), by name."""
    offset = (max(1, page) - 1) * per_page
    return list(
        SearchEntry.objects.filter(status__in=statuses, first_letter=letter)
        .order_by("name_sort", "service_id")
        .values_list("service_id", flat=True)[offset : offset + per_page]
    )


# --- Spelling --------------------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """The lower-case words of `text`, accents folded, in order."""
    if text.isascii():
        return _WORD.findall(text.lower())
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def query_words(text: str) -> list[str]:
    """The words of a search that must match (stop words dropped, unless that leaves none)."""
    words = words_of(text)
    useful = [w for w in words if w not in STOP_WORDS]
    return useful or words


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


def suggest_spelling(text: str) -> str | None:
    """The search text with each word that is not in the directory's vocabulary replaced by the
    closest word that is (at most two edits), or None when there is nothing to correct."""
    words = words_of(text)
    candidates = [w for w in dict.fromkeys(words) if len(w) >= 3 and not w.isdigit()]
    if not candidates:
        return None
    known = set(SearchTerm.objects.filter(word__in=candidates).values_list("word", flat=True))
    unknown = [w for w in candidates if w not in known][:MAX_SUGGEST_WORDS]
    if not unknown:
        return None
    fixes: dict[str, str] = {}
    for word in unknown:
        best = _closest_word(word)
        if best:
            fixes[word] = best
    if not fixes:
        return None
    return " ".join(fixes.get(w, w) for w in words)


def _closest_word(word: str) -> str | None:
    limit = 1 if len(word) <= 4 else 2
    scored: list[tuple[int, int, str]] = []
    for candidate, frequency in engine().spelling_candidates(word):
        if candidate == word:
            continue
        distance = edit_distance(word, candidate, limit + 1)
        if distance <= limit:
            scored.append((distance, -frequency, candidate))
    return min(scored)[2] if scored else None


# --- Engines ---------------------------------------------------------------------------------


class SearchEngine:
    """The engine-specific half of search. Both implementations are tested (see tests/test_search*)."""

    vendor = ""

    def match(self, text: str) -> RawSQL | None:
        """A boolean SQL condition on directory_searchentry: the entry matches the keywords."""
        raise NotImplementedError

    def ranked_page(self, qs: QuerySet[SearchEntry], text: str, offset: int, limit: int) -> list[SearchHit]:
        """A page of the (already filtered) entries, best keyword match first."""
        raise NotImplementedError

    def spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        """Vocabulary words that might be what `word` was meant to be: [(word, frequency)]."""
        raise NotImplementedError

    def ensure_schema(self) -> None:
        """Recreate anything the engine's full-text search needs that a table rebuild may have lost."""

    def begin_rebuild(self) -> None:
        """Before rewriting every entry: stop maintaining the full-text index row by row."""

    def end_rebuild(self) -> None:
        """After rewriting every entry: build the full-text index in one go, and resume."""


class PostgresEngine(SearchEngine):
    vendor = "postgresql"
    _QUERY = "plainto_tsquery('english'::regconfig, %s)"

    def match(self, text: str) -> RawSQL | None:
        words = query_words(text)
        if not words:
            return None
        return RawSQL(  # noqa: S611 - constant SQL, the words are parameters
            f'"directory_searchentry"."search_vector" @@ {self._QUERY}',
            [" ".join(words)],
            output_field=BooleanField(),
        )

    def ranked_page(self, qs: QuerySet[SearchEntry], text: str, offset: int, limit: int) -> list[SearchHit]:
        # Services whose name has more of the words come first (ranked on the small name-only
        # vector), then the rest by name. Ranking every match on the full document vector costs
        # several times more for broad words in a big directory.
        words = query_words(text)
        any_word = " || ".join([self._QUERY] * len(words))
        rank = RawSQL(  # noqa: S611 - constant SQL, the words are parameters
            f'ts_rank_cd("directory_searchentry"."name_vector", {any_word}, 1)',
            words,
            output_field=FloatField(),
        )
        rows = (
            qs.annotate(rank=rank)
            .order_by("-rank", "name_sort", "service_id")
            .values_list("service_id", flat=True)[offset : offset + limit]
        )
        return [SearchHit(sid) for sid in rows]

    def spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            if _has_trigram_index():
                cursor.execute(
                    "SELECT word, frequency FROM directory_searchterm WHERE word %% %s "
                    "ORDER BY similarity(word, %s) DESC, frequency DESC LIMIT 50",
                    [word, word],
                )
            else:
                return _candidates_by_length(word)
            return list(cursor.fetchall())


class SQLiteEngine(SearchEngine):
    vendor = "sqlite"
    TABLE = "directory_searchentry_fts"

    def _fts_query(self, text: str) -> str:
        # Each word quoted, so nothing typed is read as FTS5 syntax; words are ANDed.
        return " ".join('"{}"'.format(w.replace('"', "")) for w in query_words(text))

    def match(self, text: str) -> RawSQL | None:
        query = self._fts_query(text)
        if not query:
            return None
        return RawSQL(  # noqa: S611 - constant SQL, the words are parameters
            f'"directory_searchentry"."service_id" IN (SELECT rowid FROM {self.TABLE} '  # noqa: S608
            f"WHERE {self.TABLE} MATCH %s)",
            [query],
            output_field=BooleanField(),
        )

    def ranked_page(self, qs: QuerySet[SearchEntry], text: str, offset: int, limit: int) -> list[SearchHit]:
        inner_sql, inner_params = qs.values("service_id", "name_sort").query.sql_with_params()
        sql = (
            f"SELECT q.service_id FROM {self.TABLE} f JOIN ({inner_sql}) q "  # noqa: S608
            f"ON q.service_id = f.rowid WHERE {self.TABLE} MATCH %s "
            f"ORDER BY bm25({self.TABLE}, 10.0, 1.0), q.name_sort, q.service_id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*inner_params, self._fts_query(text), limit, offset])
            return [SearchHit(sid) for (sid,) in cursor.fetchall()]

    def spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        return _candidates_by_length(word)

    def ensure_schema(self) -> None:
        with connection.cursor() as cursor:
            for statement in (*SQLITE_TRIGGERS, *SQLITE_CHANGE_LOG):
                cursor.execute(statement)

    def begin_rebuild(self) -> None:
        with connection.cursor() as cursor:
            for name in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS directory_searchentry_fts_{name}")
            cursor.execute(f"INSERT INTO {self.TABLE}({self.TABLE}) VALUES ('delete-all')")  # noqa: S608

    def end_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.TABLE}({self.TABLE}) VALUES ('rebuild')")  # noqa: S608
        self.ensure_schema()


def engine() -> SearchEngine:
    """The search engine for the database in use."""
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SQLiteEngine()
    raise NotImplementedError(f"No search for {connection.vendor}")


def ensure_search_schema() -> None:
    engine().ensure_schema()


SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS directory_searchentry_fts_ai AFTER INSERT ON directory_searchentry
    BEGIN
      INSERT INTO directory_searchentry_fts(rowid, name_sort, document)
      VALUES (new.service_id, new.name_sort, new.document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_searchentry_fts_ad AFTER DELETE ON directory_searchentry
    BEGIN
      INSERT INTO directory_searchentry_fts(directory_searchentry_fts, rowid, name_sort, document)
      VALUES ('delete', old.service_id, old.name_sort, old.document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_searchentry_fts_au AFTER UPDATE ON directory_searchentry
    BEGIN
      INSERT INTO directory_searchentry_fts(directory_searchentry_fts, rowid, name_sort, document)
      VALUES ('delete', old.service_id, old.name_sort, old.document);
      INSERT INTO directory_searchentry_fts(rowid, name_sort, document)
      VALUES (new.service_id, new.name_sort, new.document);
    END""",
)

# The change log of the in-memory index (migration 0008 on SQLite; PostgreSQL's, with statement
# triggers, is migration 0007). SQLite runs one writer at a time, so log ids follow commit order.
SQLITE_CHANGE_LOG = (
    "CREATE TABLE IF NOT EXISTS directory_searchchange "
    "(id integer PRIMARY KEY AUTOINCREMENT, service_id bigint)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_log_{name} AFTER {event} ON {table} "  # noqa: S608
        f"BEGIN INSERT INTO directory_searchchange (service_id) VALUES ({row}.service_id); END"
        for table in ("directory_searchentry", "directory_searchlocation")
        for name, event, row in (("ai", "INSERT", "new"), ("ad", "DELETE", "old"), ("au", "UPDATE", "new"))
    ),
)

_trigram: dict[str, bool] = {}


def _has_trigram_index() -> bool:
    key = connection.settings_dict["NAME"] or ""
    if key not in _trigram:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'directory_searchterm_word_trgm'")
            _trigram[key] = cursor.fetchone() is not None
    return _trigram[key]


def _candidates_by_length(word: str) -> list[tuple[str, int]]:
    # Same first letter (most typos are later in the word) and a similar length: uses the unique index.
    first = word[0]
    return list(
        SearchTerm.objects.filter(
            word__gte=first, word__lt=first + "\uffff", length__gte=len(word) - 2, length__lte=len(word) + 2
        )
        .order_by("-frequency")
        .values_list("word", "frequency")[:500]
    )


# --- Running a search --------------------------------------------------------------------------


@dataclass
class _Terms:
    # {code: (bit, name, parent code)} per vocabulary, in display order
    needs: dict[str, tuple[int, str, str]]
    categories: dict[str, tuple[int, str, str]]
    # The search rows' version (PostgreSQL: the newest id of the change log, migration 0007), read
    # in the same query when there are terms; None on SQLite or when there are no terms to read.
    version: int | None = None


_terms_sql: dict[str, tuple[str, tuple[Any, ...]]] = {}  # per vendor: the compiled terms query


def _terms_query() -> tuple[str, tuple[Any, ...]]:
    """The terms query, compiled once per process (it runs on every search; compiling it through the
    ORM each time cost more than running it)."""
    vendor = connection.vendor
    if vendor not in _terms_sql:
        rows = TaxonomyTerm.objects.filter(
            taxonomy__vocabulary__in=[Taxonomy.Vocabulary.NEEDS, Taxonomy.Vocabulary.CATEGORIES],
            position__lte=62,
        ).order_by("taxonomy__vocabulary", "position")
        columns = ["taxonomy__vocabulary", "code", "position", "name", "parent__code"]
        if vendor in ("postgresql", "sqlite"):
            version_sql = RawSQL(search_index.VERSION_SQL, [])  # noqa: S611 - constant SQL
            rows = rows.annotate(search_version=version_sql)
            columns.append("search_version")
        sql, params = rows.values_list(*columns).query.sql_with_params()
        _terms_sql[vendor] = (sql, tuple(params))
    return _terms_sql[vendor]


def _load_terms() -> _Terms:
    needs: dict[str, tuple[int, str, str]] = {}
    categories: dict[str, tuple[int, str, str]] = {}
    sql, params = _terms_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    version: int | None = None
    for vocabulary, code, position, name, parent, *stamp in rows:
        target = needs if vocabulary == Taxonomy.Vocabulary.NEEDS else categories
        target[code] = (position, name, parent or "")
        version = stamp[0] if stamp else None
    return _Terms(needs, categories, version)


# --- Which searches the in-memory index answers (PostgreSQL, ADR 0012) ----------------------------


def _indexable(params: ServiceSearch) -> bool:
    """Searches on the search rows alone: the ORUK API's other filters read other tables."""
    return (
        not params.taxonomy_terms
        and not params.taxonomies
        and not params.provider
        and not params.covering_la_code
        and params.modified_after is None
        and params.start_time is None
        and params.end_time is None
        and search_index.available()
    )


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
        filters["days"] = sum(1 << DAYS.index(d) for d in params.days)
    return filters


def _run_in_index(params: ServiceSearch, terms: _Terms) -> SearchResults:
    index = search_index.index_at(terms.version)
    keyword: search_index.Keyword | None = None
    if params.text:
        words = query_words(params.text)
        if words:
            keyword = index.keyword(words)
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
    )
    hits = [SearchHit(sid, distance) for sid, distance in answer.hits]
    facets = _facet_values(params, terms, answer.counts) if params.with_facets else {}
    return SearchResults(
        search=params, total=answer.total, hits=hits, facets=facets, total_without=answer.without
    )


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
        days=tuple(d for d in (d.upper()[:2] for d in params.days) if d in DAYS),
        delivery=tuple(d for d in params.delivery if d in DELIVERY),
    )


def _mask(codes: Iterable[str], vocabulary: dict[str, tuple[int, str, str]]) -> int:
    mask = 0
    for code in codes:
        if code in vocabulary:
            mask |= 1 << vocabulary[code][0]
    return mask


def _box_q(latitude: float, longitude: float, radius_m: float) -> Q:
    box = bounding_box(latitude, longitude, radius_m)
    return Q(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    )


def _d2_expression(latitude: float, longitude: float) -> Any:
    """Squared local distance in square metres (lib.geo.local_distance_m): arithmetic only, so
    both engines compute it natively for every candidate row."""
    per_lat, per_lng = degree_lengths_m(latitude)
    dy = (F("latitude") - latitude) * per_lat
    dx = (F("longitude") - longitude) * per_lng
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


def _d2_sql(alias: str, latitude: float, longitude: float) -> Cond:
    per_lat, per_lng = degree_lengths_m(latitude)
    dy = f"(({alias}.latitude - %s) * %s)"
    dx = f"(({alias}.longitude - %s) * %s)"
    return f"({dy} * {dy} + {dx} * {dx})", [latitude, per_lat] * 2 + [longitude, per_lng] * 2


_FAR = 1e18  # sorts services without a location last on both engines


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
    if params.covering_la_code:
        areas = ServiceArea.objects.filter(service_id=OuterRef("service_id"))
        qs = qs.filter(~Exists(areas) | Exists(areas.filter(la_code=params.covering_la_code)))
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


Cond = tuple[str, list[Any]]  # an SQL condition with its parameters

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
            for i, day in enumerate(DAYS)
        ],
    }


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


# --- Building the index ----------------------------------------------------------------------


@dataclass
class _IndexContext:
    # term id -> (vocabulary, code, bit, name, [ancestor bits])
    terms: dict[int, tuple[str, str, int, str, list[int]]]

    @classmethod
    def load(cls) -> _IndexContext:
        rows = list(
            TaxonomyTerm.objects.values_list(
                "pk", "taxonomy__vocabulary", "code", "position", "name", "parent_id"
            )
        )
        by_id = {pk: (vocab, code, pos, name, parent) for pk, vocab, code, pos, name, parent in rows}
        terms: dict[int, tuple[str, str, int, str, list[int]]] = {}
        for pk, (vocab, code, pos, name, parent) in by_id.items():
            ancestors: list[int] = []
            seen = {pk}
            while parent and parent not in seen and parent in by_id:
                seen.add(parent)
                ancestors.append(by_id[parent][2])
                parent = by_id[parent][4]
            terms[pk] = (vocab, code, pos, name, ancestors)
        return cls(terms)


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


def _insert(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs: at 300,000 rows, building them through bulk_create costs more than
    the database's work. The table and columns are constants of this module."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, 900 // len(columns))  # stays under SQLite's 999 parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
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
    for part in (byday or "").upper().replace(" ", "").split(","):
        day = part.lstrip("+-0123456789")
        if day in DAYS:
            mask |= 1 << DAYS.index(day)
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

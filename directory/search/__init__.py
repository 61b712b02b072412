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

Words (ADR 0020): a search's words are expanded at query time with the synonym groups Local Offer
editors keep and with the other forms of each word in the directory's vocabulary (`synonyms`); a
service's text includes the names of the terms it is tagged with. Spelling is corrected only towards
words that find something; searches that find nothing are counted by their words (`misses`).

The package's modules: `query` (what a search asks for and answers), `running` (search_services,
matching_entries), `filters` and `facets` (the filters and the counts per filter value), `terms`,
`places` (postcodes, places, distances), `words`, `synonyms`, `spelling` and `misses`, `engines`
(PostgreSQL and SQLite full-text search), `indexing` (reindex_services), `browsing` (A to Z) and
`index` (the in-memory index, ADR 0012).
"""

from directory.search.browsing import letter_counts, services_by_letter
from directory.search.engines import (
    SQLITE_CHANGE_LOG,
    SQLITE_TRIGGERS,
    PostgresEngine,
    SearchEngine,
    SQLiteEngine,
    engine,
    ensure_search_schema,
)
from directory.search.indexing import reindex_services
from directory.search.places import postcode_la_codes, resolve_location
from directory.search.query import (
    DELIVERY,
    MAX_PER_PAGE,
    SORTS,
    FacetValue,
    SearchHit,
    SearchResults,
    ServiceSearch,
)
from directory.search.running import matching_entries, search_services
from directory.search.spelling import suggest_spelling
from directory.search.words import edit_distance, query_words, words_of

__all__ = [
    "DELIVERY",
    "MAX_PER_PAGE",
    "SORTS",
    "SQLITE_CHANGE_LOG",
    "SQLITE_TRIGGERS",
    "FacetValue",
    "PostgresEngine",
    "SQLiteEngine",
    "SearchEngine",
    "SearchHit",
    "SearchResults",
    "ServiceSearch",
    "edit_distance",
    "engine",
    "ensure_search_schema",
    "letter_counts",
    "matching_entries",
    "postcode_la_codes",
    "query_words",
    "reindex_services",
    "resolve_location",
    "search_services",
    "services_by_letter",
    "suggest_spelling",
    "words_of",
]

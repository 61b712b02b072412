"""The engine-specific half of search: full-text matching, ranking and spelling candidates."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from directory.models import SearchEntry, SearchTerm
from directory.search.query import SearchHit
from directory.search.synonyms import Slot, expand


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

    def tsquery(self, slots: list[Slot]) -> tuple[str, list[str]]:
        """The search as one tsquery: each slot's alternatives ORed, the slots ANDed (an alternative
        of stop words only is empty and drops out, as plainto_tsquery drops stop words)."""
        parts: list[str] = []
        params: list[str] = []
        for slot in slots:
            parts.append("(" + " || ".join([self._QUERY] * len(slot.alternatives)) + ")")
            params += [" ".join(alternative) for alternative in slot.alternatives]
        return " && ".join(parts), params

    def match(self, text: str) -> RawSQL | None:
        slots = expand(text)
        if not slots:
            return None
        query, params = self.tsquery(slots)
        return RawSQL(  # noqa: S611 - constant SQL, the words are parameters
            f'"directory_searchentry"."search_vector" @@ ({query})',
            params,
            output_field=BooleanField(),
        )

    def ranked_page(self, qs: QuerySet[SearchEntry], text: str, offset: int, limit: int) -> list[SearchHit]:
        # Per slot, a name with the words as typed counts 4, a name with one of their synonyms or
        # other forms 2; then by name. Only the small name-only vector is read: ranking on the full
        # document vector costs several times more for broad words in a big directory. (The
        # in-memory index also counts the typed words in the rest of the text, 1 each.)
        slots = expand(text)
        parts: list[str] = []
        params: list[str] = []
        for slot in slots:
            typed = " ".join(slot.typed)
            any_of = " || ".join([self._QUERY] * len(slot.alternatives))
            parts.append(
                f'(CASE WHEN "directory_searchentry"."name_vector" @@ {self._QUERY} THEN 4 '
                f'WHEN "directory_searchentry"."name_vector" @@ ({any_of}) THEN 2 ELSE 0 END)'
            )
            params += [typed, *(" ".join(a) for a in slot.alternatives)]
        rank = RawSQL(  # noqa: S611 - constant SQL, the words are parameters
            " + ".join(parts) or "0",
            params,
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
        return fts_query(expand(text))

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


def fts_phrase(words: tuple[str, ...]) -> str:
    """An alternative as FTS5 syntax: each word quoted (nothing typed is read as FTS5 syntax), ANDed."""
    quoted = " AND ".join('"{}"'.format(w.replace('"', "")) for w in words)
    return f"({quoted})" if len(words) > 1 else quoted


def fts_slot(alternatives: tuple[tuple[str, ...], ...]) -> str:
    return "(" + " OR ".join(fts_phrase(a) for a in alternatives) + ")"


def fts_query(slots: list[Slot]) -> str:
    """The search as an FTS5 query: each slot's alternatives ORed, the slots ANDed."""
    return " AND ".join(fts_slot(slot.alternatives) for slot in slots)


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

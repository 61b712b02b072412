"""The public search's in-memory index: exact counts for every filter value in a few milliseconds,
whatever the size of the directory (ADR 0012).

Counting every match of a broad keyword or a big circle in the database costs 100-500 ms at 300,000
services, however the rows are laid out (ADR 0011). So each process keeps, beside the database, a
columnar copy of the search rows (`SearchEntry`, `SearchLocation`) in NumPy arrays, and answers a
search with set algebra on bit sets: each filter is a bit set, and a count is a popcount. The words
match as the database's own full-text search matches them: on PostgreSQL through the lexemes of its
full-text vectors, kept as posting lists (the query's lexemes come from `plainto_tsquery('english',
...)`); on SQLite, FTS5 gives the matching services at search time.

The database stays the only source of truth. The index is built from it on the first search, and
every search first compares its version with the database's (the newest id of the change log of
migrations 0007 and 0008, read in the same query as the search terms): when something changed, it
reads only the changed services (the log says which) before answering, so results and counts are
always those of the committed data. Changed services get new slots (the old ones are marked dead) and
a process rebuilds from scratch when a quarter of its slots are dead, when the log says "everything
changed" (a full reindex or a TRUNCATE), or when the log no longer reaches back to its version.

Only outside transactions that may still roll back (an index must never hold uncommitted data), and
only for searches on the search rows alone: the ORUK API's filters by taxonomy term, organisation,
modification time, opening hours or local authority read other tables, and go to the database.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from directory.models import Service
from directory.search.engines import fts_phrase, fts_query, fts_slot
from directory.search.synonyms import Slot
from lib.geo import degree_lengths_m

logger = logging.getLogger(__name__)

ENABLED = True  # the benchmark turns it off to time the database search
MAX_LEXEME_BITS = 512  # lexemes' bit sets remembered per index (300,000 services: 37.5 KB each)
MAX_CHANGES = 20_000  # more changed services than this since the index was built: rebuild
DEAD_SHARE = 0.25  # rebuild when this share of the slots hold replaced or deleted services

STATUSES: tuple[str, ...] = tuple(Service.Status.values)
# The search row columns the index keeps: (SQL, the attribute it fills, its PostgreSQL type); status
# becomes its position in STATUSES (-1: another value).
_STATUS_CODE = (
    "(CASE status "
    + " ".join(f"WHEN '{status}' THEN {code}" for code, status in enumerate(STATUSES))
    + " ELSE -1 END)"
)
_COLUMNS = (
    ("service_id", "service_ids", "int8"),
    (_STATUS_CODE, "status", "int2"),
    ("minimum_age", "minimum_age", "int2"),
    ("maximum_age", "maximum_age", "int2"),
    ("is_free", "is_free", "bool"),
    ("in_person", "in_person", "bool"),
    ("online", "online", "bool"),
    ("by_phone", "by_phone", "bool"),
    ("days_mask", "days", "int2"),
    ("needs_mask", "needs", "int8"),
    ("categories_mask", "categories", "int8"),
)
_PLAIN_COLUMNS = tuple(column for column, _, _ in _COLUMNS)  # for reading a few changed rows
# For a build: each column as one binary string (`int8send` and so on) and its NumPy type.
_NUMPY_TYPES: dict[str, np.dtype[Any]] = {
    "int8": np.dtype(">i8"),
    "int2": np.dtype(">i2"),
    "bool": np.dtype("?"),
}
_BINARY_COLUMNS: tuple[tuple[str, np.dtype[Any]], ...] = tuple(
    (f"{kind}send(({column})::{kind})", _NUMPY_TYPES[kind]) for column, _, kind in _COLUMNS
)
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")

Bits = np.ndarray  # a packed bit set: uint64 words, bit i of the set = slot i
_NONE = np.zeros(0, dtype=np.int32)


def available() -> bool:
    """Whether searches on this connection may use the index now."""
    if not ENABLED or connection.vendor not in ("postgresql", "sqlite"):
        return False
    # Inside a transaction that may roll back, the rows read could vanish: use the database. The
    # outer blocks Django's TestCase opens for each test count as committed data (they are the test's
    # whole world; the index notices their rollback by the version, see `_refresh`).
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def current_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


# A scalar subquery giving the database's version, to read with another query.
VERSION_SQL = "SELECT max(id) FROM directory_searchchange"


# --- The change log (migration 0007) -----------------------------------------------------------

KEEP_CHANGES = 100_000  # log rows kept; an index older than them rebuilds


def begin_full_reindex() -> None:
    """In a full reindex's transaction: log nothing row by row (every row changes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('directory.full_reindex', 'on', true)")


def end_full_reindex() -> None:
    """...and log "everything changed" once, instead of the rows (every index rebuilds). SQLite's
    row triggers cannot be told to skip: its rows are logged, then deleted here."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('directory.full_reindex', 'off', true)")
        cursor.execute("INSERT INTO directory_searchchange (service_id) VALUES (NULL)")
        cursor.execute(
            "DELETE FROM directory_searchchange WHERE id < (SELECT max(id) FROM directory_searchchange)"
        )


def prune_change_log() -> None:
    """Keep the newest KEEP_CHANGES log rows (an index missing the row it was built at rebuilds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM directory_searchchange WHERE id < (SELECT max(id) FROM directory_searchchange) - %s",
            [KEEP_CHANGES],
        )


# --- Bit sets ---------------------------------------------------------------------------------


def _pack(flags: np.ndarray, words: int) -> Bits:
    """A bool array (one per slot) as a packed bit set of `words` 64-bit words."""
    packed = np.zeros(words * 8, dtype=np.uint8)
    bits = np.packbits(flags, bitorder="little")
    packed[: bits.size] = bits
    return packed.view(np.uint64)


def _from_slots(slots: np.ndarray, size: int, words: int) -> Bits:
    flags = np.zeros(size, dtype=bool)
    flags[slots] = True
    return _pack(flags, words)


def _count(bits: Bits) -> int:
    return int(np.bitwise_count(bits).sum())


def _unpack(bits: Bits, size: int) -> np.ndarray:
    return np.unpackbits(bits.view(np.uint8), count=size, bitorder="little").astype(bool)


# --- Query lexemes ----------------------------------------------------------------------------


def _lexemes_of(text: str) -> tuple[str, ...]:
    known = _known_lexemes.get(text)
    if known is not None:
        return known
    with connection.cursor() as cursor:
        cursor.execute("SELECT plainto_tsquery('english'::regconfig, %s)::text", [text])
        row = cursor.fetchone()
    lexemes = _parse_tsquery(row[0] if row else "")
    if len(_known_lexemes) > 8192:
        _known_lexemes.clear()
    _known_lexemes[text] = lexemes
    return lexemes


def _parse_tsquery(text: str) -> tuple[str, ...]:
    """ "'speech' & 'therapi'" -> ("speech", "therapi") (plainto_tsquery ANDs every lexeme)."""
    lexemes = []
    for match in _LEXEME.finditer(text or ""):
        raw = match.group(1).replace("''", "'")
        lexemes.append(re.sub(r"\\(.)", r"\1", raw))
    return tuple(dict.fromkeys(lexemes))


def query_lexemes(words: list[str]) -> tuple[str, ...]:
    """The PostgreSQL lexemes a search must match, all of them (the database's own stemming)."""
    if not words:
        return ()
    return _lexemes_of(" ".join(words))


def learn_lexemes(texts: list[str]) -> None:
    """Stem the texts not stemmed yet in one query, into `_lexemes_of`'s cache (a search's
    alternatives: a dozen or more for a word with synonyms)."""
    missing = [text for text in dict.fromkeys(texts) if text and not _is_cached(text)]
    if not missing:
        return
    columns = ", ".join(["plainto_tsquery('english'::regconfig, %s)::text"] * len(missing))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", missing)  # noqa: S608 - placeholders only
        row = cursor.fetchone() or ()
    for text, parsed in zip(missing, row, strict=False):
        _known_lexemes[text] = _parse_tsquery(parsed or "")
        if len(_known_lexemes) > 8192:
            _known_lexemes.clear()


_known_lexemes: dict[str, tuple[str, ...]] = {}


def _is_cached(text: str) -> bool:
    return text in _known_lexemes


# --- The index ----------------------------------------------------------------------------------


@dataclass
class Keyword:
    """What a search's words match: a service must be in every bit set of `required` (none: nothing
    matches). `ranks` holds, per slot of the search, which services' names have the words as typed,
    which names have one of the slot's alternatives, and which texts have the words as typed."""

    required: list[Bits]
    ranks: list[tuple[Bits, Bits, Bits]]


@dataclass
class IndexAnswer:
    total: int
    counts: dict[str, Counter[Any]]
    without: dict[str, int]
    hits: list[tuple[int, float | None]]  # (service id, distance in metres) for the page
    matching: Bits | None = None  # every matching slot (the ORUK API's service-at-locations)


class SearchIndex:
    """One process's columnar copy of the search rows. Build with `SearchIndex.load()`."""

    def __init__(self) -> None:
        self.version = 0
        self.size = 0  # slots in use (alive or dead)
        self.service_ids = np.zeros(0, dtype=np.int64)
        self.status = np.zeros(0, dtype=np.int16)  # index into STATUSES, -1: another value
        self.minimum_age = np.zeros(0, dtype=np.int16)
        self.maximum_age = np.zeros(0, dtype=np.int16)
        self.is_free = np.zeros(0, dtype=bool)
        self.in_person = np.zeros(0, dtype=bool)
        self.online = np.zeros(0, dtype=bool)
        self.by_phone = np.zeros(0, dtype=bool)
        self.days = np.zeros(0, dtype=np.int64)
        self.needs = np.zeros(0, dtype=np.int64)
        self.categories = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.name_rank = np.zeros(0, dtype=np.int64)  # position in name order (dead slots: last)
        self.postings: dict[str, np.ndarray] = {}  # lexeme -> ascending slots (int32)
        self.name_postings: dict[str, np.ndarray] = {}
        self.location_slot = np.zeros(0, dtype=np.int64)  # ascending
        self.latitude = np.zeros(0, dtype=np.float64)
        self.longitude = np.zeros(0, dtype=np.float64)
        # Derived by _derive(): lookups and bit sets.
        self.words = 0
        self.live_ids = np.zeros(0, dtype=np.int64)  # service ids of live slots, ascending
        self.live_slots = np.zeros(0, dtype=np.int64)  # ... and their slots
        self.alive_bits: Bits = np.zeros(0, dtype=np.uint64)
        self.status_bits: dict[str, Bits] = {}
        self.need_bits: dict[int, Bits] = {}
        self.category_bits: dict[int, Bits] = {}
        self.day_bits: dict[int, Bits] = {}
        self.free_bits: Bits = np.zeros(0, dtype=np.uint64)
        self.delivery_bits: dict[str, Bits] = {}
        self.slot_latitude = np.zeros(0, dtype=np.float64)
        self.slot_longitude = np.zeros(0, dtype=np.float64)
        self.multi_latitude = np.zeros(0, dtype=np.float64)
        self.multi_longitude = np.zeros(0, dtype=np.float64)
        self.multi_starts = np.zeros(0, dtype=np.int64)
        self.multi_slots = np.zeros(0, dtype=np.int64)
        self.dead = 0
        self.lexeme_bits: dict[tuple[str, bool], Bits] = {}  # (lexeme, in names) -> its bit set

    def nbytes(self) -> int:
        """The memory its arrays take."""
        arrays = [value for value in vars(self).values() if isinstance(value, np.ndarray)]
        for group in (self.postings, self.name_postings, self.status_bits, self.need_bits):
            arrays += group.values()
        for group in (self.category_bits, self.day_bits, self.delivery_bits):
            arrays += group.values()
        return sum(a.nbytes for a in arrays)

    # -- building and refreshing --

    @classmethod
    def load(cls) -> SearchIndex:
        """Build from the database, in one read-only REPEATABLE READ transaction: the version and
        every row come from the same snapshot.

        Every column arrives as one binary string in name order (PostgreSQL's `*send` functions), so
        300,000 rows make no Python objects on the way to the arrays."""
        if connection.vendor != "postgresql":
            return cls._load_plain()
        index = cls()
        order = 'ORDER BY name_sort COLLATE "C", service_id'
        columns = ", ".join(
            f"string_agg({expression}, ''::bytea {order})" for expression, _ in _BINARY_COLUMNS
        )
        # One snapshot for every query (the postings number rows in the same order as the columns).
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            index.version = current_version()
            cursor.execute(f"SELECT {columns} FROM directory_searchentry")  # noqa: S608 - constant SQL
            blobs = cursor.fetchone()
            arrays = [
                np.frombuffer(bytes(blob or b""), dtype=dtype).astype(dtype.newbyteorder("="))
                for blob, (_, dtype) in zip(blobs, _BINARY_COLUMNS, strict=True)
            ]
            index._append(*arrays)
            index.name_rank = np.arange(index.size, dtype=np.int64)
            index._load_postings()
            cursor.execute(
                "SELECT string_agg(int8send(service_id), ''::bytea), string_agg(float8send(latitude), ''::bytea), "
                "string_agg(float8send(longitude), ''::bytea) FROM directory_searchlocation"
            )
            owners, lats, lngs = (bytes(blob or b"") for blob in cursor.fetchone())
        index._add_locations(
            np.frombuffer(owners, dtype=">i8").astype(np.int64),
            np.frombuffer(lats, dtype=">f8").astype(np.float64),
            np.frombuffer(lngs, dtype=">f8").astype(np.float64),
        )
        index._derive()
        return index

    @classmethod
    def _load_plain(cls) -> SearchIndex:
        """SQLite: the same columns as plain rows, in one read transaction (a snapshot in WAL mode).
        Keywords are matched by FTS5 at search time, so there are no postings to read."""
        index = cls()
        with transaction.atomic(), connection.cursor() as cursor:
            index.version = current_version()
            cursor.execute(
                f"SELECT {', '.join(_PLAIN_COLUMNS)} FROM directory_searchentry "  # noqa: S608 - constant SQL
                "ORDER BY name_sort COLLATE BINARY, service_id"
            )
            rows = cursor.fetchall()
            cursor.execute("SELECT service_id, latitude, longitude FROM directory_searchlocation")
            locations = cursor.fetchall()
        if rows:
            index._append(*(np.array(values) for values in zip(*rows, strict=True)))
        index.name_rank = np.arange(index.size, dtype=np.int64)
        if locations:
            sids, lats, lngs = (np.array(values) for values in zip(*locations, strict=True))
            index._add_locations(sids.astype(np.int64), lats.astype(np.float64), lngs.astype(np.float64))
        index._derive()
        return index

    def _load_postings(self) -> None:
        """Each lexeme's slots, as one binary string of int4 slot numbers (PostgreSQL numbers the
        rows in the same name order as the slots), read through a server-side cursor a few lexemes
        at a time so that the client never holds every posting list at once (inside load()'s
        transaction)."""
        with connection.connection.cursor(name="search_index_postings") as server:
            server.itersize = 20
            for column, target in (("search_vector", self.postings), ("name_vector", self.name_postings)):
                server.execute(
                    "WITH slots AS (SELECT service_id, (row_number() OVER "  # noqa: S608 - constant SQL
                    '(ORDER BY name_sort COLLATE "C", service_id) - 1)::int4 AS slot FROM directory_searchentry) '
                    "SELECT lexeme, string_agg(int4send(slots.slot), ''::bytea) "
                    "FROM directory_searchentry e JOIN slots USING (service_id), "
                    f"unnest(tsvector_to_array(e.{column})) AS lexeme GROUP BY lexeme"
                )
                for lexeme, blob in server:
                    target[lexeme] = np.sort(np.frombuffer(blob, dtype=">i4").astype(np.int32))

    def keyword(self, slots: list[Slot]) -> Keyword:
        """PostgreSQL: each alternative's lexemes (PostgreSQL's own stemming) looked up in the
        postings, as bit sets (ANDed within an alternative, ORed across a slot's alternatives).
        SQLite: FTS5 itself gives the services that match, and those that rank."""
        if connection.vendor != "postgresql":
            return self._fts5_keyword(slots)
        words = self.words
        required: list[Bits] = []
        ranks: list[tuple[Bits, Bits, Bits]] = []
        learn_lexemes([" ".join(alternative) for slot in slots for alternative in slot.alternatives])
        for slot in slots:
            in_text = np.zeros(words, dtype=np.uint64)
            in_name = np.zeros(words, dtype=np.uint64)
            typed_text = typed_name = np.zeros(words, dtype=np.uint64)
            useful = False
            for number, alternative in enumerate(slot.alternatives):
                lexemes = query_lexemes(list(alternative))
                if not lexemes:  # stop words only: drops out, as in plainto_tsquery
                    continue
                useful = True
                text_bits = self._with_all(lexemes, names=False)
                name_bits = self._with_all(lexemes, names=True)
                in_text |= text_bits
                in_name |= name_bits
                if number == 0:
                    typed_text, typed_name = text_bits, name_bits
            if useful:
                required.append(in_text)
                ranks.append((typed_name, in_name, typed_text))
        return Keyword(required, ranks)

    def _with_all(self, lexemes: tuple[str, ...], *, names: bool) -> Bits:
        """The services holding every lexeme (in their name with `names`), as a bit set."""
        result: Bits | None = None
        for lexeme in lexemes:
            bits = self._lexeme_bits(lexeme, names)
            result = bits.copy() if result is None else np.bitwise_and(result, bits, out=result)
        assert result is not None
        return result

    def _lexeme_bits(self, lexeme: str, names: bool) -> Bits:
        """A lexeme's posting list as a bit set, remembered (a few hundred at most: the words people
        search for, and their synonyms, come again and again)."""
        key = (lexeme, names)
        bits = self.lexeme_bits.get(key)
        if bits is None:
            postings = self.name_postings if names else self.postings
            bits = _from_slots(postings.get(lexeme, _NONE), self.size, self.words)
            if len(self.lexeme_bits) >= MAX_LEXEME_BITS:
                self.lexeme_bits.pop(next(iter(self.lexeme_bits)))
            self.lexeme_bits[key] = bits
        return bits

    def _fts5_keyword(self, slots: list[Slot]) -> Keyword:
        table = "directory_searchentry_fts"
        if not slots:
            return Keyword([], [])
        queries = [fts_query(slots)]
        for slot in slots:
            typed = fts_phrase(slot.typed)
            queries += [f"name_sort : {typed}", f"name_sort : {fts_slot(slot.alternatives)}", typed]
        union = " UNION ALL ".join(
            f"SELECT {n}, rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 - constant SQL
            for n in range(len(queries))
        )
        with connection.cursor() as cursor:
            cursor.execute(union, queries)
            rows = cursor.fetchall()
        found: list[list[int]] = [[] for _ in queries]
        for n, sid in rows:
            found[n].append(sid)
        bits = []
        for ids in found:
            slots_found = self.slots_of(np.array(ids, dtype=np.int64))
            bits.append(_from_slots(slots_found[slots_found >= 0], self.size, self.words))
        ranks = [(bits[1 + 3 * n], bits[2 + 3 * n], bits[3 + 3 * n]) for n in range(len(slots))]
        return Keyword([bits[0]], ranks)

    def slots_of(self, service_ids: np.ndarray) -> np.ndarray:
        """The live slot of each service id (-1: none)."""
        where = np.searchsorted(self.live_ids, service_ids)
        where = np.minimum(where, max(0, self.live_ids.size - 1))
        found = self.live_ids.size > 0
        hit = (self.live_ids[where] == service_ids) if found else np.zeros(len(service_ids), dtype=bool)
        return np.where(hit, self.live_slots[where] if found else -1, -1)

    def _append(self, *columns: np.ndarray) -> np.ndarray:
        """New slots for these entries (columns in _COLUMNS order); returns the slots."""
        sids = columns[0].astype(np.int64)
        count = sids.size
        slots = np.arange(self.size, self.size + count, dtype=np.int64)
        if not count:
            return slots
        if self.size:  # services read again: their old slots die
            old = self.slots_of(sids)
            old = old[old >= 0]
            self.dead += int(np.count_nonzero(self.alive[old]))
            self.alive[old] = False
        for (_, name, _), values in zip(_COLUMNS, columns, strict=True):
            current = getattr(self, name)
            setattr(self, name, np.concatenate([current, values.astype(current.dtype)]))
        self.alive = np.concatenate([self.alive, np.ones(count, dtype=bool)])
        self.name_rank = np.concatenate([self.name_rank, np.full(count, np.iinfo(np.int64).max)])
        self.size += count
        self._index_live()
        return slots

    def _index_live(self) -> None:
        live = np.flatnonzero(self.alive)
        order = np.argsort(self.service_ids[live], kind="stable")
        self.live_ids = self.service_ids[live][order]
        self.live_slots = live[order]

    def _add_locations(self, ids: np.ndarray, lats: np.ndarray, lngs: np.ndarray) -> None:
        slots = self.slots_of(ids)
        keep = slots >= 0
        order = np.argsort(slots[keep], kind="stable")
        self.location_slot = np.concatenate([self.location_slot, slots[keep][order]])
        self.latitude = np.concatenate([self.latitude, lats[keep][order]])
        self.longitude = np.concatenate([self.longitude, lngs[keep][order]])

    def _derive(self) -> None:
        """The bit sets and distance arrays, from the columns (after a build or a refresh)."""
        size = self.size
        words = max(1, (size + 63) // 64)
        self.words = words
        self.lexeme_bits = {}  # slots changed: remembered bit sets are stale
        self._index_live()
        self.alive_bits = _pack(self.alive, words)
        self.status_bits = {status: _pack(self.status == code, words) for code, status in enumerate(STATUSES)}

        def by_bit(column: np.ndarray, top: int) -> dict[int, Bits]:
            present = int(np.bitwise_or.reduce(column)) if size else 0
            return {bit: _pack((column >> bit) & 1 == 1, words) for bit in range(top) if present >> bit & 1}

        self.need_bits = by_bit(self.needs, 63)
        self.category_bits = by_bit(self.categories, 63)
        self.day_bits = by_bit(self.days, 7)
        self.free_bits = _pack(self.is_free, words)
        self.delivery_bits = {
            "in_person": _pack(self.in_person, words),
            "online": _pack(self.online, words),
            "phone": _pack(self.by_phone, words),
        }
        # Distances: most services have one location, kept per slot (inf: none, so its distance is
        # inf); services with several keep theirs in runs, one run per slot, for a minimum per run.
        per_slot = np.bincount(self.location_slot, minlength=size) if size else np.zeros(0, np.int64)
        self.slot_latitude = np.full(size, np.inf)
        self.slot_longitude = np.full(size, np.inf)
        if self.location_slot.size:
            occurrences = per_slot[self.location_slot]
            single = occurrences == 1
            self.slot_latitude[self.location_slot[single]] = self.latitude[single]
            self.slot_longitude[self.location_slot[single]] = self.longitude[single]
            several = np.flatnonzero(occurrences > 1)
        else:
            several = np.zeros(0, dtype=np.int64)
        self.multi_latitude = self.latitude[several]
        self.multi_longitude = self.longitude[several]
        owners = self.location_slot[several].astype(np.int64)
        starts = np.flatnonzero(np.r_[True, np.diff(owners) != 0]) if owners.size else owners
        self.multi_starts = starts.astype(np.int64)
        self.multi_slots = owners[starts]

    def refresh(self, changed: list[int]) -> None:
        """Read these services' rows again (new slots; the old ones die; deleted services just die)."""
        ids = sorted(set(changed))
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            rows = _rows_for(
                cursor,
                f"SELECT {', '.join(_PLAIN_COLUMNS)} FROM directory_searchentry WHERE service_id IN ",  # noqa: S608
                ids,
            )
            rows.sort()
            gone = self.slots_of(np.array(ids, dtype=np.int64))
            gone = gone[gone >= 0]
            self.dead += int(np.count_nonzero(self.alive[gone]))
            self.alive[gone] = False
            if rows:
                self._append(*(np.array(values) for values in zip(*rows, strict=True)))
            present = [row[0] for row in rows]
            if postgres:
                self._add_postings(
                    _rows_for(
                        cursor,
                        "SELECT service_id, tsvector_to_array(search_vector), tsvector_to_array(name_vector) "
                        "FROM directory_searchentry WHERE service_id IN ",
                        present,
                    )
                )
            locations = _rows_for(
                cursor,
                "SELECT service_id, latitude, longitude FROM directory_searchlocation WHERE service_id IN ",
                present,
            )
            if locations:
                sids, lats, lngs = (np.array(values) for values in zip(*locations, strict=True))
                self._add_locations(sids.astype(np.int64), lats.astype(np.float64), lngs.astype(np.float64))
            # Names may have changed: the name order of every live service, read again.
            if postgres:
                cursor.execute(
                    "SELECT string_agg(int8send(service_id), ''::bytea "  # noqa: S608 - constant SQL
                    'ORDER BY name_sort COLLATE "C", service_id) FROM directory_searchentry'
                )
                (blob,) = cursor.fetchone()
                in_order = np.frombuffer(bytes(blob or b""), dtype=">i8").astype(np.int64)
            else:
                cursor.execute(
                    "SELECT service_id FROM directory_searchentry ORDER BY name_sort COLLATE BINARY, service_id"
                )
                in_order = np.array([sid for (sid,) in cursor.fetchall()], dtype=np.int64)
        ordered = self.slots_of(in_order)
        self.name_rank = np.full(self.size, np.iinfo(np.int64).max)
        self.name_rank[ordered[ordered >= 0]] = np.arange(ordered.size)[ordered >= 0]
        self._derive()

    def _add_postings(self, rows: list[tuple[Any, ...]]) -> None:
        added: dict[str, list[int]] = {}
        added_names: dict[str, list[int]] = {}
        for sid, lexemes, name_lexemes in rows:
            slot = int(self.slots_of(np.array([sid], dtype=np.int64))[0])
            if slot < 0:
                continue
            for lexeme in lexemes or ():
                added.setdefault(lexeme, []).append(slot)
            for lexeme in name_lexemes or ():
                added_names.setdefault(lexeme, []).append(slot)
        for target, more in ((self.postings, added), (self.name_postings, added_names)):
            for lexeme, new in more.items():
                old = target.get(lexeme)
                fresh = np.array(sorted(new), dtype=np.int32)
                target[lexeme] = fresh if old is None else np.concatenate([old, fresh])

    # -- searching --

    def search(
        self,
        *,
        keyword: Keyword | None,
        statuses: tuple[str, ...],
        latitude: float | None,
        longitude: float | None,
        proximity_m: float | None,
        filters: dict[str, Any],
        need_bits: list[int],
        category_bits: list[int],
        sort: str,
        offset: int,
        limit: int,
        facets: bool,
        restrict: Bits | None = None,
    ) -> IndexAnswer:
        """`keyword`: what the words match (None: no keyword condition).
        `filters`: group -> ("age", (low, high)) | ("needs"/"categories"/"days", mask) |
        ("cost", is_free) | ("delivery", [values]), as in directory.search.
        `restrict`: only these slots (the ORUK API's own filters, directory.search.api_index)."""
        size, words = self.size, self.words
        base = self.alive_bits.copy()
        chosen = np.zeros(words, dtype=np.uint64)
        for status in statuses:
            if status in self.status_bits:
                chosen |= self.status_bits[status]
        base &= chosen
        if keyword is not None:
            if not keyword.required:  # only stop words: nothing matches
                base[:] = 0
            for required in keyword.required:
                base &= required
        nearest: np.ndarray | None = None
        if latitude is not None and longitude is not None:
            nearest = self._nearest_d2(latitude, longitude)
            if proximity_m is not None:
                base &= _pack(nearest <= proximity_m**2, words)
        if restrict is not None:
            base &= restrict

        bits = {group: self._filter_bits(group, value) for group, value in filters.items()}
        everything = base.copy()
        for value in bits.values():
            everything &= value
        total = _count(everything)
        without: dict[str, int] = {}
        others: dict[str, Bits] = {}
        for group in bits:
            rest = base.copy()
            for other, value in bits.items():
                if other != group:
                    rest &= value
            others[group] = rest
            without[group] = _count(rest)

        counts: dict[str, Counter[Any]] = {
            g: Counter() for g in ("needs", "categories", "cost", "delivery", "days")
        }
        if facets:
            for group, counter in counts.items():
                scope = others.get(group, everything)
                if group == "needs":
                    for bit in need_bits:
                        if bit in self.need_bits:
                            counter[bit] = _count(scope & self.need_bits[bit])
                elif group == "categories":
                    for bit in category_bits:
                        if bit in self.category_bits:
                            counter[bit] = _count(scope & self.category_bits[bit])
                elif group == "days":
                    for bit, day in self.day_bits.items():
                        counter[bit] = _count(scope & day)
                elif group == "cost":
                    free = _count(scope & self.free_bits)
                    counter[True] = free
                    counter[False] = _count(scope) - free
                else:
                    for delivery, flag in self.delivery_bits.items():
                        counter[delivery] = _count(scope & flag)

        hits: list[tuple[int, float | None]] = []
        if total and offset < total:
            slots = np.flatnonzero(_unpack(everything, size))
            order = self._order(slots, keyword, nearest, sort, offset + limit)
            page = slots[order[offset : offset + limit]]
            for slot in page.tolist():
                distance = None
                if nearest is not None and np.isfinite(nearest[slot]):
                    distance = float(np.sqrt(nearest[slot]))
                hits.append((int(self.service_ids[slot]), distance))
        return IndexAnswer(total, counts, without, hits, everything)

    def _filter_bits(self, group: str, value: Any) -> Bits:
        words = self.words
        if group == "age":
            low, high = value
            flags = np.ones(self.size, dtype=bool)
            if low is not None:
                flags &= self.maximum_age >= low
            if high is not None:
                flags &= self.minimum_age <= high
            return _pack(flags, words)
        if group in ("needs", "categories", "days"):
            column = {"needs": self.needs, "categories": self.categories, "days": self.days}[group]
            return _pack((column & np.int64(value)) != 0, words)
        if group == "cost":
            return self.free_bits.copy() if value else ~self.free_bits
        result = np.zeros(words, dtype=np.uint64)
        for delivery in value:
            result |= self.delivery_bits[delivery]
        return result

    def _nearest_d2(self, latitude: float, longitude: float) -> np.ndarray:
        """Per slot, the squared distance (m²) to its nearest location (inf: no location); the same
        flat-map arithmetic as lib.geo.local_distance_m and the database search."""
        per_lat, per_lng = degree_lengths_m(latitude)
        dy = (self.slot_latitude - latitude) * per_lat
        dx = (self.slot_longitude - longitude) * per_lng
        nearest = dy * dy + dx * dx
        if self.multi_slots.size:
            dy = (self.multi_latitude - latitude) * per_lat
            dx = (self.multi_longitude - longitude) * per_lng
            nearest[self.multi_slots] = np.minimum.reduceat(dy * dy + dx * dx, self.multi_starts)
        return nearest

    def _order(
        self,
        slots: np.ndarray,
        keyword: Keyword | None,
        nearest: np.ndarray | None,
        sort: str,
        wanted: int,
    ) -> np.ndarray:
        """Indexes into `slots` of the first `wanted` in the search's order."""
        rank = self.name_rank[slots]
        if sort == "relevance" and keyword is not None and keyword.required:
            # Per slot: the words as typed in the name 4, a synonym or other form in the name 2, the
            # words as typed elsewhere in the text 1; the most first, then by name.
            score = np.zeros(slots.size, dtype=np.int64)
            for typed_name, named, typed_text in keyword.ranks:
                in_typed_name = _unpack(typed_name, self.size)[slots]
                in_name = _unpack(named, self.size)[slots]
                score += np.where(in_typed_name, 4, np.where(in_name, 2, 0))
                score += _unpack(typed_text, self.size)[slots]
            return _smallest(-score * (self.size + 1) + rank, wanted)
        if nearest is not None and sort in ("distance", "relevance"):
            d2 = nearest[slots]
            if wanted < slots.size:
                limit = np.partition(d2, wanted - 1)[wanted - 1]
                candidates = np.flatnonzero(d2 <= limit)
            else:
                candidates = np.arange(slots.size)
            return candidates[np.lexsort((rank[candidates], d2[candidates]))][:wanted]
        return _smallest(rank, wanted)


def _smallest(keys: np.ndarray, wanted: int) -> np.ndarray:
    """Indexes of the `wanted` smallest keys (all distinct), in order."""
    if wanted < keys.size:
        part = np.argpartition(keys, wanted - 1)[:wanted]
        return part[np.argsort(keys[part], kind="stable")]
    return np.argsort(keys, kind="stable")


def _rows_for(cursor: Any, sql: str, ids: list[int], chunk: int = 500) -> list[tuple[Any, ...]]:
    """`sql` ending in "IN " for these ids, in chunks (SQLite limits the number of parameters)."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        cursor.execute(sql + "(" + ", ".join(["%s"] * len(part)) + ")", part)
        rows += cursor.fetchall()
    return rows


# --- One index per process and database -------------------------------------------------------

_indexes: dict[str, SearchIndex] = {}
_lock = threading.Lock()


def index_at(version: int | None) -> SearchIndex:
    """This process's index for the database in use, brought up to `version` (the database's
    version as the search read it; None: read it now)."""
    key = f"{connection.settings_dict.get('HOST')}:{connection.settings_dict.get('PORT')}/{connection.settings_dict['NAME']}"
    if version is None:
        version = current_version()
    with _lock:
        index = _indexes.get(key)
        if index is None or index.version != version:
            index = _refresh(index, version)
            _indexes[key] = index
        return index


def _refresh(index: SearchIndex | None, version: int) -> SearchIndex:
    if index is None or version < index.version:
        return SearchIndex.load()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, service_id FROM directory_searchchange WHERE id >= %s ORDER BY id LIMIT %s",
            [index.version, MAX_CHANGES + 2],
        )
        rows = cursor.fetchall()
    # The log must still hold the row this index was built at: if not, it was rolled back (a test's
    # transaction) or pruned, and the changes since cannot be known.
    if not rows or rows[0][0] != index.version or len(rows) > MAX_CHANGES + 1:
        return SearchIndex.load()
    changed = [sid for _, sid in rows[1:]]
    if any(sid is None for sid in changed):
        return SearchIndex.load()
    if changed:
        index.refresh(changed)
    index.version = rows[-1][0]
    if index.dead > DEAD_SHARE * max(1, index.size):
        return SearchIndex.load()
    return index


def warm_in_background() -> threading.Thread | None:
    """Build this process's index in a background thread (web processes call it as they start, so the
    first search does not wait for the build; a search that comes sooner waits for the same build)."""
    from django.conf import settings

    if not (getattr(settings, "SEARCH_INDEX_WARM", False) and available()):
        return None

    def build() -> None:
        try:
            index_at(None)
        except Exception:  # noqa: BLE001 - a failed warm-up leaves the build to the first search
            logger.exception("Could not build the search index in the background")
        finally:
            connection.close()

    thread = threading.Thread(target=build, name="search-index-warm", daemon=True)
    thread.start()
    return thread


def forget() -> None:
    """Drop every index of this process, and the cached synonyms and word forms (tests; the next
    search rebuilds)."""
    from directory.search import synonyms

    with _lock:
        _indexes.clear()
    synonyms.forget()

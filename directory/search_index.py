"""The public search's in-memory index on PostgreSQL: exact counts for every filter value in a few
milliseconds, whatever the size of the directory (ADR 0012).

Counting every match of a broad keyword or a big circle in the database costs 100-500 ms at 300,000
services, however the rows are laid out (ADR 0011). So each process keeps, beside the database, a
columnar copy of the search rows (`SearchEntry`, `SearchLocation` and the lexemes of the PostgreSQL
full-text vectors) in NumPy arrays, and answers a search with set algebra on bit sets: the keyword
matches are the intersection of the lexemes' posting lists (the same lexemes PostgreSQL's own
`plainto_tsquery('english', ...)` gives), each filter is a bit set, and a count is a popcount.

The database stays the only source of truth. The index is built from it on the first search, and
every search first compares its version with the database's (the newest id of the change log of
migration 0007, read in the same query as the search terms): when something changed, it reads only
the changed services (the log says which) before answering, so results and counts are always those
of the committed data. Changed services get new slots (the old ones are marked dead) and a process
rebuilds from scratch when a quarter of its slots are dead, when the log says "everything changed"
(a full reindex or a TRUNCATE), or when the log no longer reaches back to its version.

Only on PostgreSQL (SQLite directories are small, and its search is fast enough in the database),
only outside transactions that may still roll back (an index must never hold uncommitted data), and
only for searches on the search rows alone: the ORUK API's filters by taxonomy term, organisation,
modification time, opening hours or local authority read other tables, and go to the database.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import connection

from lib.geo import degree_lengths_m

logger = logging.getLogger(__name__)

ENABLED = True  # the benchmark turns it off to time the database search
MAX_CHANGES = 20_000  # more changed services than this since the index was built: rebuild
DEAD_SHARE = 0.25  # rebuild when this share of the slots hold replaced or deleted services

_ENTRY_COLUMNS = (
    "service_id, name_sort, status, minimum_age, maximum_age, is_free, in_person, online, by_phone, "
    "days_mask, needs_mask, categories_mask"
)
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")

Bits = np.ndarray  # a packed bit set: uint64 words, bit i of the set = slot i


def available() -> bool:
    """Whether searches on this connection may use the index now."""
    if not ENABLED or connection.vendor != "postgresql":
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
    """...and log "everything changed" once, instead of the rows (every index rebuilds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('directory.full_reindex', 'off', true)")
            cursor.execute("INSERT INTO directory_searchchange (service_id) VALUES (NULL) RETURNING id")
            (marker,) = cursor.fetchone()
            cursor.execute("DELETE FROM directory_searchchange WHERE id < %s", [marker])


def prune_change_log() -> None:
    """Keep the newest KEEP_CHANGES log rows (an index missing the row it was built at rebuilds)."""
    if connection.vendor == "postgresql":
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


@lru_cache(maxsize=4096)
def _lexemes_of(text: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT plainto_tsquery('english'::regconfig, %s)::text", [text])
        row = cursor.fetchone()
    return _parse_tsquery(row[0] if row else "")


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


# --- The index ----------------------------------------------------------------------------------


@dataclass
class IndexAnswer:
    total: int
    counts: dict[str, Counter[Any]]
    without: dict[str, int]
    hits: list[tuple[int, float | None]]  # (service id, distance in metres) for the page


class SearchIndex:
    """One process's columnar copy of the search rows. Build with `SearchIndex.load()`."""

    def __init__(self) -> None:
        self.version = 0
        self.size = 0  # slots in use (alive or dead)
        self.service_ids = np.zeros(0, dtype=np.int64)
        self.names: list[str] = []
        self.statuses: list[str] = []  # per slot
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
        self.slot_of: dict[int, int] = {}
        self.postings: dict[str, np.ndarray] = {}  # lexeme -> ascending slots (int32)
        self.name_postings: dict[str, np.ndarray] = {}
        self.location_slot = np.zeros(0, dtype=np.int32)  # ascending
        self.latitude = np.zeros(0, dtype=np.float64)
        self.longitude = np.zeros(0, dtype=np.float64)
        # Derived by _derive(): bit sets and orderings.
        self.words = 0
        self.name_rank = np.zeros(0, dtype=np.int64)
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

    def nbytes(self) -> int:
        """The memory its arrays take (not counting Python's own objects: names, statuses, dicts)."""
        arrays = [value for value in vars(self).values() if isinstance(value, np.ndarray)]
        for group in (self.postings, self.name_postings, self.status_bits, self.need_bits):
            arrays += group.values()
        for group in (self.category_bits, self.day_bits, self.delivery_bits):
            arrays += group.values()
        return sum(a.nbytes for a in arrays)

    # -- building and refreshing --

    @classmethod
    def load(cls) -> SearchIndex:
        """Build from the database (the version is read first: anything that commits while the rows
        are read has a newer log id, so the next search reads it again)."""
        index = cls()
        index.version = current_version()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM directory_searchentry "  # noqa: S608 - constant SQL
                'ORDER BY name_sort COLLATE "C", service_id'
            )
            entries = cursor.fetchall()
            index._append_entries(entries)
            lookup = index._slot_lookup()
            for column, target in (("search_vector", index.postings), ("name_vector", index.name_postings)):
                cursor.execute(
                    "SELECT lexeme, string_agg(int8send(service_id), ''::bytea) "  # noqa: S608
                    f"FROM directory_searchentry, unnest(tsvector_to_array({column})) AS lexeme "
                    "GROUP BY lexeme"
                )
                for lexeme, blob in cursor:
                    ids = np.frombuffer(bytes(blob), dtype=">i8").astype(np.int64)
                    target[lexeme] = np.sort(lookup[ids]).astype(np.int32)
            cursor.execute("SELECT service_id, latitude, longitude FROM directory_searchlocation")
            index._append_locations(cursor.fetchall())
        index._derive()
        return index

    def _slot_lookup(self) -> np.ndarray:
        top = int(self.service_ids.max()) if self.size else 0
        lookup = np.full(top + 1, -1, dtype=np.int64)
        lookup[self.service_ids] = np.arange(self.size)
        return lookup

    def _append_entries(self, rows: list[tuple[Any, ...]]) -> np.ndarray:
        """New slots for these entry rows (in order); returns the slots."""
        start = self.size
        count = len(rows)
        slots = np.arange(start, start + count, dtype=np.int64)
        if not count:
            return slots
        (sids, names, statuses, low, high, free, person, online, phone, days, needs, cats) = zip(
            *rows, strict=True
        )
        for sid in sids:  # a service read again: its old slot dies
            old = self.slot_of.get(sid)
            if old is not None and self.alive[old]:
                self.alive[old] = False
                self.dead += 1
        self.service_ids = np.concatenate([self.service_ids, np.array(sids, dtype=np.int64)])
        self.names += names
        self.statuses += statuses
        self.minimum_age = np.concatenate([self.minimum_age, np.array(low, dtype=np.int16)])
        self.maximum_age = np.concatenate([self.maximum_age, np.array(high, dtype=np.int16)])
        self.is_free = np.concatenate([self.is_free, np.array(free, dtype=bool)])
        self.in_person = np.concatenate([self.in_person, np.array(person, dtype=bool)])
        self.online = np.concatenate([self.online, np.array(online, dtype=bool)])
        self.by_phone = np.concatenate([self.by_phone, np.array(phone, dtype=bool)])
        self.days = np.concatenate([self.days, np.array(days, dtype=np.int64)])
        self.needs = np.concatenate([self.needs, np.array(needs, dtype=np.int64)])
        self.categories = np.concatenate([self.categories, np.array(cats, dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(count, dtype=bool)])
        for slot, sid in zip(slots.tolist(), sids, strict=True):
            self.slot_of[sid] = slot
        self.size += count
        return slots

    def _append_locations(self, rows: list[tuple[Any, ...]]) -> None:
        rows = [(self.slot_of[sid], lat, lng) for sid, lat, lng in rows if sid in self.slot_of]
        if not rows:
            return
        rows.sort()
        slots, lats, lngs = zip(*rows, strict=True)
        self.location_slot = np.concatenate([self.location_slot, np.array(slots, dtype=np.int32)])
        self.latitude = np.concatenate([self.latitude, np.array(lats, dtype=np.float64)])
        self.longitude = np.concatenate([self.longitude, np.array(lngs, dtype=np.float64)])

    def _derive(self) -> None:
        """The bit sets and orderings, from the columns (after a build or a refresh)."""
        size = self.size
        words = max(1, (size + 63) // 64)
        self.words = words
        order = sorted(range(size), key=lambda i: (self.names[i], int(self.service_ids[i])))
        rank = np.empty(size, dtype=np.int64)
        rank[np.array(order, dtype=np.int64)] = np.arange(size)
        self.name_rank = rank
        self.alive_bits = _pack(self.alive, words)
        statuses = np.array(self.statuses, dtype=object)
        self.status_bits = {s: _pack(statuses == s, words) for s in set(self.statuses)}

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
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM directory_searchentry "  # noqa: S608 - constant SQL
                "WHERE service_id = ANY(%s) ORDER BY service_id",
                [ids],
            )
            entries = cursor.fetchall()
            present = {row[0] for row in entries}
            for sid in ids:
                slot = self.slot_of.get(sid)
                if slot is not None and self.alive[slot] and sid not in present:
                    self.alive[slot] = False
                    self.dead += 1
            slots = self._append_entries(entries)
            slot_of = dict(zip([row[0] for row in entries], slots.tolist(), strict=True))
            cursor.execute(
                "SELECT service_id, tsvector_to_array(search_vector), tsvector_to_array(name_vector) "
                "FROM directory_searchentry WHERE service_id = ANY(%s)",
                [ids],
            )
            added: dict[str, list[int]] = {}
            added_names: dict[str, list[int]] = {}
            for sid, lexemes, name_lexemes in cursor.fetchall():
                slot = slot_of.get(sid)
                if slot is None:
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
            cursor.execute(
                "SELECT service_id, latitude, longitude FROM directory_searchlocation "
                "WHERE service_id = ANY(%s)",
                [[sid for sid in ids if sid in present]],
            )
            self._append_locations(cursor.fetchall())
        self._derive()

    # -- searching --

    def search(
        self,
        *,
        lexemes: tuple[str, ...] | None,
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
    ) -> IndexAnswer:
        """`lexemes`: all must match (None: no keyword condition; empty: nothing matches).
        `filters`: group -> ("age", (low, high)) | ("needs"/"categories"/"days", mask) |
        ("cost", is_free) | ("delivery", [values]), as in directory.search."""
        size, words = self.size, self.words
        base = self.alive_bits.copy()
        chosen = np.zeros(words, dtype=np.uint64)
        for status in statuses:
            if status in self.status_bits:
                chosen |= self.status_bits[status]
        base &= chosen
        if lexemes is not None:
            if not lexemes:  # only stop words: PostgreSQL matches nothing
                base[:] = 0
            for lexeme in lexemes:
                slots = self.postings.get(lexeme)
                if slots is None:
                    base[:] = 0
                    break
                base &= _from_slots(slots, size, words)
        nearest: np.ndarray | None = None
        if latitude is not None and longitude is not None:
            nearest = self._nearest_d2(latitude, longitude)
            if proximity_m is not None:
                base &= _pack(nearest <= proximity_m**2, words)

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
            order = self._order(slots, lexemes, nearest, sort, offset + limit)
            page = slots[order[offset : offset + limit]]
            for slot in page.tolist():
                distance = None
                if nearest is not None and np.isfinite(nearest[slot]):
                    distance = float(np.sqrt(nearest[slot]))
                hits.append((int(self.service_ids[slot]), distance))
        return IndexAnswer(total, counts, without, hits)

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
        lexemes: tuple[str, ...] | None,
        nearest: np.ndarray | None,
        sort: str,
        wanted: int,
    ) -> np.ndarray:
        """Indexes into `slots` of the first `wanted` in the search's order."""
        rank = self.name_rank[slots]
        if sort == "relevance" and lexemes:
            # Services whose name has more of the words first, then by name.
            score = np.zeros(slots.size, dtype=np.int64)
            for lexeme in lexemes:
                named = self.name_postings.get(lexeme)
                if named is not None:
                    in_name = np.zeros(self.size, dtype=bool)
                    in_name[named] = True
                    score += in_name[slots]
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
    """Drop every index of this process (tests; the next search rebuilds)."""
    with _lock:
        _indexes.clear()

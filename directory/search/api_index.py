"""The ORUK API's own filters and list orders, in memory beside the public search's index (ADR 0009,
ADR 0012).

The API filters services on what the search rows do not hold (taxonomy terms of every vocabulary,
the organisation, when the service last changed, the local authorities its service areas cover),
lists all services by name, and lists service-at-locations by their service's name. At 300,000
services the database answers those by counting, sorting or skipping hundreds of thousands of rows
(0.2-2 s a request). So each process keeps, beside its `SearchIndex` and aligned with its slots:

- per slot: the service's provider id, its `updated_at` in microseconds since 1970, and whether it
  has a service area;
- per taxonomy term (service attributes) and per local authority code (service areas): the slots;
- every service id in the API's list order (`Service.name`, then id, as the database sorts them),
  read again after any change;
- every service-at-location: its id, its service's id and its location's coordinates.

The columns follow the index: a rebuilt index gets new columns; when the index reads changed
services again (their old slots die, new ones are appended), the columns read the same services
again. So they are exactly as fresh as the search rows (every change to a service reindexes it,
`directory.services`), and apply only where the index does (`index.available()`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction

from directory.models import Provider, Service, TaxonomyTerm
from directory.search import index as search_index
from directory.search.index import Bits, SearchIndex, _from_slots, _pack
from lib.geo import bounding_box, degree_lengths_m

logger = logging.getLogger(__name__)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def microseconds(value: dt.datetime) -> int:
    """An aware date-time as whole microseconds since 1970 (exact: integer arithmetic)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return (value - EPOCH) // ONE_MICROSECOND


@dataclass
class ApiColumns:
    """One process's API columns for one `SearchIndex` (see the module docstring)."""

    index: SearchIndex
    size: int = 0  # slots covered
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # index.alive when synced
    provider: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    updated: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    has_area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    terms: dict[int, np.ndarray] = field(default_factory=dict)  # term pk -> slots
    areas: dict[str, np.ndarray] = field(default_factory=dict)  # la_code -> slots
    # Service-at-locations: id, service id, location coordinates (NaN: none).
    sal_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sal_services: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sal_latitude: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    sal_longitude: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    # Service ids in list order (None: to be read again), and, by service id, the position.
    _name_order: np.ndarray | None = None
    _sorted_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _rank_of_sorted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Derived when first needed after a change: each service-at-location's service slot, and the
    # rows in list order.
    _sal_slots: np.ndarray | None = None
    _sal_order: np.ndarray | None = None
    _sal_positions: np.ndarray | None = None
    _by_latitude: tuple[np.ndarray, np.ndarray] | None = None  # rows by latitude, and their latitudes
    _by_status: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)  # name orders by status

    def nbytes(self) -> int:
        """The memory its arrays take."""
        arrays = [value for value in vars(self).values() if isinstance(value, np.ndarray)]
        arrays += [*self.terms.values(), *self.areas.values(), *self._by_status.values()]
        arrays += list(self._by_latitude or ())
        return sum(a.nbytes for a in arrays)

    # -- building and following the index --

    @classmethod
    def load(cls, index: SearchIndex) -> ApiColumns:
        """Every column from the database, in one snapshot (like `SearchIndex.load`)."""
        columns = cls(index)
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost and connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            columns._grow()
            columns._read_services(cursor, None)
            columns._read_service_at_locations(cursor, None)
            columns._read_name_order(cursor)
        columns.alive = index.alive.copy()
        return columns

    def follow(self) -> None:
        """Catch up with the index after it read changed services again (new slots, dead slots)."""
        index = self.index
        died = np.flatnonzero(self.alive[: self.size] & ~index.alive[: self.size])
        added = np.arange(self.size, index.size)
        if not died.size and not added.size:
            return
        changed = np.unique(np.concatenate([index.service_ids[died], index.service_ids[added]]))
        present = [int(sid) for sid in np.unique(index.service_ids[added])]
        with connection.cursor() as cursor:
            self._grow()
            self._read_services(cursor, present)
            keep = ~np.isin(self.sal_services, changed)
            for name in ("sal_ids", "sal_services", "sal_latitude", "sal_longitude"):
                setattr(self, name, getattr(self, name)[keep])
            self._read_service_at_locations(cursor, present)
        self._name_order = None  # names may have changed: read again when a list needs it
        self._sal_slots = self._sal_order = self._sal_positions = self._by_latitude = None
        self.alive = index.alive.copy()

    def _grow(self) -> None:
        """Per-slot arrays as long as the index (new slots: no provider, no area yet)."""
        more = self.index.size - self.size
        if more > 0:
            self.provider = np.concatenate([self.provider, np.full(more, -1, dtype=np.int64)])
            self.updated = np.concatenate([self.updated, np.zeros(more, dtype=np.int64)])
            self.has_area = np.concatenate([self.has_area, np.zeros(more, dtype=bool)])
        self.size = self.index.size

    def _read_services(self, cursor: Any, ids: list[int] | None) -> None:
        """Provider, updated_at, terms and service areas of these services (None: all)."""
        for part in _chunks(ids):
            if connection.vendor == "postgresql":
                where, params = _where_in("id", part)
                sql = f"SELECT {_SERVICE_COLUMNS} FROM directory_service{where}"  # noqa: S608 - ids are parameters
                sids, providers, updated = _binary(
                    cursor,
                    sql,
                    params,
                    (">i8", ">i8", ">i8"),
                )
            else:
                services = Service.objects.order_by()
                if part is not None:
                    services = services.filter(pk__in=part)
                rows = list(services.values_list("pk", "provider_id", "updated_at"))
                sids = np.array([r[0] for r in rows], dtype=np.int64)
                providers = np.array([r[1] for r in rows], dtype=np.int64)
                updated = np.array([microseconds(r[2]) for r in rows], dtype=np.int64)
            slots = self.index.slots_of(sids)
            found = slots >= 0
            self.provider[slots[found]] = providers[found]
            self.updated[slots[found]] = updated[found]
            self._add_postings(cursor, "directory_attribute", "taxonomy_term_id", part, self.terms)
            self._add_postings(cursor, "directory_servicearea", "la_code", part, self.areas)
        for code_slots in self.areas.values():
            self.has_area[code_slots] = True

    def _add_postings(
        self, cursor: Any, table: str, key: str, ids: list[int] | None, target: dict[Any, np.ndarray]
    ) -> None:
        where = _where_in("service_id", ids, first=False)
        if connection.vendor == "postgresql":
            rows = _rows(
                cursor,
                f"SELECT {key}, string_agg(int8send(service_id), ''::bytea) FROM {table} "  # noqa: S608
                f"WHERE service_id IS NOT NULL{where[0]} GROUP BY {key}",
                where[1],
            )
            grouped = {k: np.frombuffer(bytes(blob), dtype=">i8").astype(np.int64) for k, blob in rows}
        else:
            pairs = _rows(
                cursor,
                f"SELECT {key}, service_id FROM {table} WHERE service_id IS NOT NULL{where[0]}",  # noqa: S608
                where[1],
            )
            lists: dict[Any, list[int]] = {}
            for k, sid in pairs:
                lists.setdefault(k, []).append(sid)
            grouped = {k: np.array(v, dtype=np.int64) for k, v in lists.items()}
        for k, sids in grouped.items():
            slots = self.index.slots_of(sids)
            slots = slots[slots >= 0].astype(np.int32)
            old = target.get(k)
            target[k] = slots if old is None else np.concatenate([old, slots])

    def _read_service_at_locations(self, cursor: Any, ids: list[int] | None) -> None:
        for part in _chunks(ids):
            where, params = _where_in("sal.service_id", part)
            sql_from = (
                "FROM directory_serviceatlocation sal JOIN directory_location loc ON loc.id = sal.location_id"
                + where
            )
            if connection.vendor == "postgresql":
                sal_ids, services, lats, lngs = _binary(
                    cursor,
                    "SELECT string_agg(int8send(sal.id), ''::bytea), "
                    "string_agg(int8send(sal.service_id), ''::bytea), "
                    "string_agg(float8send(COALESCE(loc.latitude, 'NaN')), ''::bytea), "
                    f"string_agg(float8send(COALESCE(loc.longitude, 'NaN')), ''::bytea) {sql_from}",  # noqa: S608
                    params,
                    (">i8", ">i8", ">f8", ">f8"),
                )
            else:
                rows = _rows(
                    cursor, f"SELECT sal.id, sal.service_id, loc.latitude, loc.longitude {sql_from}", params
                )  # noqa: S608
                sal_ids = np.array([r[0] for r in rows], dtype=np.int64)
                services = np.array([r[1] for r in rows], dtype=np.int64)
                lats = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64)
                lngs = np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64)
            self.sal_ids = np.concatenate([self.sal_ids, sal_ids])
            self.sal_services = np.concatenate([self.sal_services, services])
            self.sal_latitude = np.concatenate([self.sal_latitude, lats])
            self.sal_longitude = np.concatenate([self.sal_longitude, lngs])

    def _read_name_order(self, cursor: Any) -> None:
        if connection.vendor == "postgresql":
            (order,) = _binary(
                cursor,
                "SELECT string_agg(int8send(id), ''::bytea ORDER BY name, id) FROM directory_service",
                [],
                (">i8",),
            )
        else:
            cursor.execute("SELECT id FROM directory_service ORDER BY name, id")
            order = np.array([sid for (sid,) in cursor.fetchall()], dtype=np.int64)
        self._name_order = order
        self._sal_order = self._sal_positions = None
        self._by_status = {}
        by_id = np.argsort(order, kind="stable")
        self._sorted_ids = order[by_id]
        self._rank_of_sorted = by_id.astype(np.int64)

    def name_order(self, statuses: Sequence[str] | None = None) -> np.ndarray:
        """Every service id in the API's list order (Service.name, then id); given statuses that
        are not every status, only the services of those."""
        if self._name_order is None:
            with connection.cursor() as cursor:
                self._read_name_order(cursor)
        assert self._name_order is not None
        if statuses is None or set(statuses) >= set(search_index.STATUSES):
            return self._name_order
        key = tuple(sorted(statuses))
        if key not in self._by_status:
            slots = self.index.slots_of(self._name_order)
            codes = [search_index.STATUSES.index(s) for s in key if s in search_index.STATUSES]
            keep = (slots >= 0) & np.isin(self.index.status[np.maximum(slots, 0)], codes)
            self._by_status[key] = self._name_order[keep]
        return self._by_status[key]

    def of_statuses(self, statuses: Sequence[str]) -> Bits | None:
        """The live slots of services of these statuses (None: every status, so no condition)."""
        if not statuses or set(statuses) >= set(search_index.STATUSES):
            return None
        bits = np.zeros(self.index.words, dtype=np.uint64)
        for status in statuses:
            if status in self.index.status_bits:
                bits |= self.index.status_bits[status]
        return bits & self.index.alive_bits

    def name_rank(self, service_ids: np.ndarray) -> np.ndarray:
        """Each service's position in `name_order()` (services it does not hold: last)."""
        self.name_order()
        if not self._sorted_ids.size:
            return np.full(service_ids.size, np.iinfo(np.int64).max, dtype=np.int64)
        where = np.minimum(np.searchsorted(self._sorted_ids, service_ids), self._sorted_ids.size - 1)
        found = self._sorted_ids[where] == service_ids
        return np.where(found, self._rank_of_sorted[where], np.iinfo(np.int64).max)

    # -- answering --

    def restriction(
        self,
        *,
        term_ids: Sequence[int] | None,
        provider_id: int | None,
        la_codes: Sequence[str],
        modified_after: dt.datetime | None,
        has_provider_filter: bool,
    ) -> Bits:
        """The slots that pass the API's own filters (None or empty: that filter does not apply).
        `la_codes`: services with no service area, or one recorded at any of these codes (a
        postcode's county and district: an OR of at most two posting lists)."""
        size, words = self.index.size, self.index.words
        flags = np.ones(size, dtype=bool)
        if has_provider_filter:
            flags &= self.provider == (provider_id if provider_id is not None else -2)
        if modified_after is not None:
            flags &= self.updated > microseconds(modified_after)
        if la_codes:
            covered = np.zeros(size, dtype=bool)
            for la_code in la_codes:
                covered[self.areas.get(la_code, _NO_SLOTS)] = True
            flags &= ~self.has_area | covered
        bits = _pack(flags, words)
        if term_ids is not None:
            tagged = np.zeros(words, dtype=np.uint64)
            for term_id in term_ids:
                if term_id in self.terms:
                    tagged |= _from_slots(self.terms[term_id], size, words)
            bits &= tagged
        return bits

    def service_at_locations(
        self,
        matching: Bits | None,
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        metres: float | None = None,
    ) -> np.ndarray:
        """The ids of the service-at-locations whose service is in `matching` (None: every one)
        and, given a place and a distance, whose location is that close, in the API's order: by
        service name, service id, then id."""
        rows: np.ndarray | None = None  # the rows kept so far (None: every row)
        if latitude is not None and longitude is not None and metres is not None:
            rows = self._rows_within(latitude, longitude, metres)
        if matching is not None:
            slots = self._service_slots()
            rows = np.arange(self.sal_ids.size) if rows is None else rows
            rows = rows[slots[rows] >= 0]
            flags = np.unpackbits(matching.view(np.uint8), count=self.index.size, bitorder="little")
            rows = rows[flags[slots[rows]].astype(bool)]
        order = self._list_order()
        if rows is None:
            return self.sal_ids[order]
        if rows.size * 8 < self.sal_ids.size:  # few: sort their positions in the list order
            return self.sal_ids[order[np.sort(self._positions()[rows])]]
        keep = np.zeros(self.sal_ids.size, dtype=bool)
        keep[rows] = True
        return self.sal_ids[order[keep[order]]]

    def _service_slots(self) -> np.ndarray:
        """Per service-at-location: its service's live slot in the index (-1: none)."""
        if self._sal_slots is None:
            self._sal_slots = self.index.slots_of(self.sal_services)
        return self._sal_slots

    def _list_order(self) -> np.ndarray:
        """The service-at-location rows in the API's order (service name, service id, id)."""
        if self._sal_order is None:
            ranks = self.name_rank(self.sal_services)
            self._sal_order = np.lexsort((self.sal_ids, ranks))
        return self._sal_order

    def _positions(self) -> np.ndarray:
        """Per service-at-location row: its position in the list order."""
        if self._sal_positions is None:
            order = self._list_order()
            self._sal_positions = np.empty(order.size, dtype=np.int64)
            self._sal_positions[order] = np.arange(order.size)
        return self._sal_positions

    def _rows_within(self, latitude: float, longitude: float, metres: float) -> np.ndarray:
        """The rows whose location is within `metres`: the bounding box (its latitude band found
        by binary search in the rows sorted by latitude), then the flat-map distance; the same
        arithmetic as the database's (`directory.api._locations_within`, lib.geo)."""
        if self._by_latitude is None:
            by_latitude = np.argsort(self.sal_latitude, kind="stable")  # NaN (no place) last
            self._by_latitude = (by_latitude, self.sal_latitude[by_latitude])
        by_latitude, sorted_latitude = self._by_latitude
        box = bounding_box(latitude, longitude, metres)
        low = int(np.searchsorted(sorted_latitude, box.min_latitude, side="left"))
        high = int(np.searchsorted(sorted_latitude, box.max_latitude, side="right"))
        rows = by_latitude[low:high]
        lat, lng = self.sal_latitude[rows], self.sal_longitude[rows]
        inside = (
            (lat >= box.min_latitude)
            & (lat <= box.max_latitude)
            & (lng >= box.min_longitude)
            & (lng <= box.max_longitude)
        )
        per_lat, per_lng = degree_lengths_m(latitude)
        dy = (lat - latitude) * per_lat
        dx = (lng - longitude) * per_lng
        inside &= dy * dy + dx * dx <= metres**2
        return rows[inside]


_NO_SLOTS = np.zeros(0, dtype=np.int64)


_SERVICE_COLUMNS = (
    "string_agg(int8send(id), ''::bytea), string_agg(int8send(provider_id), ''::bytea), "
    "string_agg(int8send((extract(epoch FROM updated_at) * 1000000)::int8), ''::bytea)"
)
CHUNK = 500  # ids per query when reading changed services (SQLite limits the parameters)


def _chunks(ids: list[int] | None) -> list[list[int] | None]:
    """[None] for every row, else the ids in chunks (none for no ids)."""
    if ids is None:
        return [None]
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _where_in(column: str, ids: list[int] | None, *, first: bool = True) -> tuple[str, list[int]]:
    """ " WHERE column IN (...)" (or " AND ...") for these ids; nothing for None (every row)."""
    if ids is None:
        return "", []
    placeholders = ", ".join(["%s"] * len(ids))
    return f" {'WHERE' if first else 'AND'} {column} IN ({placeholders})", list(ids)


def _rows(cursor: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def _binary(cursor: Any, sql: str, params: list[Any], dtypes: Iterable[str]) -> list[np.ndarray]:
    """One row of `string_agg(...send(...))` columns as NumPy arrays (no Python object per row)."""
    cursor.execute(sql, params)
    row = cursor.fetchone()
    arrays = []
    for blob, dtype in zip(row, dtypes, strict=True):
        kind = np.dtype(dtype)
        arrays.append(np.frombuffer(bytes(blob or b""), dtype=kind).astype(kind.newbyteorder("=")))
    return arrays


# --- One set of columns per index -------------------------------------------------------------

_columns: dict[int, ApiColumns] = {}
_lock = threading.Lock()


def columns_for(index: SearchIndex) -> ApiColumns:
    """The API columns of this index, built on first use and kept in step with it."""
    with _lock:
        columns = _columns.get(id(index))
        if columns is None or columns.index is not index:
            _columns.clear()  # one index per database in a process: the old one is gone
            columns = ApiColumns.load(index)
            _columns[id(index)] = columns
        else:
            columns.follow()
        return columns


def forget() -> None:
    """Drop this process's columns (tests; the next API list rebuilds them)."""
    with _lock:
        _columns.clear()


def warm_in_background() -> threading.Thread | None:
    """Build this process's search index and then its API columns in a background thread (web
    processes call it as they start, so neither the first search nor the first API list waits)."""
    from django.conf import settings

    if not (getattr(settings, "SEARCH_INDEX_WARM", False) and search_index.available()):
        return None

    def build() -> None:
        try:
            columns_for(search_index.index_at(None))
        except Exception:  # noqa: BLE001 - a failed warm-up leaves the build to the first request
            logger.exception("Could not build the search index and API columns in the background")
        finally:
            connection.close()

    thread = threading.Thread(target=build, name="search-index-warm", daemon=True)
    thread.start()
    return thread


@dataclass
class Matching:
    """Every service a search matched, as the index's bit set (`SearchResults.matching`)."""

    index: SearchIndex
    bits: Bits


def services_by_name(offset: int, limit: int, *, statuses: Sequence[str]) -> tuple[list[int], int] | None:
    """(ids of the services of these statuses from `offset`, how many there are) in the API's list
    order, from memory: no COUNT and no OFFSET through the table. None when the index cannot answer."""
    if not search_index.available():
        return None
    order = columns_for(search_index.index_at(None)).name_order(statuses)
    return [int(sid) for sid in order[offset : offset + limit]], int(order.size)


def service_at_locations(
    matching: Matching | None,
    offset: int,
    limit: int,
    *,
    statuses: Sequence[str] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    metres: float | None = None,
) -> tuple[list[int], int] | None:
    """(service-at-location ids from `offset`, how many there are) whose service is in `matching`
    (None: every service of these statuses) and, given a place and a distance, whose location is
    that close; by service name, service id, then id. None when the index cannot answer."""
    if matching is None:
        if not search_index.available():
            return None
        columns = columns_for(search_index.index_at(None))
        bits = columns.of_statuses(statuses)
    else:
        columns = columns_for(matching.index)
        bits = matching.bits
    ids = columns.service_at_locations(bits, latitude=latitude, longitude=longitude, metres=metres)
    return [int(sid) for sid in ids[offset : offset + limit]], int(ids.size)


def has_api_filters(params: Any) -> bool:
    """Whether a search uses the API's own filters (taxonomy terms, organisation, service areas,
    modification time)."""
    return bool(
        params.taxonomy_terms
        or params.taxonomies
        or params.provider
        or params.covering_la_codes
        or params.modified_after is not None
    )


def restriction(index: SearchIndex, params: Any) -> Bits | None:
    """The slots passing the API's own filters of `params` (a ServiceSearch), or None when it has
    none. Looks up the terms and the organisation by their public ids (at most two small queries)."""
    if not has_api_filters(params):
        return None
    term_ids: list[int] | None = None
    if params.taxonomy_terms or params.taxonomies:
        terms = TaxonomyTerm.objects.all()
        if params.taxonomy_terms:
            terms = terms.filter(public_id__in=list(params.taxonomy_terms))
        if params.taxonomies:
            terms = terms.filter(taxonomy__public_id__in=list(params.taxonomies))
        term_ids = list(terms.values_list("pk", flat=True))
    provider_id = None
    if params.provider:
        provider_id = Provider.objects.filter(public_id=params.provider).values_list("pk", flat=True).first()
    return columns_for(index).restriction(
        term_ids=term_ids,
        provider_id=provider_id,
        la_codes=params.covering_la_codes,
        modified_after=params.modified_after,
        has_provider_filter=bool(params.provider),
    )

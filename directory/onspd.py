"""Import postcode centroids from the ONS Postcode Directory (ONSPD) CSV.

The real file has about 2.7 million rows, so it is streamed: csv.reader over the open file, rows
upserted in batches, nothing kept between batches. Memory stays flat whatever the file's size.

Column names have changed between ONSPD editions (pcd/pcd2/pcds, later pcd7/pcd8; oslaua, later
lad23cd/lad25cd...), so columns are found by name, case-insensitively, with the alternatives below.

Each postcode keeps its local authority district code (oslaua: a unitary authority, London borough,
metropolitan or non-metropolitan district) and, in a two-tier area, its county code (oscty): there the
county council is the local authority for education and SEN, so a child's record goes to the county.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction

from directory.models import Postcode
from lib.postcodes import display_postcode, is_postcode, postcode_key

NO_COORDINATE = (
    99.0  # ONSPD puts 99.999999 in lat (and 0.000000 in long) when a postcode has no grid reference
)

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode")
LA_COLUMNS = ("oslaua", "laua", "lad")
LA_PATTERN = re.compile(r"^lad\d{2}cd$")
COUNTY_COLUMNS = ("oscty", "cty")
COUNTY_PATTERN = re.compile(r"^cty\d{2}cd$")
# ONSPD's pseudo-code for "no county" (a unitary authority, London borough or metropolitan district;
# E99999999 in England, W/S/N/L/M99999999 elsewhere): stored as blank.
NO_COUNTY = re.compile(r"^[A-Z]99999999$")
LATITUDE_COLUMNS = ("lat", "latitude")
LONGITUDE_COLUMNS = ("long", "lon", "longitude")
TERMINATED_COLUMNS = ("doterm",)


@dataclass
class OnspdResult:
    rows: int = 0
    saved: int = 0
    terminated: int = 0
    skipped_no_coordinates: int = 0
    skipped_terminated: int = 0
    invalid: int = 0

    def __str__(self) -> str:
        return (
            f"Read {self.rows:,} rows: saved {self.saved:,} postcodes ({self.terminated:,} of them terminated), "
            f"skipped {self.skipped_no_coordinates:,} without coordinates, "
            f"{self.skipped_terminated:,} terminated and {self.invalid:,} not valid"
        )


class OnspdFormatError(ValueError):
    pass


def _find(header: list[str], names: Iterable[str], pattern: re.Pattern[str] | None = None) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    if pattern is not None:
        for i, h in enumerate(lowered):
            if pattern.match(h):
                return i
    return None


def _month(text: str) -> dt.date | None:
    """ONSPD dates are 'YYYYMM'."""
    text = text.strip()
    if len(text) == 6 and text.isdigit():
        return dt.date(int(text[:4]), int(text[4:]), 1)
    return None


def _county(text: str) -> str:
    """The county code of a postcode in a two-tier area; blank for ONSPD's "no county" pseudo-code."""
    code = text.strip()[:9]
    return "" if NO_COUNTY.match(code) else code


@contextmanager
def open_onspd(path: str | Path) -> Iterator[IO[str]]:
    """Open an ONSPD CSV, or the main CSV inside the ONSPD zip (its largest Data/*.csv)."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
            if not members:
                raise OnspdFormatError("The zip file has no CSV in it")
            member = max(members, key=lambda i: ("/data/" in f"/{i.filename.lower()}", i.file_size))
            with archive.open(member) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle


def import_onspd(
    lines: Iterable[str], *, batch_size: int = 5000, include_terminated: bool = True
) -> OnspdResult:
    """Upsert every postcode with coordinates from ONSPD CSV lines (an open file is fine).

    Rows without coordinates are skipped; terminated postcodes are kept with their termination date
    (old letters and records still use them) unless `include_terminated` is false. Each batch is its
    own transaction, so an interrupted import can simply be run again.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise OnspdFormatError("The file is empty") from None
    pc_col = _find(header, POSTCODE_COLUMNS)
    lat_col = _find(header, LATITUDE_COLUMNS)
    lon_col = _find(header, LONGITUDE_COLUMNS)
    la_col = _find(header, LA_COLUMNS, LA_PATTERN)
    county_col = _find(header, COUNTY_COLUMNS, COUNTY_PATTERN)
    term_col = _find(header, TERMINATED_COLUMNS)
    if pc_col is None or lat_col is None or lon_col is None:
        raise OnspdFormatError(
            "This does not look like the ONS Postcode Directory: it needs columns for the postcode "
            "(pcds or pcd), lat and long"
        )
    result = OnspdResult()
    batch: dict[str, Postcode] = {}
    width = max(c for c in (pc_col, lat_col, lon_col, la_col, county_col, term_col) if c is not None) + 1
    for row in reader:
        result.rows += 1
        if len(row) < width:
            result.invalid += 1
            continue
        key = postcode_key(row[pc_col])
        if not is_postcode(key):
            result.invalid += 1
            continue
        try:
            latitude = float(row[lat_col])
            longitude = float(row[lon_col])
        except ValueError:
            result.skipped_no_coordinates += 1
            continue
        if latitude >= NO_COORDINATE or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            result.skipped_no_coordinates += 1
            continue
        terminated = _month(row[term_col]) if term_col is not None else None
        if terminated is not None:
            if not include_terminated:
                result.skipped_terminated += 1
                continue
            result.terminated += 1
        batch[key] = Postcode(
            postcode=display_postcode(key),
            key=key,
            latitude=latitude,
            longitude=longitude,
            la_code=row[la_col].strip()[:9] if la_col is not None else "",
            county_code=_county(row[county_col]) if county_col is not None else "",
            terminated=terminated,
        )
        if len(batch) >= batch_size:
            result.saved += _save(batch)
    if batch:
        result.saved += _save(batch)
    return result


def _save(batch: dict[str, Postcode]) -> int:
    rows = list(batch.values())
    batch.clear()
    with transaction.atomic():
        Postcode.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["postcode", "latitude", "longitude", "la_code", "county_code", "terminated"],
        )
    return len(rows)

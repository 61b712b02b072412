"""Fuzz the importers (CSV template and ORUK JSON) with generated files: whatever the file holds,
the import answers with row errors or imports it, never raises, and a file with any error saves
nothing. Bounded: FUZZ_EXAMPLES files per importer (default 60), stopping after FUZZ_SECONDS (default 30) each."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.importing import TEMPLATE_COLUMNS, import_csv, import_oruk_json
from directory.models import Provider, Service

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

#: Values people (and broken tools) put in cells: ordinary text, numbers in every spelling, dates
#: out of range, control characters and NULs, long runs.
NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "NaN", "nan", "inf", "-Infinity", "1e999", "-1", "0", "9" * 400, "1.5",
     "0001-01-01", "31/12/9999", "2026-02-30", "25:61", "\ufeff", "'=cmd", "٣", "x" * 300, "Mon-Sun",
     "autism; ADHD", "https://", "a@", "NS1 1AA", "north", "free", "£5"]
)  # fmt: skip
CELL = st.one_of(NASTY, st.text(max_size=40), st.integers().map(str), st.floats().map(str))


def _counts() -> tuple[int, int]:
    return Service.objects.count(), Provider.objects.count()


def _check(importer: Any, data: Any, deadline: float) -> None:
    if time.monotonic() > deadline:
        return
    before = _counts()
    with transaction.atomic():  # each file on its own, as each upload is
        result = importer(data, dry_run=False)
        if not result.ok:
            assert result.errors and all(str(e) for e in result.errors)
            assert _counts() == before, "a file with errors saved something"
        transaction.set_rollback(True)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    columns = draw(st.lists(st.sampled_from([*TEMPLATE_COLUMNS, "unknown", ""]), min_size=1, max_size=12))
    columns = list(dict.fromkeys(["name", "provider", "description", *columns]))
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns) + 1), max_size=4))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), CELL)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
SERVICE_KEYS = [
    "id", "name", "status", "description", "url", "email", "minimum_age", "maximum_age", "assured_date",
    "organization", "organization_id", "cost_options", "phones", "contacts", "languages", "schedules",
    "service_at_locations", "service_areas", "attributes", "funding", "wait_time", "fees_description",
]  # fmt: skip


@st.composite
def oruk_files(draw: st.DrawFn) -> str:
    def service() -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": draw(CELL),
            "status": "active",
            "organization": {"name": draw(CELL)},
        }
        for key in draw(st.lists(st.sampled_from(SERVICE_KEYS), max_size=6)):
            record[key] = draw(JSON_ANY)
        return record

    services = [service() for _ in range(draw(st.integers(0, 3)))]
    shape = draw(st.sampled_from(["list", "page", "one", "raw"]))
    data: Any = {
        "list": services,
        "page": {"contents": services},
        "one": services[:1] or {},
        "raw": draw(JSON_ANY),
    }[shape]
    text = json.dumps(data, allow_nan=True)
    # Sometimes break it: cut it short, or add what JSON generators should never write.
    return draw(
        st.sampled_from(
            [text, text[: len(text) // 2], text.replace("1", "1e999", 1), text.replace("0", "NaN", 1)]
        )
    )


def test_csv_import_never_fails_on_any_file():
    deadline = time.monotonic() + SECONDS

    @FUZZ
    @given(data=csv_files())
    def run(data: bytes) -> None:
        _check(import_csv, data, deadline)

    run()


def test_oruk_json_import_never_fails_on_any_file():
    deadline = time.monotonic() + SECONDS

    @FUZZ
    @given(data=oruk_files())
    def run(data: str) -> None:
        _check(import_oruk_json, data, deadline)

    run()

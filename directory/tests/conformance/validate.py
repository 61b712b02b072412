"""A Python port of the official ORUK 3.0 API validator's rules, plus the checks it leaves out.

The official validator (OpenReferralUK/oruk-validator) is a .NET 10 service that cannot run here, so
this applies its rules (domain notes §2.3) with the same ORUK 3.0 schemas, offline:

Official rules ("Level 1" for the required endpoints `/`, `/services`, `/services/{id}`: errors;
"Level 2" for the optional ones: warnings):
1. `/` validates against api_details.json, with version "HSDS-UK-3.0".
2. Each list endpoint: page 1, the middle page (when more than 2 pages) and the last page validate
   against its list schema; an empty list is a warning and stops that endpoint.
3. Up to 10 ids taken from the list, each fetched from the detail endpoint and validated.
4. Non-2xx: an error on a required endpoint, a warning on an optional one.
5. An endpoint whose average response time is over 5 s gets a warning; each request times out at 30 s.

Extra checks (the legacy v1 validator's and ours; errors): `Access-Control-Allow-Origin: *` on
every response, no `null` anywhere, a coherent pagination envelope, no id twice across pages,
`per_page` capped, list items agree with their detail records, and the v1-style feature tests:
for several real services, a query built from the service's own data (name, postcode and
proximity, taxonomy term, taxonomy, organisation, age range, day and times, modified_after)
finds it, and adding a filter it fails excludes it (filters AND together).

Run it against any ORUK 3.0 feed:  python -m directory.tests.conformance.validate <base_url>
(exit status 1 when there are errors). The test suite runs it against a live server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CANONICAL = "https://openreferraluk.org/specifications/3.0/schema/"
EXPECTED_VERSION = "HSDS-UK-3.0"
TIMEOUT_S = 30
SLOW_AVERAGE_S = 5.0
MAX_DETAIL_IDS = 10
DEFAULT_PER_PAGE_CAP = 1000


# The ORUK 3.0 schemas, examples and OpenAPI document committed with the project (see its README.md).
SPEC_DIR = Path(__file__).resolve().parents[2] / "oruk_spec"


def default_spec_dir() -> Path:
    """The committed ORUK 3.0 specification data, or the folder named by ORUK_SPEC_DIR (to try another
    release's schemas against a feed)."""
    if os.environ.get("ORUK_SPEC_DIR"):
        return Path(os.environ["ORUK_SPEC_DIR"])
    return SPEC_DIR


def load_registry(spec_dir: Path) -> Registry:
    """Every ORUK 3.0 schema under its canonical URL, so `$ref`s resolve with no network."""
    schema_dir = spec_dir / "schema"
    files = sorted(schema_dir.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"No ORUK schemas in {schema_dir}")
    resources = [
        (CANONICAL + path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in files
    ]
    return Registry().with_resources(resources)


def schema_validator(registry: Registry, name: str) -> Draft202012Validator:
    """A validator for one ORUK schema file, checking formats (uuid, email, date-time and uri)."""
    return Draft202012Validator(
        {"$ref": CANONICAL + name}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]


def find_nulls(value: Any, path: str = "") -> Iterator[str]:
    if value is None:
        yield path or "(root)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from find_nulls(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from find_nulls(item, f"{path}/{index}")


@dataclass
class Finding:
    level: str  # "error" or "warning"
    code: str
    endpoint: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper():7} {self.code:28} {self.endpoint}: {self.message}"


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: Any
    seconds: float


@dataclass
class Report:
    base_url: str
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    timings: dict[str, list[float]] = field(default_factory=dict)
    feature_checks: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def summary(self) -> str:
        lines = [str(f) for f in self.findings]
        lines.append(
            f"{self.base_url}: {self.requests} requests, {self.feature_checks} feature checks, "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )
        return "\n".join(lines)


# endpoint groups: (list path, detail path, list schema, detail schema, required)
GROUPS = [
    ("/services", "/services/{id}", "service_list.json", "service.json", True),
    ("/taxonomies", "/taxonomies/{id}", "taxonomy_list.json", "taxonomy.json", False),
    ("/taxonomy_terms", "/taxonomy_terms/{id}", "taxonomy_term_list.json", "taxonomy_term.json", False),
    ("/organizations", "/organizations/{id}", "organization_list.json", "organization.json", False),
    (
        "/service_at_locations",
        "/service_at_locations/{id}",
        "service_at_location_list.json",
        "service_at_location.json",
        False,
    ),
]


class Validator:
    def __init__(
        self,
        base_url: str,
        *,
        spec_dir: Path | None = None,
        seed: int = 0,
        per_page_cap: int = DEFAULT_PER_PAGE_CAP,
        feature_services: int = 5,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.registry = load_registry(spec_dir or default_spec_dir())
        self.report = Report(base_url=self.base)
        self.rng = random.Random(seed)  # noqa: S311 - choosing sample ids, not security
        self.per_page_cap = per_page_cap
        self.feature_services = feature_services

    # --- plumbing ---

    def add(self, level: str, code: str, endpoint: str, message: str) -> None:
        self.report.findings.append(Finding(level, code, endpoint, message))

    def get(self, path: str, params: dict[str, Any] | None = None, *, group: str = "") -> Response:
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as raw:  # noqa: S310
                status, headers, data = raw.status, dict(raw.headers.items()), raw.read()
        except urllib.error.HTTPError as error:
            status, headers, data = error.code, dict(error.headers.items()), error.read()
        except (urllib.error.URLError, TimeoutError) as error:
            status, headers, data = 0, {}, str(error).encode()
        seconds = time.perf_counter() - started
        self.report.requests += 1
        self.report.timings.setdefault(group or path, []).append(seconds)
        try:
            body = json.loads(data) if data else None
        except ValueError:
            body = data.decode(errors="replace")
        response = Response(url, status, {k.lower(): v for k, v in headers.items()}, body, seconds)
        if status and response.headers.get("access-control-allow-origin") != "*":
            self.add("error", "CORS_HEADER_MISSING", url, "no Access-Control-Allow-Origin: * header")
        return response

    def check(self, response: Response, schema: str, *, required: bool, endpoint: str) -> bool:
        """Status, schema and no-null checks on one response; True when it is usable."""
        level = "error" if required else "warning"
        if not 200 <= response.status < 300:
            code = "REQUIRED_ENDPOINT_FAILED" if required else "OPTIONAL_ENDPOINT_FAILED"
            self.add(level, code, response.url, f"status {response.status}")
            return False
        if not isinstance(response.body, (dict, list)):
            self.add(level, "INVALID_JSON", response.url, "the body is not JSON")
            return False
        errors = schema_errors(schema_validator(self.registry, schema), response.body)
        for message in errors[:20]:
            self.add(level, "SCHEMA_VALIDATION", response.url, f"{schema}: {message}")
        for path in list(find_nulls(response.body))[:20]:
            self.add("error", "NULL_VALUE", response.url, f"null at {path} (leave optional fields out)")
        return not errors

    # --- the official rules ---

    def run(self) -> Report:
        root = self.get("/", group="/")
        if self.check(root, "api_details.json", required=True, endpoint="/"):
            version = root.body.get("version")
            if version != EXPECTED_VERSION:
                self.add(
                    "error", "VERSION", root.url, f"version is {version!r}, expected {EXPECTED_VERSION!r}"
                )
        for list_path, detail_path, list_schema, detail_schema, required in GROUPS:
            self.check_group(list_path, detail_path, list_schema, detail_schema, required)
        self.check_timings()
        self.check_per_page_cap()
        self.feature_tests()
        return self.report

    def check_group(
        self, list_path: str, detail_path: str, list_schema: str, detail_schema: str, required: bool
    ) -> None:
        level = "error" if required else "warning"
        first = self.get(list_path, {"page": 1}, group=list_path)
        if not self.check(first, list_schema, required=required, endpoint=list_path):
            return
        body = first.body
        items = body.get("contents") or []
        if not items:
            self.add("warning", "EMPTY_FEED_WARNING", first.url, "no records")
            return
        self.check_envelope(first, page=1, required=required)
        total_pages = int(body.get("total_pages") or 1)
        pages = {1: first}
        if total_pages > 2:
            pages[total_pages // 2] = self.get(list_path, {"page": total_pages // 2}, group=list_path)
        if total_pages > 1:
            pages[total_pages] = self.get(list_path, {"page": total_pages}, group=list_path)
        list_items: dict[str, dict[str, Any]] = {}
        for number, response in pages.items():
            if number != 1:
                if not self.check(response, list_schema, required=required, endpoint=list_path):
                    continue
                self.check_envelope(response, page=number, required=required, per_page=len(items))
            for item in response.body.get("contents") or []:
                if isinstance(item, dict) and "id" in item:
                    if item["id"] in list_items:
                        self.add(
                            level, "DUPLICATE_ID", response.url, f"id {item['id']} on more than one page"
                        )
                    list_items[item["id"]] = item
        ids = sorted(list_items)
        if not ids:
            self.add("warning", "NO_IDS_AVAILABLE", list_path, "no ids to test the detail endpoint with")
            return
        for record_id in self.rng.sample(ids, min(MAX_DETAIL_IDS, len(ids))):
            detail = self.get(detail_path.replace("{id}", urllib.parse.quote(record_id)), group=detail_path)
            if self.check(detail, detail_schema, required=required, endpoint=detail_path):
                self.check_consistency(list_items[record_id], detail, required=required)

    def check_envelope(
        self, response: Response, *, page: int, required: bool, per_page: int | None = None
    ) -> None:
        body = response.body
        level = "error" if required else "warning"
        keys = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
        missing = [k for k in keys if k not in body]
        if missing:
            self.add(level, "PAGINATION_FIELDS", response.url, f"missing {', '.join(missing)}")
            return
        contents = body.get("contents") or []
        problems = []
        if body["page_number"] != page:
            problems.append(f"page_number {body['page_number']} for page {page}")
        if body["size"] != len(contents):
            problems.append(f"size {body['size']} but {len(contents)} items")
        if body["first_page"] != (page == 1):
            problems.append(f"first_page {body['first_page']} on page {page}")
        if body["last_page"] != (page >= body["total_pages"]):
            problems.append(f"last_page {body['last_page']} on page {page} of {body['total_pages']}")
        if body["empty"] != (not contents):
            problems.append(f"empty {body['empty']} with {len(contents)} items")
        if per_page and body["total_pages"] != math.ceil(body["total_items"] / per_page):
            problems.append(
                f"total_pages {body['total_pages']} for {body['total_items']} items of {per_page}"
            )
        for problem in problems:
            self.add(level, "PAGINATION", response.url, problem)

    def check_consistency(self, item: dict[str, Any], detail: Response, *, required: bool) -> None:
        """Every one-to-one field of a list item says the same in the detail record."""
        for key, value in item.items():
            if isinstance(value, (dict, list)):
                continue
            if key in detail.body and detail.body[key] != value:
                self.add(
                    "error" if required else "warning",
                    "LIST_DETAIL_MISMATCH",
                    detail.url,
                    f"{key} is {detail.body[key]!r} here but {value!r} in the list",
                )

    def check_timings(self) -> None:
        for endpoint, seconds in self.report.timings.items():
            average = sum(seconds) / len(seconds)
            if average > SLOW_AVERAGE_S:
                self.add("warning", "PERFORMANCE", endpoint, f"average response time {average:.1f} s")

    def check_per_page_cap(self) -> None:
        response = self.get("/services", {"per_page": 100_000_000}, group="/services")
        if not 200 <= response.status < 300 or not isinstance(response.body, dict):
            self.add("error", "PER_PAGE_CAP", response.url, f"status {response.status} for a huge per_page")
            return
        size = len(response.body.get("contents") or [])
        if size > self.per_page_cap:
            self.add(
                "error", "PER_PAGE_CAP", response.url, f"{size} records in one page (cap {self.per_page_cap})"
            )

    # --- the v1-style feature tests ---

    def search_ids(
        self, params: dict[str, Any], *, path: str = "/services", max_pages: int = 20
    ) -> set[str] | None:
        """Every id a filtered list returns (paging through), or None when the request failed."""
        found: set[str] = set()
        page = 1
        while page <= max_pages:
            response = self.get(
                path, {**params, "page": page, "per_page": self.per_page_cap}, group="features"
            )
            if response.status != 200 or not isinstance(response.body, dict):
                self.add("error", "FILTER_FAILED", response.url, f"status {response.status}")
                return None
            found |= {item["id"] for item in response.body.get("contents") or []}
            if response.body.get("last_page", True):
                return found
            page += 1
        return found

    def expect(self, service_id: str, params: dict[str, Any], *, found: bool, why: str) -> None:
        self.report.feature_checks += 1
        ids = self.search_ids(params)
        if ids is None:
            return
        if (service_id in ids) != found:
            verb = "did not find" if found else "found"
            self.add(
                "error",
                "FEATURE_TEST",
                "/services?" + urllib.parse.urlencode(params),
                f"{verb} {service_id} ({why})",
            )

    def feature_tests(self) -> None:
        first = self.get("/services", {"page": 1, "per_page": 100}, group="features")
        if first.status != 200 or not isinstance(first.body, dict):
            return
        candidates = [
            item["id"] for item in first.body.get("contents") or [] if item.get("status") == "active"
        ]
        for service_id in self.rng.sample(candidates, min(self.feature_services, len(candidates))):
            detail = self.get(f"/services/{service_id}", group="features")
            if detail.status == 200:
                self.feature_tests_for(detail.body)

    def feature_tests_for(self, svc: dict[str, Any]) -> None:
        sid = svc["id"]
        expect = self.expect
        expect(sid, {"search": svc["name"]}, found=True, why="search by its name")
        if svc.get("organization_id"):
            expect(sid, {"organization_id": svc["organization_id"]}, found=True, why="its organisation")
        for attr in svc.get("attributes", [])[:1]:
            term = attr.get("taxonomy_term") or {}
            expect(sid, {"taxonomy_term_id": attr["taxonomy_term_id"]}, found=True, why="its taxonomy term")
            if term.get("taxonomy_id"):
                expect(sid, {"taxonomy_id": term["taxonomy_id"]}, found=True, why="its taxonomy")
        low, high = svc.get("minimum_age"), svc.get("maximum_age")
        if low is not None or high is not None:
            age = int(low) if low is not None else int(high)
            expect(sid, {"minimum_age": age, "maximum_age": age}, found=True, why=f"age {age} in its range")
        if high is not None:
            expect(sid, {"minimum_age": int(high) + 1}, found=False, why="older than its maximum age")
            expect(
                sid,
                {"organization_id": svc.get("organization_id", ""), "minimum_age": int(high) + 1},
                found=False,
                why="filters AND: its organisation but too old",
            )
        if svc.get("last_modified"):
            expect(
                sid, {"modified_after": svc["last_modified"]}, found=True, why="modified at its last_modified"
            )
            later = dt.datetime.fromisoformat(svc["last_modified"]) + dt.timedelta(seconds=1)
            expect(
                sid, {"modified_after": later.isoformat()}, found=False, why="modified after its last change"
            )
        for sch in svc.get("schedules", []):
            if sch.get("byday") and sch.get("opens_at") and sch.get("closes_at"):
                day = sch["byday"].split(",")[0][-2:]
                params = {"day": day, "start_time": sch["opens_at"][:5], "end_time": sch["closes_at"][:5]}
                expect(sid, params, found=True, why="open on its day and times")
                others = [d for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU") if d not in sch["byday"]]
                all_days = {d for s in svc.get("schedules", []) for d in s.get("byday", "").split(",")}
                closed = [d for d in others if d not in all_days]
                if closed:
                    expect(
                        sid,
                        {"day": closed[0], "search": svc["name"]},
                        found=False,
                        why="filters AND: a day it is closed",
                    )
                break
        for sal in svc.get("service_at_locations", []):
            for address in sal.get("location", {}).get("addresses", []):
                if address.get("postal_code") and sal["location"].get("location_type") != "virtual":
                    expect(
                        sid,
                        {"postcode": address["postal_code"], "proximity": 1000},
                        found=True,
                        why="near its postcode",
                    )
                    expect(
                        sid,
                        {"postcode": address["postal_code"], "proximity": 1000, "search": svc["name"]},
                        found=True,
                        why="near its postcode and by name",
                    )
                    return


def validate(base_url: str, **options: Any) -> Report:
    return Validator(base_url, **options).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="the API's base URL, e.g. http://127.0.0.1:8000/api/v3")
    parser.add_argument(
        "--spec-dir", type=Path, default=None, help="folder with ORUK schema/ (default directory/oruk_spec)"
    )
    parser.add_argument("--per-page-cap", type=int, default=DEFAULT_PER_PAGE_CAP)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = validate(args.base_url, spec_dir=args.spec_dir, per_page_cap=args.per_page_cap, seed=args.seed)
    print(report.summary())
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""Cleans ORUK's canonical 3.0 OpenAPI document into the one this API serves.

`python -m directory.tests.conformance.clean_openapi` rewrites directory/static/directory/openapi.json
from directory/oruk_spec/openapi.json; a test checks the committed file is what this produces. Fixes the
known defects (domain notes §1.8): "openapi" says 3.0.0 but uses 3.1 features; every operation has a
non-standard `name`; path parameters carry a `summary`; the taxonomy-term operationIds are swapped;
`modified_after` has format "datetime". Adds our parameters (postcode and proximity, ages, day and
times on /services; vocabulary on /taxonomy_terms), uuid formats, the 400/404 problem documents,
the NDJSON response and a real `info` block. `servers` is set per request by the view.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from directory.tests.conformance.validate import default_spec_dir

TARGET = Path(__file__).resolve().parents[2] / "static" / "directory" / "openapi.json"


def clean(src: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(src)
    doc["openapi"] = "3.1.0"
    doc["info"] = {
        "title": "Local Offer: Open Referral UK 3.0 API",
        "version": "HSDS-UK-3.0",
        "summary": "SEND services in the Local Offer, as Open Referral UK 3.0 (HSDS-UK-3.0) data.",
        "description": (
            "The Local Offer directory as open data, following the Open Referral UK 3.0 profile of HSDS 3.0. "
            "Open: no key, no sign-in, `Access-Control-Allow-Origin: *` on every response; read-only (GET). "
            "Records are the ORUK 3.0 superset: extra HSDS 3.0 fields (service `phones`, `eligibility_description`, "
            "`application_process`, language `name` and `code`...) may appear; optional fields without a value are left out, "
            "never null. Lists are paginated with `page` (from 1) and `per_page` (default 50, capped at 1000; "
            "with `minimal=true` default and cap 10000); `format=ndjson` streams every match without pagination. "
            "Query parameters combine with AND. A bad parameter is a 400 and an unknown id a 404, both as RFC 9457 "
            "problem documents (`application/problem+json`)."
        ),
        "license": {
            "name": "Creative Commons Attribution Share-Alike 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    doc["tags"] = [
        {"name": "required", "description": "Endpoints every ORUK 3.0 feed must provide"},
        {"name": "Optional", "description": "Optional endpoints that may not be implemented by all services"},
    ]
    params = doc["components"]["parameters"]
    params["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    params["modified_after"]["description"] = (
        "Return all results modified on or after this date-time (ISO 8601; no time zone means UTC)."
    )
    params["page"]["schema"] = {"type": "integer", "minimum": 1, "default": 1}
    params["per_page"]["schema"] = {"type": "integer", "minimum": 1, "default": 50}
    params["per_page"]["description"] = (
        "Number of results requested in a single page. Default 50; values above 1000 are capped to 1000 (10000 with `minimal=true`)."
    )
    params["proximity"]["schema"] = {"type": "number", "exclusiveMinimum": 0}
    params["proximity"]["description"] = (
        "Only return services with a location within this many metres of the centroid of `postcode` (which it needs)."
    )
    params["postcode"]["description"] = (
        "A UK postcode (a town name also works). Results are sorted nearest first; with `proximity`, only results within that distance of its centroid. An unknown postcode is a 400."
    )
    params["format"]["schema"] = {"type": "string", "enum": ["json", "ndjson"], "default": "json"}
    for name in ("taxonomy_term_id", "taxonomy_id", "organization_id"):
        params[name]["schema"] = {"type": "string", "format": "uuid"}
    params["minimum_age"] = {
        "name": "minimum_age",
        "in": "query",
        "required": False,
        "description": "Age in years. Services whose age range overlaps `minimum_age`..`maximum_age` (a service without a limit is open on that side). Alone: services for someone at least this old.",
        "schema": {"type": "integer", "minimum": 0, "maximum": 150},
    }
    params["maximum_age"] = {
        "name": "maximum_age",
        "in": "query",
        "required": False,
        "description": "Age in years; see `minimum_age`. Alone: services for someone at most this old.",
        "schema": {"type": "integer", "minimum": 0, "maximum": 150},
    }
    params["day"] = {
        "name": "day",
        "in": "query",
        "required": False,
        "description": "Services open on any of these days: RRULE codes MO,TU,WE,TH,FR,SA,SU (or day names), comma-separated.",
        "schema": {
            "type": "string",
            "pattern": "^(?i)(MO|TU|WE|TH|FR|SA|SU|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(,(MO|TU|WE|TH|FR|SA|SU|monday|tuesday|wednesday|thursday|friday|saturday|sunday))*$",
        },
    }
    params["day"]["schema"] = {"type": "string", "examples": ["MO", "SA,SU"]}
    params["start_time"] = {
        "name": "start_time",
        "in": "query",
        "required": False,
        "description": "Services open for the whole time from `start_time` to `end_time` (HH:MM or HH:MM:SS, local time), on `day` if given. Either alone: open at that time.",
        "schema": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"},
    }
    params["end_time"] = {
        "name": "end_time",
        "in": "query",
        "required": False,
        "description": "See `start_time`; must be later than it.",
        "schema": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"},
    }
    params["vocabulary"] = {
        "name": "vocabulary",
        "in": "query",
        "required": False,
        "description": "Only terms of the taxonomy with this vocabulary code.",
        "schema": {
            "type": "string",
            "enum": ["send-needs", "service-categories", "delivery", "accessibility", "referral", "other"],
        },
    }
    for name in ("minimal", "full", "full_service"):
        params[name]["schema"] = {"type": "boolean", "default": False}

    doc["components"]["schemas"]["Problem"] = {
        "type": "object",
        "description": "An RFC 9457 problem document.",
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "invalid-params": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                    "required": ["name", "reason"],
                },
            },
        },
        "required": ["type", "title", "status"],
    }

    def problem(d):
        return {
            "description": d,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }

    def ref(n):
        return {"$ref": f"#/components/parameters/{n}"}

    extra_service = ["postcode", "proximity", "minimum_age", "maximum_age", "day", "start_time", "end_time"]
    for path, op in ((p, o) for p, ops in doc["paths"].items() for k, o in ops.items() if k == "get"):
        op.pop("name", None)
        op["tags"] = ["required"] if op.get("tags", [""])[0].lower() == "required" else ["Optional"]
        op.setdefault("parameters", [])
        present = {p.get("$ref", "").rsplit("/", 1)[-1] or p.get("name") for p in op["parameters"]}
        if path in ("/services", "/service_at_locations"):
            for n in extra_service:
                if n not in present:
                    op["parameters"].append(ref(n))
        if path == "/taxonomy_terms":
            op["operationId"] = "getPaginatedListOfTaxonomyTerms"
            op["parameters"].append(ref("vocabulary"))
            for p in op["parameters"]:
                if p.get("name") == "parent_id":
                    p["schema"] = {"type": "string", "format": "uuid"}
                if p.get("name") == "top_only":
                    p["description"] = "Only top-level taxonomy terms (terms without a parent)."
                    p["schema"] = {"type": "boolean", "default": False}
        if path == "/taxonomy_terms/{id}":
            op["operationId"] = "getTaxonomyTermById"
        op["responses"]["400"] = problem(
            "A query parameter (or the id) is not valid; `invalid-params` says which and why."
        )
        if "{id}" in path:
            op["responses"]["404"] = problem("No record has this id.")
        if "page" in present:
            ok = op["responses"]["200"]["content"]
            ok["application/x-ndjson"] = {
                "schema": {
                    "type": "string",
                    "description": "With format=ndjson: one JSON record per line, no envelope.",
                }
            }
    for ops in doc["paths"].values():
        for p in ops.get("parameters", []):
            p.pop("summary", None)
            if p.get("in") == "path":
                p["schema"] = {"type": "string", "format": "uuid"}
    ids = [o["operationId"] for ops in doc["paths"].values() for k, o in ops.items() if k == "get"]
    assert len(ids) == len(set(ids)), ids  # noqa: S101 - a build check
    return doc


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    source = json.loads((default_spec_dir() / "openapi.json").read_text())
    TARGET.write_text(render(clean(source)), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

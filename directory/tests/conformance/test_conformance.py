"""The ORUK 3.0 conformance suite, run against a live server with a few hundred services.

It applies the official validator's rules (directory/tests/conformance/validate.py) and the
v1-style feature tests of every filter, and must report no error and no warning. The schemas come
from directory/oruk_spec, committed with the project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from directory import api, demo
from directory.tests.conformance.data import build_directory
from directory.tests.conformance.validate import (
    SPEC_DIR,
    Validator,
    load_registry,
    main,
    schema_errors,
    schema_validator,
)

EXAMPLES = [
    ("service_full.json", "service.json"),
    ("service_list.json", "service_list.json"),
    ("organization_full.json", "organization.json"),
    ("organization_list.json", "organization_list.json"),
    ("service_at_location_full.json", "service_at_location.json"),
    ("service_at_location_list.json", "service_at_location_list.json"),
    ("taxonomy.json", "taxonomy.json"),
    ("taxonomy_list.json", "taxonomy_list.json"),
    ("taxonomy_term.json", "taxonomy_term.json"),
    ("taxonomy_term_list.json", "taxonomy_term_list.json"),
]


def test_the_oruk_specification_is_present():
    assert (SPEC_DIR / "schema" / "service.json").is_file(), f"ORUK 3.0 schemas missing from {SPEC_DIR}"
    assert (SPEC_DIR / "openapi.json").is_file()


@pytest.mark.parametrize(("example", "schema"), EXAMPLES)
def test_the_port_accepts_the_official_examples(example, schema):
    registry = load_registry(SPEC_DIR)
    body = json.loads((SPEC_DIR / "examples" / example).read_text())
    assert schema_errors(schema_validator(registry, schema), body) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "not-a-uuid"),
        ("url", None),
        ("url", "example/counselling"),
        ("email", "email-example_com"),
        ("status", "open"),
        ("last_modified", "yesterday"),
        ("minimum_age", "12"),
    ],
)
def test_the_port_rejects_what_the_official_validator_rejects(field, value):
    registry = load_registry(SPEC_DIR)
    body = json.loads((SPEC_DIR / "examples" / "service_full.json").read_text())
    body[field] = value
    assert schema_errors(schema_validator(registry, "service.json"), body)


def load_demo_data() -> str:
    """The demo Local Offer (directory.demo, about 480 services)."""
    return demo.load()


@pytest.mark.django_db(transaction=True)
def test_live_demo_feed_passes_the_conformance_suite(live_server):
    print(load_demo_data())
    body_pages = (
        Validator(live_server.url + "/api/v3", spec_dir=SPEC_DIR).get("/services").body["total_pages"]
    )
    assert body_pages >= 3, "the default page size must give at least 3 pages (first, middle, last)"
    report = Validator(live_server.url + "/api/v3", spec_dir=SPEC_DIR, feature_services=10, seed=11).run()
    print(report.summary())
    assert report.errors == [], report.summary()
    assert report.warnings == [], report.summary()
    assert report.feature_checks >= 10 * 6
    assert len(report.timings["/services/{id}"]) == 10


@pytest.mark.django_db(transaction=True)
def test_live_feed_with_every_field_passes_the_conformance_suite(live_server, monkeypatch):
    """Factory data that uses every ORUK field (identifiers, parents, funding, phone languages...)."""
    build_directory(120)
    monkeypatch.setattr(api, "DEFAULT_PER_PAGE", 25)  # 5 pages: first, middle and last differ
    validator = Validator(live_server.url + "/api/v3", spec_dir=SPEC_DIR, feature_services=6, seed=7)
    report = validator.run()
    print(report.summary())
    assert report.errors == [], report.summary()
    assert report.warnings == [], report.summary()
    assert report.feature_checks >= 6 * 8
    assert len(report.timings["/services/{id}"]) == 10


@pytest.mark.django_db(transaction=True)
def test_the_suite_catches_a_broken_feed(live_server, monkeypatch):
    """A feed that sends null for empty fields and drops CORS fails, as the official validator says."""
    build_directory(12)
    from directory import oruk

    assert main([live_server.url + "/api/v3", "--per-page-cap", "1000"]) == 0

    real_clean = oruk._clean
    monkeypatch.setattr(oruk, "_clean", lambda record: {**dict.fromkeys(record), **real_clean(record)})
    real_cors = api._cors
    monkeypatch.setattr(api, "_cors", lambda response: response)
    report = Validator(live_server.url + "/api/v3", spec_dir=SPEC_DIR, feature_services=1).run()
    codes = {f.code for f in report.errors}
    assert {"SCHEMA_VALIDATION", "NULL_VALUE", "CORS_HEADER_MISSING"} <= codes
    assert real_cors is not None
    assert main([live_server.url + "/api/v3"]) == 1


def test_the_validator_runs_as_a_command_without_django():
    """`python -m directory.tests.conformance.validate <base_url>` works against any feed."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "directory.tests.conformance.validate", "--help"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "base_url" in done.stdout


def test_served_openapi_document_is_the_cleaned_oruk_document():
    """directory/static/directory/openapi.json is what clean_openapi makes of ORUK's (regenerate with
    `python -m directory.tests.conformance.clean_openapi`)."""
    from directory.tests.conformance.clean_openapi import TARGET, clean, render

    source = json.loads((SPEC_DIR / "openapi.json").read_text())
    assert TARGET.read_text(encoding="utf-8") == render(clean(source))

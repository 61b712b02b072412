"""Exports: the CSV template round-trips through the importer; ORUK JSON validates against ORUK 3.0."""

import io
import json

import pytest
from django.core.management import call_command

from directory import demo
from directory.exporting import export_csv, export_oruk_json
from directory.importing import import_csv, import_oruk_json
from directory.models import Location, Provider, Service
from directory.tests.conformance.validate import default_spec_dir, find_nulls, load_registry, schema_validator

SIZE = 40


@pytest.fixture
def directory_data(db):
    demo.generate(SIZE, seed=9, reindex=False)


def wipe():
    Service.objects.all().delete()
    Location.objects.all().delete()
    Provider.objects.all().delete()


def csv_export(services=None) -> str:
    out = io.StringIO()
    export_csv(out, services)
    return out.getvalue()


def test_csv_export_imports_back_into_an_empty_directory_unchanged(directory_data):
    first = csv_export()
    assert first.count("\r\n") == SIZE + 1
    wipe()
    result = import_csv(first)
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.created == SIZE
    assert csv_export() == first


def test_csv_export_imports_back_over_itself_as_updates(directory_data):
    first = csv_export()
    result = import_csv(first)
    assert (result.created, result.updated) == (0, SIZE)
    assert csv_export() == first
    assert Service.objects.count() == SIZE


def test_a_chosen_set_of_services_can_be_exported(directory_data):
    some = Service.objects.order_by("name")[:5]
    text = csv_export(Service.objects.filter(pk__in=[s.pk for s in some]))
    assert text.count("\r\n") == 6


def test_oruk_export_validates_against_the_oruk_service_schema(directory_data):
    out = io.StringIO()
    assert export_oruk_json(out) == SIZE
    records = json.loads(out.getvalue())
    validator = schema_validator(load_registry(default_spec_dir()), "service.json")
    for record in records:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, [e.message for e in errors[:3]]
        assert not list(find_nulls(record))
        assert record["organization"]["name"]
        assert record["attributes"]
    assert {r["id"] for r in records} == {str(s.public_id) for s in Service.objects.all()}


def _without_generated_ids(value):
    """Drop what a fresh import may regenerate (ids of link rows, modification times)."""
    if isinstance(value, dict):
        return {
            k: _without_generated_ids(v)
            for k, v in value.items()
            if k
            not in ("id", "last_modified", "link_id", "service_at_location_id", "location_id", "service_id")
        }
    if isinstance(value, list):
        return [_without_generated_ids(v) for v in value]
    return value


def test_oruk_export_imports_back_into_an_empty_directory(directory_data):
    out = io.StringIO()
    export_oruk_json(out)
    first = json.loads(out.getvalue())
    wipe()
    result = import_oruk_json(out.getvalue())
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.created == SIZE and not result.warnings
    again = io.StringIO()
    export_oruk_json(again)
    second = json.loads(again.getvalue())
    assert [r["id"] for r in second] == [r["id"] for r in first]
    assert [r["organization"]["id"] for r in second] == [r["organization"]["id"] for r in first]
    diffs = list(_debug_diff(_without_generated_ids(first), _without_generated_ids(second)))
    assert not diffs, diffs[:8]


def test_export_command_writes_csv_and_json(directory_data, tmp_path):
    path = tmp_path / "services.csv"
    call_command("export_directory", "--format", "csv", "-o", str(path), stderr=io.StringIO())
    assert path.read_text().count("\n") == SIZE + 1
    path = tmp_path / "services.json"
    call_command("export_directory", "--format", "json", "-o", str(path), stderr=io.StringIO())
    assert len(json.loads(path.read_text())) == SIZE
    out = io.StringIO()
    call_command("export_directory", "--format", "json", stdout=out)
    assert len(json.loads(out.getvalue())) == SIZE


def _debug_diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            yield from _debug_diff(a.get(k), b.get(k), f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _debug_diff(x, y, f"{path}/{i}")
    elif a != b:
        yield path, a, b


def test_csv_cells_that_look_like_formulas_are_neutralised_and_import_back(db):
    import_csv(
        "name,provider,description,phone\n"
        '"=HYPERLINK(""https://example.org"")",Safe Provider,@SUM(A1) is not a formula,+44 1632 960000\n'
    )
    text = csv_export()
    assert "'=HYPERLINK" in text and "'@SUM" in text and ",+44 1632 960000," in text
    result = import_csv(text)
    assert (result.created, result.updated) == (0, 1)
    service = Service.objects.get()
    assert service.name == '=HYPERLINK("https://example.org")'
    assert service.description == "@SUM(A1) is not a formula"

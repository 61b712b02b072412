"""Importing services from the CSV template and ORUK JSON: all or nothing, with every bad row explained."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Organisation
from accounts.testing import OrganisationFactory, UserFactory
from directory.importing import TEMPLATE_COLUMNS, import_csv, import_oruk_json
from directory.models import Location, Provider, Schedule, Service
from directory.testing import PostcodeFactory
from directory.tests.conformance.validate import SPEC_DIR

TEMPLATE = Path(settings.BASE_DIR) / "directory" / "samples" / "services-template.csv"
ORUK_EXAMPLE = SPEC_DIR / "examples" / "service_full.json"
HEADER = ",".join(TEMPLATE_COLUMNS)


@pytest.fixture
def areas(db):
    return [
        OrganisationFactory(
            kind=Organisation.Kind.LOCAL_AUTHORITY, code="E10000099", name="Northshire County Council"
        ),
        OrganisationFactory(
            kind=Organisation.Kind.LOCAL_AUTHORITY, code="E09000099", name="Eastbury Borough Council"
        ),
    ]


def csv_text(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    import csv

    writer = csv.DictWriter(out, fieldnames=list(TEMPLATE_COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


GOOD = {
    "name": "Elmbury Autism Parent Support Group",
    "provider": "Elmbury Families CIC",
    "description": "A friendly group for parents of autistic children.",
    "address_1": "3 Church Lane",
    "town": "Elmbury",
    "postcode": "ns3 4ab",
    "min_age": "0",
    "max_age": "25",
    "needs": "ASD; ADHD",
    "categories": "support groups",
    "delivery": "in person; online",
    "days": "Mon-Wed",
    "opens_at": "10:00",
    "closes_at": "11:30",
    "cost": "Free",
    "areas": "Northshire",
}


def test_the_shipped_template_imports_cleanly(areas):
    PostcodeFactory(postcode="NS1 1AB", latitude=52.65, longitude=-1.2)
    result = import_csv(TEMPLATE.read_bytes())
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (3, 0)
    drop_in = Service.objects.get(name="Northtown Speech and Language Therapy Drop-in")
    assert {a.taxonomy_term.code for a in drop_in.attributes.all()} >= {
        "speech-language-communication",
        "speech-and-language-therapy",
        "in-person",
    }
    location = drop_in.service_at_locations.get().location
    assert (location.latitude, location.longitude) == (52.65, -1.2)  # from the postcode table
    assert {a.description for a in location.accessibility.all()} == {
        "Step-free access",
        "Accessible toilet",
        "Hearing loop",
    }
    assert list(drop_in.areas.values_list("code", flat=True)) == ["E10000099"]
    swim = Service.objects.get(name="Saturday Swim Club for Disabled Children")
    assert not swim.is_free
    assert swim.cost_options.get().amount == 4.5
    assert swim.schedules.get().byday == "SA"
    assert str(swim.last_reviewed) == "2026-09-15"
    helpline = Service.objects.get(name="Eastbury SENDIASS Helpline")
    assert helpline.schedules.get().byday == "MO,TU,WE,TH,FR"
    assert not helpline.service_at_locations.exists()


def test_importing_the_same_file_again_changes_nothing(areas):
    first = import_csv(TEMPLATE.read_text())
    assert first.created == 3
    counts = (
        Service.objects.count(),
        Provider.objects.count(),
        Location.objects.count(),
        Schedule.objects.count(),
    )
    again = import_csv(TEMPLATE.read_text())
    assert (again.created, again.updated) == (0, 3)
    assert counts == (
        Service.objects.count(),
        Provider.objects.count(),
        Location.objects.count(),
        Schedule.objects.count(),
    )


def test_each_bad_row_is_reported_with_its_line_and_nothing_is_saved(areas):
    text = csv_text(
        GOOD,
        {**GOOD, "name": "Second", "min_age": "twelve", "needs": "autismm"},
        {**GOOD, "name": "Third", "postcode": "NOT A CODE", "opens_at": "17:00", "closes_at": "09:00"},
        {**GOOD, "name": "", "email": "not-an-email", "areas": "Atlantis"},
    )
    result = import_csv(text)
    assert not result.ok
    assert Service.objects.count() == 0 and Provider.objects.count() == 0
    found = {(e.line, e.column) for e in result.errors}
    assert {
        (3, "min_age"),
        (3, "needs"),
        (4, "postcode"),
        (4, "closes_at"),
        (5, "name"),
        (5, "email"),
        (5, "areas"),
    } <= found
    assert not any(e.line == 2 for e in result.errors)
    messages = [str(e) for e in result.errors]
    assert "line 3, needs: 'autismm' is not a known need" in messages
    assert "line 5, name: is required" in messages


def test_line_numbers_count_lines_inside_quoted_cells(areas):
    text = csv_text(
        {**GOOD, "description": "First line\nsecond line\nthird line"},
        {**GOOD, "name": "X", "max_age": "200"},
    )
    result = import_csv(text)
    assert [(e.line, e.column) for e in result.errors] == [(5, "max_age")]


def test_a_file_without_the_required_columns_is_refused(areas):
    result = import_csv("title,organisation\nx,y\n")
    assert not result.ok
    assert result.errors[0].line == 1 and "name, description" in result.errors[0].message


def test_dry_run_reports_what_would_happen_and_saves_nothing(areas):
    result = import_csv(csv_text(GOOD), dry_run=True)
    assert result.ok and result.created == 1
    assert Service.objects.count() == 0


def test_a_row_with_an_id_updates_that_service_and_records_who(areas):
    import_csv(csv_text(GOOD))
    service = Service.objects.get()
    editor = UserFactory()
    result = import_csv(
        csv_text({**GOOD, "id": str(service.public_id), "name": "Renamed group", "cost": "£3 per family"}),
        user=editor,
    )
    assert (result.created, result.updated) == (0, 1)
    service.refresh_from_db()
    assert service.name == "Renamed group" and not service.is_free and service.version == 2
    assert service.history.latest().history_user == editor


def test_the_command_reports_problems_and_fails(areas, tmp_path):
    path = tmp_path / "services.csv"
    path.write_text(csv_text({**GOOD, "max_age": "x"}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_directory", str(path), stderr=err)
    assert "line 2, max_age" in err.getvalue()
    path.write_text(csv_text(GOOD))
    out = io.StringIO()
    call_command("import_directory", str(path), stdout=out)
    assert "Created 1 and updated 0 services" in out.getvalue()


# --- ORUK JSON ---------------------------------------------------------------------------------


def oruk_example():
    return json.loads(ORUK_EXAMPLE.read_text())


def test_the_official_oruk_example_imports_once_its_impossible_latitude_is_fixed(areas):
    example = oruk_example()
    result = import_oruk_json([example])
    assert not result.ok
    assert any("latitude" in e.column and e.line == 1 for e in result.errors)
    assert Service.objects.count() == 0
    for sal in example["service_at_locations"]:
        sal["location"]["latitude"], sal["location"]["longitude"] = 52.6, -1.2
    result = import_oruk_json({"contents": [example], "total_items": 1})
    assert result.ok, [str(e) for e in result.errors]
    service = Service.objects.get(public_id=example["id"])
    assert service.name == example["name"]
    assert service.provider.public_id.hex == example["organization"]["id"].replace("-", "")
    assert service.minimum_age == 12 and service.maximum_age == 100
    assert (
        service.schedules.exists() or Schedule.objects.filter(service_at_location__service=service).exists()
    )
    # The example's taxonomy terms are not ours: left out with a warning, not an error.
    assert result.warnings
    again = import_oruk_json(json.dumps([example]))
    assert (again.created, again.updated) == (0, 1)
    assert Service.objects.count() == 1


def test_bad_oruk_records_are_reported_by_number_and_path(areas):
    good = oruk_example()
    for sal in good["service_at_locations"]:
        sal["location"]["latitude"], sal["location"]["longitude"] = 52.6, -1.2
    bad = copy.deepcopy(good)
    bad["id"] = "not-a-uuid"
    bad["status"] = "open"
    bad["email"] = "email-example_com"
    result = import_oruk_json([good, bad])
    assert not result.ok
    assert {(e.line, e.column) for e in result.errors} >= {(2, "id"), (2, "status"), (2, "email")}
    assert not any(e.line == 1 for e in result.errors)
    assert Service.objects.count() == 0
    assert not import_oruk_json("{not json").ok
    assert not import_oruk_json({"something": "else"}).ok


@pytest.mark.parametrize(
    ("days", "byday"),
    [
        ("Mon-Fri", "MO,TU,WE,TH,FR"),
        ("weekdays", "MO,TU,WE,TH,FR"),
        ("Tuesday; Thursday", "TU,TH"),
        ("sat, sun", "SA,SU"),
        ("MO,WE", "MO,WE"),
        ("Monday to Wednesday and Friday", "MO,TU,WE,FR"),
    ],
)
def test_days_are_read_the_way_people_write_them(areas, days, byday):
    result = import_csv(csv_text({**GOOD, "days": days}))
    assert result.ok, [str(e) for e in result.errors]
    assert Service.objects.get().schedules.get().byday == byday


@pytest.mark.parametrize(
    ("cost", "free", "amount"),
    [
        ("Free", True, None),
        ("", True, None),
        ("£5 per session", False, 5),
        ("12.50 per term", False, 12.5),
        ("Paid", False, None),
    ],
)
def test_costs_are_read_as_free_or_a_price(areas, cost, free, amount):
    assert import_csv(csv_text({**GOOD, "cost": cost})).ok
    service = Service.objects.get()
    assert service.is_free is free
    assert [float(c.amount) for c in service.cost_options.all()] == ([amount] if amount is not None else [])

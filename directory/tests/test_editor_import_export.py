"""Import and export pages: an upload shows each bad row with its line and reason, or a summary."""

import sys
import types
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.testing import sign_in
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@dataclass
class RowError:
    line: int
    reason: str
    field: str = ""


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def stub_importer(monkeypatch):
    """Stands in for directory.importing (the data engineer's module) with its documented signature."""
    calls = []

    def import_csv(file, *, user=None, dry_run=False):
        content = file.read()
        calls.append(("csv", content, user, dry_run))
        if b"bad" in content:
            return Result(
                errors=[RowError(3, "Enter a service name", "name"), RowError(7, "Unknown need 'xyz'")]
            )
        return Result(created=2, updated=1)

    def import_oruk_json(file, *, user=None, dry_run=False):
        calls.append(("oruk", file.read(), user, dry_run))
        return Result(created=5)

    module = types.ModuleType("directory.importing")
    module.import_csv = import_csv
    module.import_oruk_json = import_oruk_json
    monkeypatch.setitem(sys.modules, "directory.importing", module)
    import directory

    monkeypatch.setattr(directory, "importing", module, raising=False)
    return calls


def test_import_shows_each_bad_row_with_its_line_and_reason(client, world, stub_importer):
    sign_in(client, world.editor)
    upload = SimpleUploadedFile("services.csv", b"name\nbad\n", content_type="text/csv")
    response = client.post(reverse("directory:editor-import"), {"format": "csv", "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in html
    assert "Line 3: Enter a service name" in html
    assert "Unknown need" in html and ">7<" in html
    assert "<title>Error: " in html


def test_import_success_shows_a_summary(client, world, stub_importer):
    sign_in(client, world.editor)
    upload = SimpleUploadedFile("services.json", b"{}", content_type="application/json")
    response = client.post(
        reverse("directory:editor-import"), {"format": "oruk", "file": upload, "dry_run": "on"}
    )
    html = response.content.decode()
    assert "The file has no problems" in html
    assert "Services added" in html and ">5<" in html
    kind, _content, user, dry_run = stub_importer[-1]
    assert kind == "oruk" and user == world.editor and dry_run is True


def test_import_without_a_file_says_so(client, world, stub_importer):
    sign_in(client, world.editor)
    html = client.post(reverse("directory:editor-import"), {"format": "csv"}).content.decode()
    assert "Choose a file to upload" in html


def test_provider_editor_cannot_import(client, world):
    sign_in(client, world.provider_editor)
    assert client.get(reverse("directory:editor-import")).status_code == 403
    assert client.get(reverse("directory:editor-export-download", args=["csv"])).status_code == 403


CSV_HEADER_ONLY_BAD = b"name,description\n,No name here\n"


def test_real_importer_reports_bad_rows_and_saves_nothing(client, world):
    from directory.models import Service

    pytest.importorskip("directory.importing")
    before = Service.objects.count()
    sign_in(client, world.editor)
    upload = SimpleUploadedFile("services.csv", CSV_HEADER_ONLY_BAD, content_type="text/csv")
    response = client.post(reverse("directory:editor-import"), {"format": "csv", "file": upload})
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "Line " in html or "Whole file" in html
    assert Service.objects.count() == before


def test_real_export_downloads_csv_and_oruk_json(client, world):
    import json

    pytest.importorskip("directory.exporting")
    sign_in(client, world.editor)
    response = client.get(reverse("directory:editor-export-download", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = response.content.decode()
    assert "Speech and language drop-in" in body
    assert "Southborough swimming" not in body  # another area's service
    response = client.get(reverse("directory:editor-export-download", args=["oruk"]))
    records = json.loads(response.content)
    assert {r["name"] for r in records} == {"Speech and language drop-in", "Another provider's club"}


def test_real_importer_round_trips_an_export(client, world):
    pytest.importorskip("directory.importing")
    sign_in(client, world.editor)
    csv_text = client.get(reverse("directory:editor-export-download", args=["csv"])).content
    upload = SimpleUploadedFile("services.csv", csv_text, content_type="text/csv")
    html = client.post(
        reverse("directory:editor-import"), {"format": "csv", "file": upload, "dry_run": "on"}
    ).content.decode()
    assert "The file has no problems" in html, html[html.find("<main") :][:3000]


def test_blank_template_is_the_header_row(client, world):
    pytest.importorskip("directory.exporting")
    sign_in(client, world.editor)
    body = client.get(reverse("directory:editor-export-download", args=["template"])).content.decode()
    assert body.count("\n") == 1 and "name" in body

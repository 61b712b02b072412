"""Import and export pages: an upload shows each bad row with its line and reason, or a summary."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.testing import sign_in
from directory.models import Service
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


BAD_CSV = (
    b"name,provider,description,needs\n"
    b",Example Therapy,A service with no name,\n"
    b"Swimming for all,Example Therapy,Lessons,xyz\n"
)


def test_import_shows_each_bad_row_with_its_line_and_reason(client, world):
    before = Service.objects.count()
    sign_in(client, world.editor)
    upload = SimpleUploadedFile("services.csv", BAD_CSV, content_type="text/csv")
    response = client.post(reverse("directory:editor-import"), {"format": "csv", "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in html
    assert "Line 2, name: is required" in html
    assert "is not a known need" in html and ">3<" in html
    assert "<title>Error: " in html
    assert Service.objects.count() == before


def test_import_success_shows_a_summary(client, world):
    sign_in(client, world.editor)
    record = {
        "id": str(uuid.uuid4()),
        "name": "Swimming for all",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "Example Therapy"},
    }
    upload = SimpleUploadedFile(
        "services.json", json.dumps([record]).encode(), content_type="application/json"
    )
    response = client.post(
        reverse("directory:editor-import"), {"format": "oruk", "file": upload, "dry_run": "on"}
    )
    html = response.content.decode()
    assert "The file has no problems" in html
    assert "Services added" in html and ">1<" in html
    assert not Service.objects.filter(name="Swimming for all").exists()


def test_import_without_a_file_says_so(client, world):
    sign_in(client, world.editor)
    html = client.post(reverse("directory:editor-import"), {"format": "csv"}).content.decode()
    assert "Choose a file to upload" in html


def test_provider_editor_cannot_import(client, world):
    sign_in(client, world.provider_editor)
    assert client.get(reverse("directory:editor-import")).status_code == 403
    assert client.get(reverse("directory:editor-export-download", args=["csv"])).status_code == 403


CSV_HEADER_ONLY_BAD = b"name,description\n,No name here\n"


def test_real_importer_reports_bad_rows_and_saves_nothing(client, world):
    before = Service.objects.count()
    sign_in(client, world.editor)
    upload = SimpleUploadedFile("services.csv", CSV_HEADER_ONLY_BAD, content_type="text/csv")
    response = client.post(reverse("directory:editor-import"), {"format": "csv", "file": upload})
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "Line " in html or "Whole file" in html
    assert Service.objects.count() == before


def test_real_export_downloads_csv_and_oruk_json(client, world):
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
    sign_in(client, world.editor)
    csv_text = client.get(reverse("directory:editor-export-download", args=["csv"])).content
    upload = SimpleUploadedFile("services.csv", csv_text, content_type="text/csv")
    html = client.post(
        reverse("directory:editor-import"), {"format": "csv", "file": upload, "dry_run": "on"}
    ).content.decode()
    assert "The file has no problems" in html, html[html.find("<main") :][:3000]


def test_blank_template_is_the_header_row(client, world):
    sign_in(client, world.editor)
    body = client.get(reverse("directory:editor-export-download", args=["template"])).content.decode()
    assert body.count("\n") == 1 and "name" in body

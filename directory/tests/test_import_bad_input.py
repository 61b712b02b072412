"""An editor's import of a broken file is a page of row errors with nothing saved, never a 500:
a NUL in a cell, a 2 MB cell, JSON nested 50,000 deep, an age of 1e999 or NaN, a file too big."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.testing import sign_in
from directory.forms_editor import ImportForm
from directory.models import Provider, Service
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db
HEADER = b"name,provider,description,min_age\n"


def _record(**fields):
    return [{"name": "Swimming", "status": "active", "organization": {"name": "Example Therapy"}, **fields}]


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "csv",
            HEADER + b"Swim\x00ming,Example Therapy,Lessons,\n",
            "Line 2, name: contains a NUL character",
        ),
        (
            "csv",
            HEADER + b"Swimming,Example Therapy," + b"x" * (2 * 1024 * 1024) + b",\n",
            "cannot be read as CSV",
        ),
        (
            "csv",
            HEADER + b"Swimming,Example Therapy,Lessons,1e999\n",
            "min_age: &#39;1e999&#39; is not an age",
        ),
        ("csv", HEADER + b"Swimming,Example Therapy,Lessons,NaN\n", "min_age: &#39;NaN&#39; is not an age"),
        ("oruk", b"[" * 50_000 + b"]" * 50_000, "must nest at most 32 levels deep"),
        ("oruk", b'[{"name": "Swimming", "minimum_age": 1e999}]', "numbers must be finite"),
        ("oruk", b'[{"name": "Swimming", "minimum_age": NaN}]', "must not contain NaN"),
        ("oruk", json.dumps(_record(name="Swim\x00")).encode(), "name: contains a NUL character"),
        (
            "oruk",
            json.dumps(_record(assured_date="0001-01-01")).encode(),
            "must be on or after 1 January 1900",
        ),
    ],
)
def test_a_broken_file_is_listed_as_errors_and_nothing_is_saved(client, kind, content, message):
    world = make_world()
    before = (Service.objects.count(), Provider.objects.count())
    sign_in(client, world.editor)
    upload = SimpleUploadedFile(f"services.{kind}", content, content_type="application/octet-stream")
    response = client.post(reverse("directory:editor-import"), {"format": kind, "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in html
    assert message in html
    assert (Service.objects.count(), Provider.objects.count()) == before


def test_a_file_too_big_to_import_is_refused_beside_the_field(monkeypatch):
    monkeypatch.setattr("directory.forms_editor.MAX_IMPORT_BYTES", 10)
    form = ImportForm({"format": "csv"}, {"file": SimpleUploadedFile("big.csv", b"x" * 11)})
    assert not form.is_valid()
    assert form.errors["file"] == ["The file must be smaller than 0MB: split it into several files"]

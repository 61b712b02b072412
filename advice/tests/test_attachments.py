"""Files sent with a request are judged by their content: an HTML page named report.pdf and a Windows
program named scan.pdf are refused beside the field and nothing is saved; an accepted file is stored
and served with the type found in it, always as a download the browser will not sniff or run."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice.models import AdviceRequest, Attachment
from advice.testing import make_world
from children.models import ChildOrYoungPerson
from core.tests.test_uploads import EICAR, EXE, HTML, PDF, clamd  # noqa: F401 - clamd is a fixture

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _dates(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def _send(world, upload):
    client = sign_in(Client(), world.la_user)
    client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Filer",
            **_dates("date_of_birth", dt.date(2017, 3, 27)),
            "local_authority": world.la.pk,
        },
    )
    response = client.post(
        reverse("advice:request-new-details"),
        {
            **_dates("request_received_on", TODAY),
            "clock_start_type": "s36_request",
            "questions": "What are Ava's health needs?",
            "attachments": upload,
        },
    )
    return client, response


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", HTML, "report.pdf is not a PDF file: its content does not match its name"),
        ("scan.pdf", EXE, "scan.pdf is not a PDF file: its content does not match its name"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_nothing_saved(
    world, name, content, message
):
    _, response = _send(world, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AdviceRequest.objects.exists()
    assert not Attachment.objects.exists()
    assert ChildOrYoungPerson.objects.filter(family_name="Filer").count() == 1  # step 1 only


def test_an_accepted_file_is_stored_and_served_with_the_type_found_not_the_one_claimed(world):
    client, response = _send(world, SimpleUploadedFile("letter.pdf", PDF, content_type="text/html"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    download = client.get(reverse("advice:attachment", args=[attachment.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == PDF


def test_a_type_stored_before_content_checks_is_served_as_plain_bytes(world):
    from advice.testing import make_request

    advice_request = make_request(world)
    attachment = Attachment.objects.create(
        advice_request=advice_request,
        file=SimpleUploadedFile("old.pdf", HTML),
        name="old.pdf",
        content_type="text/html",  # what a browser claimed, before this check existed
        size=len(HTML),
    )
    download = sign_in(Client(), world.la_user).get(reverse("advice:attachment", args=[attachment.public_id]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")


def test_an_infected_file_is_refused_beside_the_field(world, clamd):  # noqa: F811 - the fixture
    _, response = _send(world, SimpleUploadedFile("notes.txt", EICAR, content_type="text/plain"))
    assert (
        "notes.txt contains a virus (Eicar-Test-Signature) and was not accepted" in response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_uploads_are_not_reachable_by_any_url_but_the_checked_view(world):
    client, _ = _send(world, SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"))
    attachment = Attachment.objects.get()
    stored = pathlib.Path(attachment.file.path)
    assert stored.exists()
    assert pathlib.Path(django_settings.STATIC_ROOT).resolve() not in stored.resolve().parents
    for url in (
        f"/{attachment.file.name}",
        f"/media/{attachment.file.name}",
        f"/static/{attachment.file.name}",
    ):
        assert client.get(url).status_code == 404, url

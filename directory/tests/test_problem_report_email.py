"""Someone reporting a problem may leave an e-mail address to be told when it is dealt with; the
address is used only for that and deleted once they have been told."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.testing import sign_in
from audit.testing import TEST_CONTEXT
from directory.models import ProblemReport
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    from django.core.cache import cache

    cache.clear()  # no report rate limit left from other tests
    yield make_world()
    cache.clear()


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def report(client, world, email=""):
    url = reverse("directory:report-problem", args=[world.service.public_id])
    return client.post(url, {"topic": "out_of_date", "details": "The phone number is wrong", "email": email})


def test_the_form_says_the_address_is_optional_and_only_kept_until_they_are_told(client, world):
    body = text_of(client.get(reverse("directory:report-problem", args=[world.service.public_id])))
    assert "Your email address (optional)" in body
    assert "tell you when we have dealt with your report" in body
    assert "delete it once we have told you" in body


@pytest.mark.parametrize("bad", ["not-an-address", "a@", "x" * 250 + "@example.org"])
def test_a_bad_address_is_an_error_and_nothing_is_saved(client, world, bad):
    response = report(client, world, bad)
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert ProblemReport.objects.count() == 0


def test_the_reporter_is_told_when_an_editor_resolves_it_and_the_address_is_deleted(
    client, world, django_capture_on_commit_callbacks
):
    assert report(client, world, " parent@example.org ").status_code == 302
    saved = ProblemReport.objects.get()
    assert saved.reporter_email == "parent@example.org"
    editor = client.__class__()
    sign_in(editor, world.editor)
    url = reverse("directory:editor-problem", args=[saved.public_id])
    assert "parent@example.org" in text_of(editor.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            url, {"version": saved.version, "outcome": "resolved", "response": "We updated the phone number."}
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["parent@example.org"]
    assert world.service.name in message.subject
    assert "We updated the phone number." in message.body
    assert "deleted your email address" in message.body
    saved.refresh_from_db()
    assert saved.status == ProblemReport.Status.RESOLVED
    assert saved.reporter_email == ""  # data minimisation: kept only until they were told
    page = text_of(editor.get(url))
    assert "parent@example.org" not in page and "an address given is deleted" in page


def test_a_dismissed_report_also_tells_them_and_no_address_means_no_email(
    client, world, django_capture_on_commit_callbacks
):
    from directory import services

    report(client, world, "carer@example.org")
    report(client, world, "")
    told, silent = ProblemReport.objects.order_by("pk")
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_problem_report(
            report=told,
            user=world.editor,
            context=TEST_CONTEXT,
            expected_version=told.version,
            response="No change needed.",
            dismissed=True,
        )
        services.resolve_problem_report(
            report=silent,
            user=world.editor,
            context=TEST_CONTEXT,
            expected_version=silent.version,
            response="Fixed.",
        )
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == ["carer@example.org"]
    told.refresh_from_db()
    assert told.status == ProblemReport.Status.DISMISSED and told.reporter_email == ""

"""Every refusal and error page is a styled NHS.UK page with the right status that says what to do next."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from tests.test_page_guards import page_problems

pytestmark = pytest.mark.django_db


def styled(response) -> str:
    html = response.content.decode()
    assert "nhsuk-header" in html and "nhsuk-frontend" in html, html[:500]
    assert page_problems(html) == []
    return html


def test_a_school_user_on_a_staff_page_is_told_what_their_account_is_for_and_where_to_go(personas):
    response = personas["school_staff_1"].client().get("/manage/")
    assert response.status_code == 403
    html = styled(response)
    assert "You do not have access to this page" in html
    assert "Your account is for School staff at Aldermoor Primary School" in html
    assert '<a href="/your-work/">Go to your home page</a>' in html


def test_page_not_found_for_staff_and_the_public(personas):
    response = personas["clinician_1"].client().get("/casework/no-such-page/")
    assert response.status_code == 404
    assert '<a href="/casework/inbox/">Go to your home page</a>' in styled(response)
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = styled(response)
    assert "Page not found" in html and "sign in" in html and "Go to the home page" in html


def test_another_organisations_record_is_the_same_page_as_one_that_never_existed(personas):
    client = personas["clinician_1"].client()
    theirs = client.get(f"/casework/requests/{personas.side(2).request.public_id}/")
    made_up = client.get("/casework/requests/00000000-0000-4000-8000-000000000000/")
    assert theirs.status_code == made_up.status_code == 404

    def strip(response) -> str:
        return re.sub(r'nonce="[^"]*"', "", response.content.decode())

    assert strip(theirs).replace(str(personas.side(2).request.public_id), "") == strip(made_up).replace(
        "00000000-0000-4000-8000-000000000000", ""
    )


def test_a_form_address_opened_as_a_page_is_405_with_what_to_do(personas):
    response = (
        personas["dco_1"].client().get(f"/casework/requests/{personas.side(1).new_request.public_id}/route/")
    )
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = styled(response)
    assert "This page cannot be opened that way" in html and "Go to your home page" in html


def test_a_form_sent_without_its_token_is_a_styled_page_and_nothing_is_saved():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": "someone@example.org", "password": "x"})
    assert response.status_code == 403
    html = styled(response)
    assert "Your form could not be sent" in html and "Nothing you entered" in html
    assert "reload the page" in html


@override_settings(ROOT_URLCONF="core.tests.urls_errors")
def test_bad_request_forbidden_too_many_and_server_error(personas):
    client = personas["caseworker_1"].client()
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    assert "could not understand that request" in styled(response)
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    assert "Your account is for LA SEN caseworker at Aldermoor Council" in styled(response)
    response = client.get("/test-errors/429/")
    assert response.status_code == 429 and response["Retry-After"] == "90"
    assert "Wait 2 minutes, then try again" in styled(response)
    broken = Client(raise_request_exception=False)
    response = broken.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "nhsuk-header" in html and page_problems(html) == []
    assert "Sorry, there is a problem with the service" in html and "Try again later" in html


def test_the_500_page_is_drawn_even_when_its_template_cannot_be(monkeypatch):
    from django.test import RequestFactory

    from core import errors

    def fail(*args, **kwargs):
        raise RuntimeError("no templates")

    monkeypatch.setattr(errors, "render_to_string", fail)
    response = errors.server_error(RequestFactory().get("/"))
    assert (
        response.status_code == 500
        and b"<h1>Sorry, there is a problem with the service</h1>" in response.content
    )

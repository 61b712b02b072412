"""Site-wide guards: pages render on the NHS.UK layout, one <h1> each, no pending migrations."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/accessibility/", "/privacy/", "/cookies/", "/styleguide/", "/accounts/sign-in/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_one_h1_and_the_service_name(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "SEND Health Hub" in html
    assert 'href="#maincontent"' in html  # skip link


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_styleguide_form_shows_errors_and_keeps_what_was_typed(client):
    response = client.get("/styleguide/", {"name": "Sam Example", "notes": "kept"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert 'value="Sam Example"' in html
    assert ">kept</textarea>" in html
    assert 'href="#id_colour"' in html


def test_pages_send_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_healthz_answers(client):
    from django.utils import timezone

    from core.health import record_heartbeat

    record_heartbeat(started_at=timezone.now())  # a worker is running (core/tests/test_worker_health.py)
    assert client.get("/healthz").json()["status"] == "ok"


def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_footer_names_the_organisation_that_runs_the_service(client, settings):
    settings.ORGANISATION_NAME = "Westmarsh Integrated Care Board"
    html = client.get("/").content.decode()
    assert "© Westmarsh Integrated Care Board" in html
    assert "NHS England" not in html

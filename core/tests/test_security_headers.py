"""Response headers that keep a child's data out of caches and the site on HTTPS, and the production
settings' own check (`manage.py check --deploy`, also run by .ci/run)."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from accounts.testing import sign_in
from advice.testing import make_request, make_world, route

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_childs_page_and_every_signed_in_page_are_not_stored():
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    client = sign_in(Client(), world.la_user)
    child_page = client.get(reverse("children:child-detail", args=[advice_request.child.public_id]))
    assert child_page.status_code == 200 and advice_request.child.family_name in child_page.text
    assert no_store(child_page)
    assert "public" not in child_page["Cache-Control"]
    assert no_store(client.get("/"))  # the same page signed out may be cached
    assert not no_store(Client().get("/accessibility/"))


def test_api_and_sign_in_responses_are_not_stored():
    anonymous = Client()
    assert no_store(anonymous.get("/api/casework/v1/requests"))  # refused, and still not stored
    assert no_store(anonymous.get("/api/v3/services"))
    assert no_store(anonymous.get("/accounts/sign-in/"))


def test_no_store_is_configurable():
    with override_settings(NO_STORE_SIGNED_IN=False, NO_STORE_PATHS=["/accessibility/"]):
        assert no_store(Client().get("/accessibility/"))
        assert not no_store(Client().get("/accounts/sign-in/"))


def test_hsts_covers_subdomains_on_https():
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        response = Client().get("/accessibility/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_except_the_health_check():
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert Client().get("/accessibility/")["Location"] == "https://testserver/accessibility/"
        assert Client().get("/healthz").status_code in {200, 503}


def production_env(tmp_path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "TESTING": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "send.example.org",
        "EMAIL_HOST": "smtp.example.org",
        "VAR_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_send_hsts_with_subdomains_and_redirect_to_https(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.DEMO_MODE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        check=True,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "False"]

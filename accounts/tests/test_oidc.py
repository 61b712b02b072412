"""OpenID Connect sign-in against a stand-in provider, through mozilla-django-oidc's real code path."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django_otp.oath import TOTP

from accounts.testing import make_user, member, totp_device
from accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, ISSUER, StandInProvider
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

OIDC = {
    "OIDC_ISSUER": ISSUER,
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
    "OIDC_PROVIDER_NAME": "Northshire staff account",
}


@pytest.fixture(autouse=True)
def oidc_configured():
    cache.clear()
    with override_settings(**OIDC):
        yield
    cache.clear()


def code_for(user) -> str:
    device = totp_device(user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def through_provider(client: Client, provider: StandInProvider, start: str = "/accounts/oidc/start/"):
    """Start at our site, sign in at the provider, come back; returns our callback's response."""
    with provider.routes():
        to_provider = client.get(start)
        assert to_provider.status_code == 302 and to_provider["Location"].startswith(f"{ISSUER}/authorize?")
        back = provider.authorize(to_provider["Location"])
        return client.get(back.replace("http://testserver", ""))


def test_sign_in_page_offers_the_provider_only_when_configured():
    assert "Sign in with Northshire staff account" in Client().get("/accounts/sign-in/").text
    with override_settings(OIDC_ISSUER=""):
        assert "Sign in with" not in Client().get("/accounts/sign-in/").text
        assert Client().get("/accounts/oidc/start/").status_code == 404
        assert Client().get("/accounts/oidc/callback/?code=x&state=y").status_code == 404


def test_a_known_verified_address_signs_in_after_the_security_code():
    user = member("dco", email="dco.person@example.org")
    totp_device(user)
    provider = StandInProvider(email="DCO.Person@example.org")
    client = Client()
    response = through_provider(client, provider, start="/accounts/oidc/start/?next=/audit/")
    # The real library fetched the provider's keys and checked the signature, the state and the nonce.
    assert provider.calls == [
        f"GET {ISSUER}/.well-known/openid-configuration",
        f"POST {ISSUER}/token",
        f"GET {ISSUER}/jwks",
        f"GET {ISSUER}/userinfo",
    ]
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/security-code/"
    assert not client.get("/").wsgi_request.user.is_authenticated  # not before the security code
    done = client.post("/accounts/sign-in/security-code/", {"token": code_for(user)})
    assert done.status_code == 302 and done["Location"] == "/audit/"
    assert client.get("/").wsgi_request.user == user
    event = AuditEvent.objects.get(action="sign-in")
    assert event.user == user and event.detail == "OpenID Connect and security code"


def test_a_person_without_an_authenticator_sets_one_up_after_the_provider():
    make_user(email="dco.person@example.org")
    response = through_provider(Client(), StandInProvider())
    assert response["Location"] == "/accounts/sign-in/set-up-security-codes/"


def test_an_unknown_address_is_told_to_ask_their_administrator_and_no_account_is_made():
    from accounts.models import User

    before = User.objects.count()
    response = through_provider(Client(), StandInProvider(email="new.starter@example.org"))
    assert response.status_code == 403
    assert "There is no account for new.starter@example.org" in response.text
    assert "Ask your organisation&#39;s administrator" in response.text or "administrator" in response.text
    assert User.objects.count() == before
    event = AuditEvent.objects.get(action="sign-in-failed")
    assert event.user_email == "new.starter@example.org" and "no account" in event.detail


def test_an_unverified_address_is_refused_even_if_an_account_has_it():
    member("dco", email="dco.person@example.org")
    client = Client()
    response = through_provider(client, StandInProvider(email_verified=False))
    assert response.status_code == 403 and "has not confirmed the email address" in response.text
    assert client.get("/accounts/sign-in/security-code/").status_code == 302  # no pending sign-in


def test_an_inactive_account_is_refused():
    member("dco", email="dco.person@example.org", is_active=False)
    assert through_provider(Client(), StandInProvider()).status_code == 403


@pytest.mark.parametrize(
    "misbehaviour",
    [
        {"sign_with_other_key": True},  # signature does not match the provider's published key
        {"nonce_override": "replayed-nonce"},  # token minted for another sign-in
        {"issuer_in_token": "https://evil.example.org"},
        {"audience": "another-service"},
        {"userinfo_sub": "someone-else"},
    ],
)
def test_tokens_that_fail_a_check_do_not_sign_anyone_in(misbehaviour):
    member("dco", email="dco.person@example.org")
    client = Client()
    response = through_provider(client, StandInProvider(**misbehaviour))
    assert response.status_code in {400, 403}
    assert "security-code" not in response.get("Location", "")
    assert client.get("/accounts/sign-in/security-code/").status_code == 302
    assert AuditEvent.objects.filter(action="sign-in-failed").exists()


def test_a_forged_or_replayed_state_is_refused():
    member("dco", email="dco.person@example.org")
    provider = StandInProvider()
    client = Client()
    with provider.routes():
        to_provider = client.get("/accounts/oidc/start/")
        back = provider.authorize(to_provider["Location"]).replace("http://testserver", "")
        forged = back.split("state=")[0] + "state=forged"
        assert client.get(forged).status_code == 400
        assert client.get(back).status_code == 302  # the real one still works once
        assert client.get(back).status_code == 400  # but not twice


def test_a_callback_in_another_browser_is_refused():
    member("dco", email="dco.person@example.org")
    provider = StandInProvider()
    with provider.routes():
        to_provider = Client().get("/accounts/oidc/start/")
        back = provider.authorize(to_provider["Location"]).replace("http://testserver", "")
        attacker = Client()
        response = attacker.get(back)
    assert response.status_code in {302, 400}
    assert not attacker.get("/").wsgi_request.user.is_authenticated
    assert attacker.get("/accounts/sign-in/security-code/").status_code == 302


def test_demo_accounts_cannot_finish_an_oidc_sign_in_outside_demo_mode():
    user = member("dco", email="dco.person@example.org", is_demo=True)
    totp_device(user)
    client = Client()
    through_provider(client, StandInProvider())
    with override_settings(DEMO_MODE=False):
        response = client.post("/accounts/sign-in/security-code/", {"token": code_for(user)})
    assert response.status_code == 200 and "The security code is not right" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated

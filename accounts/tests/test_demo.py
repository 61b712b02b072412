"""The demo accounts: every role, one password and authenticator key, and only in demo mode."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo
from accounts.models import ApiToken, Membership, Organisation, Role, User
from accounts.services import DEMO_TOTP_BASE32, DEMO_TOTP_KEY_HEX

pytestmark = pytest.mark.django_db


def demo_code() -> str:
    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX)).token():06d}"


def sign_in_as(client: Client, email: str):
    client.post("/accounts/sign-in/", {"username": email, "password": demo.DEMO_PASSWORD})
    return client.post("/accounts/sign-in/security-code/", {"token": demo_code()})


def test_loading_twice_gives_the_same_organisations_people_and_tokens():
    assert not demo.is_loaded()
    demo.load()
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
    )
    demo.load()
    assert demo.is_loaded()
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
    ) == counts


def test_the_organisation_tree():
    demo.load()
    dco = Organisation.objects.get(code="DCO-DEMO")
    icb = dco.parent
    assert icb is not None and icb.code == "ICB-DEMO"
    assert icb.name == "Northshire and Eastbury Integrated Care Board"
    assert set(dco.areas.values_list("code", flat=True)) == {"E10000099", "E09000099"}
    teams = Organisation.objects.filter(parent__code="RX9", kind=Organisation.Kind.PROVIDER_TEAM)
    assert set(teams.values_list("code", flat=True)) == {
        "RX9-PAED",
        "RX9-SLT",
        "RX9-OT",
        "RX9-PHYSIO",
        "RX9-CAMHS",
        "RX9-HV",
        "RX9-SN",
    }
    assert Organisation.objects.get(code="URN-999001").kind == Organisation.Kind.SCHOOL
    assert Organisation.objects.filter(kind=Organisation.Kind.VOLUNTARY).exists()


def test_every_role_has_a_demo_person_with_the_shared_authenticator_key():
    demo.load()
    roles = set(Membership.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    for code in ("E10000099", "E09000099"):
        assert Membership.objects.filter(role=Role.LA_CASEWORKER, organisation__code=code).exists()
        assert Membership.objects.filter(role=Role.DIRECTORY_EDITOR, organisation__code=code).exists()
    editor = User.objects.get(email="provider.editor@example.org")
    assert set(editor.organisations_with_role(Role.PROVIDER_EDITOR).values_list("code", flat=True)) == {
        "RX9",
        "VOL-DEMO",
    }
    for user in User.objects.filter(is_demo=True):
        devices = list(TOTPDevice.objects.filter(user=user))
        assert [(d.key, d.confirmed) for d in devices] == [(DEMO_TOTP_KEY_HEX, True)]
        assert user.email.endswith("@example.org")


def test_a_reviewer_can_sign_in_as_any_demo_person_in_demo_mode():
    demo.load()
    client = Client()
    response = sign_in_as(client, "dco@example.org")
    assert response.status_code == 302
    assert getattr(client.get("/").wsgi_request.user, "email", None) == "dco@example.org"


def test_demo_people_fail_at_the_password_step_when_demo_mode_is_off():
    demo.load()
    client = Client()
    with override_settings(DEMO_MODE=False):
        response = client.post(
            "/accounts/sign-in/", {"username": "dco@example.org", "password": demo.DEMO_PASSWORD}
        )
        # The right password, and still the password page with its usual error: no security-code step.
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.text
        assert client.get("/accounts/sign-in/security-code/")["Location"] == "/accounts/sign-in/"
        response = client.post("/accounts/sign-in/security-code/", {"token": demo_code()})
        assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    assert not client.get("/").wsgi_request.user.is_authenticated
    # The same account passes the password step in demo mode.
    response = client.post(
        "/accounts/sign-in/", {"username": "dco@example.org", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/security-code/"


def test_a_demo_session_from_demo_mode_ends_when_demo_mode_is_off():
    demo.load()
    client = Client()
    sign_in_as(client, "dco@example.org")
    assert client.get("/").wsgi_request.user.is_authenticated
    with override_settings(DEMO_MODE=False):
        assert client.get("/")["Location"] == "/accounts/sign-in/"
        assert not client.get("/").wsgi_request.user.is_authenticated


def test_demo_api_tokens_work_only_in_demo_mode():
    demo.load()
    raw = demo.API_TOKENS["E10000099"]
    token = ApiToken.authenticate(raw)
    assert token is not None and token.organisation.code == "E10000099" and token.is_demo
    with override_settings(DEMO_MODE=False):
        assert ApiToken.authenticate(raw) is None
        _, real = ApiToken.issue(organisation=token.organisation, name="Live system")
        assert ApiToken.authenticate(real) is not None


def test_nothing_is_made_outside_demo_mode():
    with override_settings(DEMO_MODE=False):
        assert "skipped" in demo.load()
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_credentials_text_lists_every_account_the_password_the_key_and_the_tokens():
    demo.load()
    text = demo.credentials_text()
    assert demo.DEMO_PASSWORD in text and DEMO_TOTP_BASE32 in text
    for person in demo.PEOPLE:
        assert person.email in text
    for raw in demo.API_TOKENS.values():
        assert raw in text
    assert "Northshire County Council" in text and "Designated clinical officer" in text


def test_the_management_commands_print_the_credentials(capsys):
    demo.load()
    call_command("demo_credentials")
    assert "dco@example.org" in capsys.readouterr().out


def test_only_the_demo_system_administrator_can_use_the_django_admin():
    demo.load()
    assert list(User.objects.filter(is_staff=True).values_list("email", flat=True)) == ["admin@example.org"]

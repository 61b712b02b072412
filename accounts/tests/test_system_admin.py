"""The system administrator manages organisations, teams, areas and API tokens in the product's pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Organisation, Role, User
from accounts.testing import make_organisation, member, sign_in
from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

Kind = Organisation.Kind


@pytest.fixture
def system() -> User:
    return member(Role.SYSTEM_ADMIN, first_name="Sys", last_name="Admin")


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def test_add_a_trust_and_a_team_under_it(system):
    client = client_for(system)
    response = client.post(
        reverse("accounts:organisation-new"),
        {"name": "Aldermoor Community Health NHS Trust", "kind": Kind.PROVIDER_TRUST, "parent": ""},
    )
    trust = Organisation.objects.get(name="Aldermoor Community Health NHS Trust")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:organisation", args=[trust.public_id]
    )
    # "Add a team" from the trust's page chooses the trust and the kind.
    form = client.get(reverse("accounts:organisation-new") + f"?parent={trust.public_id}").content.decode()
    assert re.search(rf'<option value="{trust.public_id}"\s+selected', form)
    client.post(
        reverse("accounts:organisation-new"),
        {
            "name": "Aldermoor dietetics",
            "kind": Kind.PROVIDER_TEAM,
            "parent": str(trust.public_id),
            "specialism": "Dietetics",
        },
    )
    team = Organisation.objects.get(name="Aldermoor dietetics")
    assert team.parent == trust and team.specialism == "Dietetics"
    event = AuditEvent.objects.filter(
        action=Action.ACCOUNT, detail__startswith="Made health provider team"
    ).get()
    assert event.user == system and "under Aldermoor Community Health NHS Trust" in event.detail


def test_the_organisation_form_reports_every_error_at_once(system):
    client = client_for(system)
    response = client.post(
        reverse("accounts:organisation-new"), {"name": "", "kind": "", "email": "not-an-address"}
    )
    page = response.content.decode()
    assert "<title>Error: " in page
    for message in (
        "Enter the organisation&#39;s name",
        "Choose what kind of organisation it is",
        "Enter the shared mailbox in the correct format, like team@example.org",
    ):
        assert message in page
    # A team needs its trust.
    response = client.post(
        reverse("accounts:organisation-new"), {"name": "Lonely team", "kind": Kind.PROVIDER_TEAM}
    )
    assert "Choose the health provider trust this team belongs to" in response.content.decode()
    assert not Organisation.objects.filter(name="Lonely team").exists()


def test_change_details_and_close_checks_the_version(system):
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    client = client_for(system)
    url = reverse("accounts:organisation-edit", args=[la.public_id])
    data = {
        "name": "Aldermoor County Council",
        "code": "E10000001",
        "email": "send@example.org",
        "version": la.version,
    }
    assert client.post(url, data).status_code == 302
    la.refresh_from_db()
    assert (la.name, la.email, la.is_active) == ("Aldermoor County Council", "send@example.org", False)
    stale = client.post(url, {**data, "name": "Stale name", "is_active": "on"})
    assert stale.status_code == 409 and "Someone else changed this" in stale.content.decode()
    la.refresh_from_db()
    assert la.name == "Aldermoor County Council"
    assert AuditEvent.objects.filter(
        user=system, detail__startswith="Changed Aldermoor County Council"
    ).exists()


def test_set_the_areas_a_dco_service_covers(system):
    dco = make_organisation(kind=Kind.DCO_SERVICE, name="Aldermoor DCO service")
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    other = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Brackenfield Council")
    dco.areas.add(other)
    client = client_for(system)
    url = reverse("accounts:organisation-areas", args=[dco.public_id])
    assert client.post(url, {"areas": [str(la.public_id)], "version": dco.version}).status_code == 302
    assert list(dco.areas.all()) == [la]
    assert AuditEvent.objects.filter(
        user=system, detail="Areas of Aldermoor DCO service set to: Aldermoor Council"
    ).exists()
    # Only a DCO service covers areas.
    assert client.get(reverse("accounts:organisation-areas", args=[la.public_id])).status_code == 404


def test_api_token_made_shown_once_renamed_rotated_and_revoked(system):
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    client = client_for(system)
    made = client.post(reverse("accounts:tokens", args=[la.public_id]), {"name": "Case system"})
    secret = re.search(r'value="(shh_[^"]+)"', made.content.decode()).group(1)
    token = ApiToken.objects.get(organisation=la)
    listing = client.get(reverse("accounts:tokens", args=[la.public_id])).content.decode()
    assert (
        "Case system" in listing and token.prefix in listing and secret not in listing and "Never" in listing
    )

    assert ApiToken.authenticate(secret) == token
    client.post(
        reverse("accounts:token-rename", args=[token.public_id]),
        {"name": "Case system (live)", "version": token.version},
    )
    token.refresh_from_db()
    assert token.name == "Case system (live)"

    rotated = client.post(
        reverse("accounts:token-rotate", args=[token.public_id]), {"version": token.version}
    )
    new_secret = re.search(r'value="(shh_[^"]+)"', rotated.content.decode()).group(1)
    assert ApiToken.authenticate(secret) is None
    new = ApiToken.authenticate(new_secret)
    assert new is not None and new.name == "Case system (live)"
    assert ApiToken.authenticate(new_secret).last_used_at is not None
    assert (
        "Never"
        not in client.get(reverse("accounts:tokens", args=[la.public_id]))
        .content.decode()
        .split("Case system (live)")[1]
        .split("</tr>")[0]
    )

    client.post(reverse("accounts:token-revoke", args=[new.public_id]), {"version": new.version})
    assert ApiToken.authenticate(new_secret) is None
    details = list(
        AuditEvent.objects.filter(user=system, detail__contains="API token").values_list("detail", flat=True)
    )
    assert any(d.startswith("Made API token Case system") for d in details)
    assert any(d.startswith("Rotated API token") for d in details)
    assert any(d.startswith("Revoked API token") for d in details)
    assert not any(
        secret in d or new_secret in d for d in AuditEvent.objects.values_list("detail", flat=True)
    )


def test_nobody_else_reaches_these_pages(system):
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    token, _ = ApiToken.issue(organisation=la, name="Case system")
    admin = member(Role.ORGANISATION_ADMIN, la)
    client = client_for(admin)
    assert client.get(reverse("accounts:organisation-new")).status_code == 403
    for name in ("organisation-edit", "tokens"):
        assert client.get(reverse(f"accounts:{name}", args=[la.public_id])).status_code == 404
    for name in ("token-rename", "token-rotate", "token-revoke"):
        assert (
            client.post(reverse(f"accounts:{name}", args=[token.public_id]), {"version": 1}).status_code
            == 404
        )
    token.refresh_from_db()
    assert token.revoked_at is None

"""Work first: after signing in each role lands on its own work, the header counts what waits, and a
safe `next` still wins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP

from accounts.testing import totp_device
from advice import services
from advice.models import EHCNeedsAssessment
from advice.registrations import team_inbox_count
from advice.testing import TEST_CONTEXT
from children.testing import ChildFactory
from core import registry
from core.navigation import landing_url_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"

LANDINGS = {
    "caseworker_1": "/casework/requests/",
    "local_offer_editor_1": "/manage/proposals/",
    "dco_1": "/casework/dashboard/",
    "dco_admin_1": "/casework/dashboard/",
    "clinician_1": "/casework/inbox/",
    "team_manager_1": "/casework/inbox/",
    "trust_manager_1": "/casework/inbox/",
    "trust_editor_1": "/manage/proposals/",
    "provider_editor_1": "/manage/proposals/",
    "school_staff_1": "/your-work/",
    "system_admin_1": "/accounts/organisations/",
    "org_admin_1": "/accounts/organisations/",
}


def _new_request(personas):
    """Another request from side 1's LA, waiting for the DCO's triage."""
    side, today = personas.side(1), dt.date.today()
    return services.request_advice(
        context=TEST_CONTEXT,
        user=personas["caseworker_1"].user,
        local_authority=side.la,
        child=ChildFactory(local_authority=side.la),
        request_received_on=today - dt.timedelta(days=30),
        clock_start_type=EHCNeedsAssessment.ClockStart.S36_REQUEST,
        questions="What are the child's health needs?",
        known_health_involvement="",
        sent_on=today,
        received_by_health=today,
    )


def _code(user) -> str:
    device = totp_device(user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _with_password(user):
    """A fresh copy of the persona's account with a known password (the persona's own object stays
    as it is: its sessions in other tests hash the stored password)."""
    user = type(user).objects.get(pk=user.pk)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(user, next_url: str = "", client: Client | None = None) -> str:
    """The real two steps; returns where the person is sent."""
    user = _with_password(user)
    client = client or Client()
    query = f"?next={next_url}" if next_url else ""
    client.post(f"/accounts/sign-in/{query}", {"username": user.email, "password": PASSWORD})
    response = client.post("/accounts/sign-in/security-code/", {"token": _code(user)})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


@pytest.mark.parametrize("name", sorted(LANDINGS))
def test_each_role_lands_on_its_own_work_after_signing_in(personas, name):
    client = Client()
    assert _sign_in(personas[name].user, client=client) == LANDINGS[name]
    assert client.get(LANDINGS[name]).status_code == 200


def test_a_safe_next_address_still_wins_and_an_unsafe_one_does_not(personas):
    assert _sign_in(personas["dco_1"].user, "/audit/") == "/audit/"
    assert _sign_in(personas["clinician_1"].user, "https://elsewhere.example.org/") == "/casework/inbox/"


def test_public_pages_stay_one_click_away(personas):
    response = personas["dco_1"].client().get("/casework/dashboard/")
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    assert 'href="/services/"' in html and "Find services" in html


def test_the_header_counts_what_waits(personas):
    dco_page = personas["dco_1"].client().get("/casework/dashboard/").content.decode()
    assert "Triage (1)" in dco_page  # side 1's one request awaiting triage
    inbox_page = personas["clinician_1"].client().get("/casework/inbox/").content.decode()
    assert f"Team inbox ({team_inbox_count(personas['clinician_1'].user)})" in inbox_page
    _new_request(personas)  # another request awaiting triage
    assert "Triage (2)" in personas["dco_1"].client().get("/your-work/").content.decode()
    # nobody else sees the DCO's count
    assert "Triage" not in personas["caseworker_1"].client().get("/casework/requests/").content.decode()


def _queries(item: registry.NavItem, user) -> int:
    user = type(user).objects.get(pk=user.pk)  # nothing cached on the user
    from accounts.access import reach_for

    reach_for(user)  # the page has worked this out already for its own access checks
    with CaptureQueriesContext(connection) as queries:
        item.count(user)
    return len(queries)


@pytest.mark.parametrize(
    ("viewname", "name"),
    [
        ("advice:triage", "dco_1"),
        ("advice:team-inbox", "clinician_1"),
        ("directory:editor-proposals", "local_offer_editor_1"),
    ],
)
def test_each_count_is_cheap_and_stays_flat_as_data_grows(personas, viewname, name):
    item = next(i for i in registry.nav_items() if i.viewname == viewname)
    user = personas[name].user
    before = _queries(item, user)
    for _ in range(5):
        _new_request(personas)
    assert _queries(item, user) == before
    # one COUNT, after (for editors) reading the person's memberships and areas: never the data's size
    assert before <= 4


def test_school_staff_see_who_their_account_is_for_and_the_public_pages(personas):
    html = personas["school_staff_1"].client().get("/your-work/").content.decode()
    assert "School staff at Aldermoor Primary School" in html
    assert "There is no casework for your role in this service yet" in html
    assert 'href="/services/"' in html


def test_landing_for_someone_not_signed_in_is_the_home_page():
    from django.contrib.auth.models import AnonymousUser

    assert landing_url_for(AnonymousUser()) == "/"

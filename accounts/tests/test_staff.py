"""An organisation's administrator runs their own staff in the product's pages: invite by e-mail, roles and
teams, two-factor reset, removal; never another organisation's people."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, Membership, Organisation, Role, User
from accounts.testing import make_organisation, member, sign_in, totp_device
from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

Kind = Organisation.Kind


@pytest.fixture
def world():
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Aldermoor Council")
    other_la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name="Brackenfield Council")
    trust = make_organisation(kind=Kind.PROVIDER_TRUST, name="Aldermoor Community Health NHS Trust")
    team = make_organisation(kind=Kind.PROVIDER_TEAM, name="Aldermoor physiotherapy", parent=trust)
    admin = member(Role.ORGANISATION_ADMIN, la, first_name="Ada", last_name="Runwell")
    caseworker = member(Role.LA_CASEWORKER, la, first_name="Cal", last_name="Worker")
    stranger = member(Role.LA_CASEWORKER, other_la, first_name="Sol", last_name="Elsewhere")
    trust_admin = member(Role.ORGANISATION_ADMIN, trust)
    return {
        "la": la,
        "other_la": other_la,
        "trust": trust,
        "team": team,
        "admin": admin,
        "caseworker": caseworker,
        "stranger": stranger,
        "trust_admin": trust_admin,
    }


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def person_url(name: str, organisation: Organisation, person: User) -> str:
    return reverse(f"accounts:{name}", args=[organisation.public_id, person.public_id])


def test_the_administrator_sees_their_staff_and_nobody_elses(world):
    client = client_for(world["admin"])
    page = client.get(reverse("accounts:organisations")).content.decode()
    assert "Aldermoor Council" in page and "Brackenfield Council" not in page
    staff = client.get(reverse("accounts:organisation", args=[world["la"].public_id])).content.decode()
    assert "Cal Worker" in staff and "Sol Elsewhere" not in staff
    # Another organisation, or its people through this one: 404, as for ids that exist nowhere.
    assert client.get(reverse("accounts:organisation", args=[world["other_la"].public_id])).status_code == 404
    for name in ("staff-member", "staff-roles", "staff-reset-two-factor", "staff-remove"):
        elsewhere = client.get(person_url(name, world["la"], world["stranger"]))
        across = client.get(person_url(name, world["other_la"], world["stranger"]))
        nowhere = client.get(reverse(f"accounts:{name}", args=[world["la"].public_id, uuid.uuid4()]))
        assert elsewhere.status_code == across.status_code == nowhere.status_code == 404


def test_staff_without_an_administrators_role_are_refused(world):
    client = client_for(world["caseworker"])
    assert client.get(reverse("accounts:organisations")).status_code == 403
    assert client.get(reverse("accounts:organisation", args=[world["la"].public_id])).status_code == 404


def test_invite_sends_a_single_use_link_to_choose_a_password_then_two_factor(
    world, django_capture_on_commit_callbacks
):
    client = client_for(world["admin"])
    la = world["la"]
    role = f"{la.public_id}:{Role.LA_CASEWORKER}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite", args=[la.public_id]),
            {
                "email": "new.colleague@example.org",
                "first_name": "Nell",
                "last_name": "Newbury",
                "roles": [role],
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.colleague@example.org")
    assert not person.has_usable_password()
    assert Membership.objects.filter(
        user=person, organisation=la, role=Role.LA_CASEWORKER, is_active=True
    ).exists()
    (email,) = mail.outbox
    assert email.to == ["new.colleague@example.org"]
    link = re.search(r"http\S+/accounts/invitation/\S+/", email.body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    event = AuditEvent.objects.filter(action=Action.ACCOUNT, detail__startswith="Invited").get()
    assert event.user == world["admin"] and "new.colleague@example.org" in event.detail

    newcomer = Client()
    assert "Choose your password" in newcomer.get(path).content.decode()
    chosen = newcomer.post(
        path, {"new_password1": "amber kettle orchard 42", "new_password2": "amber kettle orchard 42"}
    )
    assert chosen.status_code == 302 and chosen["Location"] == reverse("accounts:two-factor-setup")
    person.refresh_from_db()
    assert person.check_password("amber kettle orchard 42")
    # The link works once.
    again = Client().get(path)
    assert again.status_code == 404 and "This invitation link cannot be used" in again.content.decode()


def test_an_expired_invitation_cannot_be_used(world, django_capture_on_commit_callbacks):
    from accounts import staff
    from audit.testing import TEST_CONTEXT

    la = world["la"]
    with django_capture_on_commit_callbacks(execute=True):
        staff.invite_staff(
            user=world["admin"],
            context=TEST_CONTEXT,
            organisation=la,
            email="late@example.org",
            first_name="Lou",
            last_name="Late",
            roles=[staff.RoleAt(la, Role.LA_CASEWORKER)],
        )
    path = "/" + re.search(r"/accounts/invitation/\S+/", mail.outbox[0].body).group(0).lstrip("/")
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().post(
        path, {"new_password1": "amber kettle orchard 42", "new_password2": "amber kettle orchard 42"}
    )
    assert response.status_code == 404
    assert not User.objects.get(email="late@example.org").has_usable_password()


def test_the_invite_form_reports_every_error_at_once_naming_each_field(world):
    client = client_for(world["admin"])
    response = client.post(
        reverse("accounts:invite", args=[world["la"].public_id]),
        {"email": "not an address", "first_name": "", "last_name": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    for message in (
        "Enter an email address in the correct format, like name@example.org",
        "Enter their first name",
        "Enter their last name",
        "Select at least one role",
    ):
        assert message in page
    assert 'href="#id_email"' in page and 'href="#id_roles_0"' in page or 'href="#id_roles"' in page


def test_an_administrator_cannot_give_a_role_outside_their_organisation(world):
    client = client_for(world["admin"])
    response = client.post(
        reverse("accounts:invite", args=[world["la"].public_id]),
        {
            "email": "x@example.org",
            "first_name": "X",
            "last_name": "Y",
            "roles": [
                f"{world['other_la'].public_id}:{Role.LA_CASEWORKER}",
                f"{world['la'].public_id}:system_admin",
            ],
        },
    )
    assert "Select roles from the list" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_set_roles_and_teams_checks_the_version_seen(world):
    trust, team = world["trust"], world["team"]
    clinician = member(Role.PROVIDER_CLINICIAN, team, first_name="Tam", last_name="Physio")
    client = client_for(world["trust_admin"])
    url = person_url("staff-roles", trust, clinician)
    form = client.get(url).content.decode()
    assert "Provider clinician, Aldermoor physiotherapy" in form
    roles = [f"{team.public_id}:{Role.PROVIDER_TEAM_MANAGER}", f"{trust.public_id}:{Role.PROVIDER_EDITOR}"]
    response = client.post(url, {"roles": roles, "version": clinician.version})
    assert response.status_code == 302
    held = set(
        Membership.objects.filter(user=clinician, is_active=True).values_list("organisation__name", "role")
    )
    assert held == {
        ("Aldermoor physiotherapy", Role.PROVIDER_TEAM_MANAGER),
        ("Aldermoor Community Health NHS Trust", Role.PROVIDER_EDITOR),
    }
    event = AuditEvent.objects.filter(detail__startswith="Roles of").get()
    assert event.user == world["trust_admin"] and "ended: Provider clinician" in event.detail
    # A page opened before that change is refused, and shows what was chosen.
    stale = client.post(url, {"roles": roles[:1], "version": clinician.version})
    assert stale.status_code == 409
    assert "Someone else changed this" in stale.content.decode()


def test_reset_two_factor_removes_the_authenticator_and_ends_their_sessions(world):
    caseworker = world["caseworker"]
    theirs = client_for(caseworker)
    assert theirs.get(reverse("accounts:organisations")).status_code == 403  # signed in
    client = client_for(world["admin"])
    url = person_url("staff-reset-two-factor", world["la"], caseworker)
    caseworker.refresh_from_db()
    assert client.post(url, {"version": caseworker.version}).status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    # Their session ended at once: the next page sends them to sign in.
    response = theirs.get(reverse("accounts:organisations"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    assert AuditEvent.objects.filter(user=world["admin"], detail__startswith="Reset two-factor").exists()


def test_two_factor_is_reset_only_by_someone_who_runs_every_organisation_they_work_for(world):
    caseworker = world["caseworker"]
    Membership.objects.create(user=caseworker, organisation=world["other_la"], role=Role.LA_CASEWORKER)
    totp_device(caseworker)
    client = client_for(world["admin"])
    url = person_url("staff-reset-two-factor", world["la"], caseworker)
    caseworker.refresh_from_db()
    response = client.post(url, {"version": caseworker.version})
    assert "also works for an organisation you do not run" in response.content.decode()
    assert TOTPDevice.objects.filter(user=caseworker).exists()


def test_remove_ends_their_roles_and_sessions_and_closes_an_account_left_with_none(world):
    caseworker = world["caseworker"]
    theirs = client_for(caseworker)
    client = client_for(world["admin"])
    caseworker.refresh_from_db()
    response = client.post(
        person_url("staff-remove", world["la"], caseworker), {"version": caseworker.version}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=caseworker, is_active=True).exists()
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    gone = theirs.get(reverse("core:home"))
    assert "Sign out" not in gone.content.decode()
    event = AuditEvent.objects.filter(detail__startswith="Removed").get()
    assert event.user == world["admin"] and "their sessions ended" in event.detail
    # No longer one of the organisation's staff: their page is a 404 to the administrator.
    assert client.get(person_url("staff-member", world["la"], caseworker)).status_code == 404


def test_nobody_changes_their_own_account_here(world):
    admin = world["admin"]
    client = client_for(admin)
    admin.refresh_from_db()
    response = client.post(person_url("staff-remove", world["la"], admin), {"version": admin.version})
    assert "You cannot change your own account here" in response.content.decode()
    assert Membership.objects.filter(user=admin, is_active=True).exists()


def test_the_system_administrator_runs_every_organisation(world):
    system = member(Role.SYSTEM_ADMIN)
    client = client_for(system)
    page = client.get(reverse("accounts:organisations")).content.decode()
    assert "Aldermoor Council" in page and "Brackenfield Council" in page
    stranger = world["stranger"]
    assert client.get(person_url("staff-member", world["other_la"], stranger)).status_code == 200

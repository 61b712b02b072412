"""Account management in the Django admin, for verified staff."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.testing import make_user, member, sign_in
from audit.services import record_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    return sign_in(Client(), make_user(is_staff=True, is_superuser=True))


def test_staff_can_list_and_edit_people_and_organisations(admin_client):
    person = member("dco", email="listed.person@example.org")
    assert "listed.person@example.org" in admin_client.get("/django-admin/accounts/user/").text
    assert admin_client.get(f"/django-admin/accounts/user/{person.pk}/change/").status_code == 200
    assert admin_client.get("/django-admin/accounts/organisation/").status_code == 200
    assert admin_client.get("/django-admin/accounts/apitoken/").status_code == 200


def test_the_access_log_is_read_only_in_the_admin(admin_client):
    event = record_access(user=None, action="view", obj=None)
    assert admin_client.get("/django-admin/audit/auditevent/").status_code == 200
    assert admin_client.get("/django-admin/audit/auditevent/add/").status_code == 403
    assert (
        admin_client.post(f"/django-admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


# What the admin may not change: anything that could let its user into children's records -------------


def test_a_system_administrator_cannot_give_anyone_a_role_in_the_admin(admin_client):
    from accounts.models import Membership, Organisation
    from accounts.testing import make_organisation

    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY)
    person = member("dco", email="dco.person@example.org")
    page = admin_client.get(f"/django-admin/accounts/user/{person.pk}/change/").text
    assert "memberships-0-role" not in page and "memberships-__prefix__" not in page
    admin_client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "first_name": "Alex",
            "last_name": "Tester",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": la.pk,
            "memberships-0-role": "la_caseworker",
            "memberships-0-user": person.pk,
        },
    )
    assert not Membership.objects.filter(user=person, organisation=la).exists()


def test_the_admin_cannot_change_areas_parents_tokens_passwords_or_devices(admin_client):
    from accounts.models import ApiToken, Organisation
    from accounts.testing import make_organisation, totp_device

    dco_service = make_organisation(kind=Organisation.Kind.DCO_SERVICE, name="A DCO service")
    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Another Council")
    response = admin_client.post(
        f"/django-admin/accounts/organisation/{dco_service.pk}/change/",
        {
            "name": "A DCO service",
            "kind": "dco_service",
            "areas": [la.pk],
            "code": "",
            "email": "",
            "specialism": "",
        },
    )
    assert response.status_code == 302
    assert not dco_service.areas.exists()

    token, _ = ApiToken.issue(organisation=la, name="Case system")
    assert admin_client.get(f"/django-admin/accounts/apitoken/{token.pk}/change/").status_code == 200  # view
    assert (
        admin_client.post(f"/django-admin/accounts/apitoken/{token.pk}/change/", {"name": "x"}).status_code
        == 403
    )

    person = member("la_caseworker", la)
    assert admin_client.get(f"/django-admin/accounts/user/{person.pk}/password/").status_code == 403
    device = totp_device(person)
    assert admin_client.get("/django-admin/otp_totp/totpdevice/add/").status_code == 403
    assert (
        admin_client.post(
            f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            f"/django-admin/accounts/user/{person.pk}/change/",
            {
                "email": person.email,
                "first_name": "A",
                "last_name": "B",
                "is_superuser": "on",
                "is_active": "on",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert not person.is_superuser


def test_a_new_account_made_in_the_admin_has_no_password_and_no_role(admin_client):
    from accounts.models import User

    response = admin_client.post(
        "/django-admin/accounts/user/add/",
        {"email": "new.person@example.org", "first_name": "New", "last_name": "Person"},
    )
    assert response.status_code == 302, re.findall(
        r"errorlist.*?</ul>|<li>.*?</li>", response.content.decode(), re.S
    )[:5]
    person = User.objects.get(email="new.person@example.org")
    assert not person.has_usable_password() and not person.memberships.exists()


def test_changes_made_in_the_admin_are_in_the_access_log_under_the_admins_name(admin_client):
    from audit.models import AuditEvent

    person = member("dco", email="to.deactivate@example.org")
    admin_client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "first_name": "A",
            "last_name": "B",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    person.refresh_from_db()
    assert not person.is_active
    event = AuditEvent.objects.filter(action="account", detail__contains="to.deactivate@example.org").latest(
        "pk"
    )
    assert "is_active True -> False" in event.detail
    assert event.user is not None and event.user.is_superuser and event.path.startswith("/django-admin/")

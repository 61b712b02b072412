"""Account management in the Django admin, for verified staff."""

from __future__ import annotations

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

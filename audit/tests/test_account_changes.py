"""Every change to who may reach what is in the access log, wherever it is made (issue 7, point 2)."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, Membership, Organisation, Role
from accounts.testing import make_organisation, make_user, totp_device
from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _account_events() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=Action.ACCOUNT).order_by("pk").values_list("detail", flat=True)
    )


def test_memberships_roles_and_their_removal_are_logged_outside_any_request():
    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Shell Council")
    person = make_user(email="shell.person@example.org")
    before = len(_account_events())
    membership = Membership.objects.create(user=person, organisation=la, role=Role.LA_CASEWORKER)
    membership.role = Role.DCO
    membership.save()
    membership.is_active = False
    membership.save()
    membership.delete()
    events = _account_events()[before:]
    assert events[0].startswith(
        "added: membership of shell.person@example.org: LA SEN caseworker at Shell Council"
    )
    assert "role 'la_caseworker' -> 'dco'" in events[1]
    assert "is_active True -> False" in events[2]
    assert events[3].startswith("removed: membership of shell.person@example.org")
    assert all("outside a web request" in e for e in events)
    assert AuditEvent.objects.filter(action=Action.ACCOUNT).latest("pk").user is None


def test_areas_a_dco_service_covers_are_logged():
    dco_service = make_organisation(kind=Organisation.Kind.DCO_SERVICE, name="Test DCO service")
    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Covered Council")
    dco_service.areas.add(la)
    dco_service.areas.remove(la)
    events = _account_events()
    assert any("areas added: Covered Council" in e and "Test DCO service" in e for e in events)
    assert any("areas removed: Covered Council" in e for e in events)


def test_devices_tokens_and_account_flags_are_logged_but_not_every_sign_in():
    person = make_user(email="device.person@example.org")
    device = totp_device(person)
    assert any(
        "added: two-factor device" in e and "device.person@example.org" in e for e in _account_events()
    )
    count = len(_account_events())
    device.verify_token("000000")  # saves throttling fields: not a change of who may do what
    person.last_login = person.date_joined
    person.save(update_fields=["last_login"])
    assert len(_account_events()) == count
    device.key = "31323334353637383930313233343536373839aa"
    device.save()
    assert "key changed" in _account_events()[-1] and "3132" not in _account_events()[-1]
    device.delete()
    assert _account_events()[-1].startswith("removed: two-factor device")

    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Token Council")
    token, raw = ApiToken.issue(organisation=la, name="Case system")
    assert "added: API token Case system" in _account_events()[-1] and raw not in _account_events()[-1]
    token.revoked_at = token.created_at
    token.save()
    assert "revoked_at None ->" in _account_events()[-1]

    person.is_superuser = True
    person.save()
    assert "is_superuser False -> True" in _account_events()[-1]

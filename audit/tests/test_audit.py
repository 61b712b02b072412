"""The access log: what is written, that it cannot be changed, and who can search it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Organisation
from accounts.testing import make_organisation, member, sign_in, totp_device
from audit.models import Action, AppendOnlyError, AuditEvent
from audit.services import client_ip, record_access


def make_child(**kwargs: Any) -> Any:
    from children.testing import ChildFactory

    return ChildFactory(**kwargs)


pytestmark = pytest.mark.django_db


class FakeChild:
    """Stands in for a child record: anything with a public_id."""

    def __init__(self) -> None:
        self.public_id = uuid.uuid4()


def table_rows(response) -> list[str]:
    """The body rows of the page's first table, as text."""
    body = response.text.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in response.text else ""
    return [re.sub(r"<[^>]+>|\s+", " ", row).strip() for row in body.split("<tr")[1:]]


def request_from(rf, *, remote="192.0.2.1", forwarded=None, agent="Firefox/140"):
    extra = {"REMOTE_ADDR": remote, "HTTP_USER_AGENT": agent}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/casework/requests/abc/", **extra)


def test_record_access_keeps_who_what_when_where(rf):
    org = make_organisation(name="Northshire DCO service", kind=Organisation.Kind.DCO_SERVICE)
    user = member("dco", org, email="dco.one@example.org")
    child = FakeChild()
    before = timezone.now()
    event = record_access(
        user=user, action="view", obj=org, child=child, request=request_from(rf), detail="triage"
    )
    event.refresh_from_db()
    assert event.at >= before and event.at.tzinfo is not None
    assert event.user == user and event.user_email == "dco.one@example.org"
    assert event.organisations == [
        {"id": str(org.public_id), "name": "Northshire DCO service", "role": "dco"}
    ]
    assert event.action == "view"
    assert event.object_type == "accounts.Organisation" and event.object_id == str(org.public_id)
    assert event.child_public_id == child.public_id
    assert event.ip_address == "192.0.2.1" and event.user_agent == "Firefox/140"
    assert event.path == "/casework/requests/abc/" and event.detail == "triage"


def test_record_access_takes_a_child_public_id_and_works_without_request_or_object():
    child_id = uuid.uuid4()
    event = record_access(user=None, action=Action.EXPORT, obj=None, child=str(child_id))
    assert event.child_public_id == child_id and event.user is None and event.ip_address is None


def test_a_system_calling_an_api_is_recorded_with_its_organisation():
    from accounts.models import ApiToken

    la = make_organisation(name="Eastbury Borough Council")
    token, _ = ApiToken.issue(organisation=la, name="Case system")
    event = record_access(user=token, action="search", obj=None)
    assert event.user is None and event.user_email == f"API token {token.prefix}"
    assert event.organisations == [
        {"id": str(la.public_id), "name": "Eastbury Borough Council", "role": "api_token"}
    ]


def test_unknown_actions_are_refused():
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_access(user=None, action="peek", obj=None)


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = record_access(user=None, action="view", obj=None)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="edited")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.detail = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_the_database_refuses_updates_even_in_raw_sql():
    event = record_access(user=None, action="view", obj=None)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'edited' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL trigger (SQLite refuses in the ORM)"
)
def test_postgresql_refuses_deletes_in_raw_sql():
    event = record_access(user=None, action="view", obj=None)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "10.0.0.1"), (1, "198.51.100.2"), (2, "203.0.113.9"), (5, "10.0.0.1")],
)
def test_client_address_trusts_only_as_many_proxies_as_configured(rf, proxies, expected):
    request = request_from(rf, remote="10.0.0.1", forwarded="6.6.6.6, 203.0.113.9, 198.51.100.2")
    with override_settings(PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_a_forged_address_is_not_stored(rf):
    with override_settings(PROXY_COUNT=1):
        assert client_ip(request_from(rf, forwarded="not-an-address")) is None


def test_sign_in_success_and_failures_are_logged():
    user = member("la_caseworker", email="case.worker@example.org")
    device = totp_device(user)
    client = Client(HTTP_USER_AGENT="TestBrowser/1")
    client.post("/accounts/sign-in/", {"username": "case.worker@example.org", "password": "wrong"})
    client.post("/accounts/sign-in/", {"username": "nobody@example.org", "password": "wrong"})
    client.post("/accounts/sign-in/", {"username": user.email, "password": "correct horse battery staple"})
    client.post("/accounts/sign-in/security-code/", {"token": "000000"})
    from django_otp.oath import TOTP

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    client.post("/accounts/sign-in/security-code/", {"token": f"{code:06d}"})
    client.post("/accounts/sign-out/")
    events = list(
        AuditEvent.objects.exclude(action="account")
        .order_by("id")
        .values_list("action", "user_email", "detail")
    )
    assert events == [
        ("sign-in-failed", "case.worker@example.org", "Wrong email address or password"),
        ("sign-in-failed", "nobody@example.org", "Wrong email address or password"),
        ("sign-in-failed", "case.worker@example.org", "Wrong security code"),
        ("sign-in", "case.worker@example.org", "password and security code"),
        ("sign-out", "case.worker@example.org", ""),
    ]
    assert AuditEvent.objects.filter(user_agent="TestBrowser/1").count() == 5


def test_a_lockout_is_logged_once_per_refused_attempt():
    user = member("dco")
    client = Client()
    for _ in range(settings.SIGN_IN_FREE_FAILURES + 2):
        client.post("/accounts/sign-in/", {"username": user.email, "password": "wrong"})
    details = list(AuditEvent.objects.order_by("id").values_list("detail", flat=True))
    assert details.count("Wrong email address or password") == settings.SIGN_IN_FREE_FAILURES
    assert details.count("Refused: too many wrong passwords") == 2


# Pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def dco_service():
    return make_organisation(name="Demo DCO service", kind=Organisation.Kind.DCO_SERVICE)


def test_anonymous_people_are_sent_to_sign_in():
    for path in ("/audit/", "/audit/export.csv", f"/audit/child/{uuid.uuid4()}/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize(
    "role",
    [
        "la_caseworker",
        "provider_clinician",
        "provider_team_manager",
        "school_staff",
        "directory_editor",
        "provider_editor",
    ],
)
def test_other_staff_get_not_found(role):
    client = sign_in(Client(), member(role))
    for path in ("/audit/", "/audit/export.csv", f"/audit/child/{uuid.uuid4()}/"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", ["dco", "dco_admin", "system_admin"])
def test_dcos_and_administrators_can_search(role):
    client = sign_in(Client(), member(role))
    response = client.get("/audit/")
    assert response.status_code == 200
    assert response.text.count("<h1") == 1 and "Access log" in response.text


def test_search_filters_by_person_child_action_and_dates(dco_service):
    reader = member("system_admin")
    alice = member("dco", dco_service, email="alice.audit@example.org")
    bob = member("la_caseworker", email="bob.audit@example.org")
    child = FakeChild()
    record_access(user=alice, action="view", obj=None, child=child)
    record_access(user=bob, action="change", obj=None, child=child)
    record_access(user=bob, action="view", obj=None)
    forty_days_ago = timezone.now() - dt.timedelta(days=40)
    AuditEvent.objects.create(action="view", user_email="bob.audit@example.org", at=forty_days_ago)
    client = sign_in(Client(), reader)

    def rows(**params):
        page = client.get("/audit/", params)
        assert page.status_code == 200, page.text
        return table_rows(page)

    alice_rows = rows(person="alice")
    assert len(alice_rows) == 1 and "alice.audit@example.org" in alice_rows[0]
    child_rows = rows(child=str(child.public_id))
    assert len(child_rows) == 2 and "Changed" in child_rows[0] and "Viewed" in child_rows[1]
    change_rows = rows(person="bob", action="change")
    assert len(change_rows) == 1 and "bob.audit@example.org" in change_rows[0]
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert len(rows(person="bob", date_from=since)) == 2
    until = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert len(rows(person="bob", date_to=until)) == 1


def test_search_rejects_a_bad_child_reference_with_a_message():
    client = sign_in(Client(), member("dco"))
    response = client.get("/audit/", {"child": "12345"})
    assert "Enter an NHS number with 10 digits" in response.text
    assert "<title>Error:" in response.text


def test_search_is_paginated_with_constant_queries(django_assert_max_num_queries):
    reader = member("system_admin")
    for _ in range(120):
        AuditEvent.objects.create(action="view", user_email="many@example.org")
    client = sign_in(Client(), reader)
    total = AuditEvent.objects.count()  # with the account changes that made the reader
    with django_assert_max_num_queries(12):
        response = client.get("/audit/")
    assert len(table_rows(response)) == 50
    assert "Older" in response.text and f"{total} entries" in response.text
    assert 0 < len(table_rows(client.get("/audit/", {"page": 3}))) <= 50


def test_csv_export_has_the_rows_neutralises_formulas_and_is_itself_logged():
    reader = member("system_admin", email="admin.export@example.org")
    AuditEvent.objects.create(action="view", user_email="x@example.org", detail='=HYPERLINK("evil")')
    client = sign_in(Client(), reader)
    response = client.get("/audit/export.csv", {"action": "view"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][0] == "when (UTC)"
    assert rows[1][1] == "x@example.org" and rows[1][-1].startswith("'=")
    export = AuditEvent.objects.get(action="export")
    assert (
        export.user == reader
        and "Exported 1 access log events" in export.detail
        and "action=view" in export.detail
    )


def test_who_has_looked_at_a_child_lists_people_and_is_logged():
    reader = member("system_admin")
    viewer = member("provider_clinician", email="clin.viewer@example.org")
    child = FakeChild()
    for _ in range(3):
        record_access(user=viewer, action="view", obj=None, child=child)
    record_access(user=viewer, action="view", obj=None, child=FakeChild())  # another child
    client = sign_in(Client(), reader)
    response = client.get(f"/audit/child/{child.public_id}/")
    assert response.status_code == 200
    people = table_rows(response)
    # The viewer's three looks, and the reader's own look at this page (which is logged too).
    assert len(people) == 2 and any("clin.viewer@example.org" in p and " 3 " in p for p in people)
    logged = AuditEvent.objects.filter(user=reader, child_public_id=child.public_id).get()
    assert logged.action == "view" and "who has accessed" in logged.detail

    export = client.get(f"/audit/child/{child.public_id}/export.csv")
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert len(rows) == 1 + 5  # header, 3 views, the reader's look at the page and this export
    assert AuditEvent.objects.filter(user=reader, action="export", child_public_id=child.public_id).exists()


def test_dcos_see_their_areas_children_and_colleagues_but_not_other_peoples_sign_ins(dco_service):
    from children.models import ChildOrYoungPerson

    in_area, elsewhere = make_child(), make_child()
    dco = member("dco", dco_service)
    colleague = member("dco_admin", dco_service, email="colleague@example.org")
    stranger = member("la_caseworker", email="stranger@example.org")
    record_access(user=colleague, action="sign-in", obj=None)
    record_access(user=stranger, action="sign-in", obj=None)
    record_access(user=stranger, action="view", obj=in_area)
    record_access(user=stranger, action="change", obj=elsewhere)
    # Which children a DCO may see is the children app's rule; here it says "only in_area".
    only_in_area = ChildOrYoungPerson.objects.filter(pk=in_area.pk)
    with mock.patch("audit.scope.visible_children", return_value=only_in_area):
        visible = AuditEvent.objects.visible_to(dco)
        assert set(visible.values_list("user_email", "action")) == {
            ("colleague@example.org", "sign-in"),
            ("stranger@example.org", "view"),
        }
        client = sign_in(Client(), dco)
        assert client.get(f"/audit/child/{in_area.public_id}/").status_code == 200
        assert client.get(f"/audit/child/{elsewhere.public_id}/").status_code == 404
    everything = AuditEvent.objects.visible_to(member("system_admin")).exclude(action="account")
    assert everything.count() == 5  # and the DCO's own look
    assert AuditEvent.objects.visible_to(stranger).count() == 0


def test_search_by_nhs_number_finds_the_childs_events():

    child = make_child(nhs_number="9434765919")
    record_access(user=member("dco", email="looker@example.org"), action="view", obj=child)
    record_access(user=None, action="view", obj=None, child=FakeChild())
    client = sign_in(Client(), member("system_admin"))
    rows = table_rows(client.get("/audit/", {"child": "943 476 5919"}))
    assert len(rows) == 1 and "looker@example.org" in rows[0]
    # A search about a child is itself logged, against that child.
    assert AuditEvent.objects.filter(action="search").count() == 1

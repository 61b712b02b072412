"""The DCO service's check of a possible duplicate (ADR 0013): who may see it, linking the records
(one record, which the LA then reaches through its request), recording different children, a stale
page, and the audit rows of the comparison. Synthetic people only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice.models import AdviceRequest
from advice.testing import World, make_world
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children import services
from children.models import ChildOrYoungPerson, PossibleDuplicate
from children.testing import ChildFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

NHS = "9434765919"
OTHER_NHS = "4010232137"


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def held(world) -> ChildOrYoungPerson:
    child: ChildOrYoungPerson = ChildFactory(
        given_name="Quinn",
        family_name="Marchbank",
        date_of_birth=dt.date(2017, 2, 15),
        nhs_number=NHS,
        local_authority=world.other_la,
    )
    ParentCarerFactory(child=child, name="Pat Marchbank")
    return child


@pytest.fixture
def sent(world, held) -> AdviceRequest:
    """The LA's request with the other LA's child's NHS number and a made-up name: a new record."""
    from advice.testing import make_request

    child, _ = services.record_child(
        context=TEST_CONTEXT,
        user=world.la_user,
        local_authority=world.la,
        given_name="Ashley",
        family_name="Madeup",
        date_of_birth=dt.date(2016, 6, 1),
        nhs_number=NHS,
    )
    return make_request(world, child=child)


def _check() -> PossibleDuplicate:
    return PossibleDuplicate.objects.get()


def _url(check: PossibleDuplicate) -> str:
    return reverse("children:possible-duplicate", args=[check.public_id])


def test_only_the_dco_service_covering_the_sending_la_sees_the_check(world, sent):
    check = _check()
    for name in ("dco", "dco_admin"):
        client = sign_in(Client(), getattr(world, name))
        assert client.get(reverse("children:possible-duplicates")).status_code == 200, name
        assert client.get(_url(check)).status_code == 200, name
    # Another DCO service has its own list, without this check.
    page = sign_in(Client(), world.other_dco).get(reverse("children:possible-duplicates")).content.decode()
    assert "There are no possible duplicate records to check" in page and _url(check) not in page
    for name in ("la_user", "other_la_user", "other_dco", "clinician", "manager", "sysadmin", "school_staff"):
        client = sign_in(Client(), getattr(world, name))
        if name != "other_dco":
            assert client.get(reverse("children:possible-duplicates")).status_code == 404, name
        assert client.get(_url(check)).status_code == 404, name
        assert client.post(_url(check), {"version": 1, "same": "yes"}).status_code == 404, name
    response = Client().get(_url(check))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert _check().is_open


def test_the_list_shows_no_childs_details_and_the_dashboard_links_to_it(world, sent):
    client = sign_in(Client(), world.dco)
    page = client.get(reverse("children:possible-duplicates")).content.decode()
    assert world.la.name in page and "Same NHS number, different name or date of birth" in page
    assert "Quinn" not in page and "Ashley" not in page
    dashboard = client.get(reverse("advice:dashboard")).content.decode()
    assert "1 possible duplicate record to check" in dashboard


def _link_text(page: str, href: str) -> str:
    """The accessible text of the link to `href`: its text, visually hidden parts included."""
    found = re.search(rf'<a href="{re.escape(href)}">(.*?)</a>', page, re.S)
    assert found, href
    return re.sub(r"<[^>]+>", "", found[1])


def test_each_row_links_by_the_records_it_compares(world, sent):
    """Not by the LA's name alone: the link says it compares the record the LA sent with the record
    already held (still nothing about the child), and when, so two rows never read the same."""
    check = _check()
    client = sign_in(Client(), world.dco)
    text = _link_text(client.get(reverse("children:possible-duplicates")).content.decode(), _url(check))
    assert text.startswith(f"Compare the record sent by {world.la.name} with the record already held, found ")
    client.post(_url(check), {"version": check.version, "same": "yes", "notes": ""})
    text = _link_text(client.get(reverse("children:possible-duplicates")).content.decode(), _url(check))
    assert text.startswith(f"The record sent by {world.la.name} and the record already held, decided ")


def test_comparing_shows_both_records_and_is_audited_for_each_child(world, sent, held):
    check = _check()
    page = sign_in(Client(), world.dco).get(_url(check)).content.decode()
    assert "Ashley Madeup" in page and "Quinn Marchbank" in page and "943 476 5919" in page
    assert "Pat Marchbank" not in page  # identity details only
    for child in (sent.child, held):
        event = AuditEvent.objects.get(user=world.dco, action="view", child_public_id=child.public_id)
        assert event.object_id == str(check.public_id)
        assert event.detail.startswith("possible duplicate compared")


def test_linking_makes_one_record_the_la_then_reaches_through_its_request(world, sent, held):
    check = _check()
    new_record = sent.child
    response = sign_in(Client(), world.dco).post(
        _url(check), {"version": check.version, "same": "yes", "notes": "Checked with the GP practice"}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "linked" and check.resolved_by == world.dco
    assert check.outcome_notes == "Checked with the GP practice"
    sent.refresh_from_db()
    assert sent.child == held
    new_record.refresh_from_db()
    assert new_record.merged_into == held and not new_record.awaiting_identity_check
    # The LA now reaches the record kept, as any requester does; its old link leads there.
    client = sign_in(Client(), world.la_user)
    page = client.get(reverse("children:child-detail", args=[held.public_id])).content.decode()
    assert "Quinn Marchbank" in page and sent.reference in page
    old = client.get(reverse("children:child-detail", args=[new_record.public_id]))
    assert old["Location"] == reverse("children:child-detail", args=[held.public_id])
    # A caseworker of another LA still reaches neither.
    other = sign_in(Client(), world.other_dco)
    assert other.get(reverse("children:child-detail", args=[new_record.public_id])).status_code == 404
    assert AuditEvent.objects.filter(action="change", child_public_id=held.public_id, user=world.dco).exists()
    assert AuditEvent.objects.filter(
        action="change", child_public_id=new_record.public_id, detail__contains="merged into"
    ).exists()
    # The same details sent again now match the LA's record (the one kept): no second check.
    again, created = services.record_child(
        context=TEST_CONTEXT,
        user=world.la_user,
        local_authority=world.la,
        given_name="Quinn",
        family_name="Marchbank",
        date_of_birth=dt.date(2017, 2, 15),
        nhs_number=NHS,
    )
    assert again == held and not created
    assert PossibleDuplicate.objects.count() == 1


def test_different_children_need_different_nhs_numbers(world, sent, held):
    check = _check()
    client = sign_in(Client(), world.dco)
    page = client.post(_url(check), {"version": check.version, "same": "no"}).content.decode()
    assert "Two children cannot have the same NHS number" in page
    assert _check().is_open
    response = client.post(
        _url(check), {"version": check.version, "same": "no", "nhs_number": "401 023 2137"}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "different"
    new_record = ChildOrYoungPerson.objects.get(pk=sent.child_id)
    assert new_record.nhs_number == OTHER_NHS and not new_record.awaiting_identity_check
    assert new_record.merged_into is None
    # Nothing moved: the LA still cannot see the other LA's child.
    la = sign_in(Client(), world.la_user)
    assert la.get(reverse("children:child-detail", args=[held.public_id])).status_code == 404
    assert la.get(reverse("children:child-detail", args=[new_record.public_id])).status_code == 200


def test_different_children_by_name_and_birth_keep_both_records(world):
    held = ChildFactory(
        given_name="Sam",
        family_name="Twin",
        date_of_birth=dt.date(2015, 1, 9),
        local_authority=world.other_la,
    )
    child, _ = services.record_child(
        context=TEST_CONTEXT,
        user=world.la_user,
        local_authority=world.la,
        given_name="Sam",
        family_name="Twin",
        date_of_birth=dt.date(2015, 1, 9),
    )
    check = _check()
    assert check.reason == "name_and_birth" and check.existing == held
    services.record_different_children(
        context=TEST_CONTEXT, user=world.dco, check=check, expected_version=check.version
    )
    child.refresh_from_db()
    assert not child.awaiting_identity_check and child.nhs_number == ""


def test_a_decision_made_meanwhile_is_shown_and_nothing_changes(world, sent):
    check = _check()
    services.link_records(
        context=TEST_CONTEXT, user=world.dco_admin, check=check, expected_version=check.version
    )
    response = sign_in(Client(), world.dco).post(
        _url(check), {"version": check.version, "same": "no", "notes": "My typed note"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert services.CHECK_CHANGED in page and "My typed note" in page
    assert "The same child: records linked" in page
    check.refresh_from_db()
    assert check.outcome == "linked" and check.resolved_by == world.dco_admin

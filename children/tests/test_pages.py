"""The pages that change a child's record: who may use them (LA caseworkers and the area's DCO
service change; provider teams only read; everyone else 404; signed out -> sign in), forms keep what
was typed, duplicates are refused, consent is recorded and withdrawn, and every view and change is
in the access log. Synthetic people only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from advice.testing import make_request, make_world, route
from audit.models import AuditEvent
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer
from children.testing import ChildFactory, ConsentFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

CHANGERS = {"la_user", "dco", "dco_admin"}
READERS = {"clinician", "manager", "trust_manager"}
OTHERS = ["other_la_user", "other_dco", "other_clinician", "sysadmin", "school_staff", "outsider"]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def child(world):
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    return advice_request.child


def date_data(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def change_urls(child, carer, consent) -> list[str]:
    return [
        reverse("children:child-edit", args=[child.public_id]),
        reverse("children:carer-add", args=[child.public_id]),
        reverse("children:carer-edit", args=[child.public_id, carer.public_id]),
        reverse("children:carer-remove", args=[child.public_id, carer.public_id]),
        reverse("children:consent-add", args=[child.public_id]),
        reverse("children:consent-withdraw", args=[child.public_id, consent.public_id]),
    ]


def test_change_pages_by_role(world, child):
    carer = ParentCarerFactory(child=child)
    consent = ConsentFactory(child=child, parent_carer=carer)
    urls = change_urls(child, carer, consent)
    for persona in [*CHANGERS, *READERS, *OTHERS]:
        client = sign_in(Client(), getattr(world, persona))
        for url in urls:
            status = client.get(url).status_code
            assert status == (200 if persona in CHANGERS else 404), (persona, url)
        # Readers may not change by POST either.
        if persona not in CHANGERS:
            assert client.post(urls[1], {"name": "Sneaky"}).status_code == 404
    assert not ParentCarer.objects.filter(name="Sneaky").exists()
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_record_page_links_only_for_those_who_may_change(world, child):
    url = reverse("children:child-detail", args=[child.public_id])
    edit = reverse("children:child-edit", args=[child.public_id])
    assert edit in sign_in(Client(), world.la_user).get(url).content.decode()
    assert edit in sign_in(Client(), world.dco).get(url).content.decode()
    page = sign_in(Client(), world.clinician).get(url).content.decode()
    assert child.full_name in page and edit not in page and "Add a parent or carer" not in page


def test_edit_child_details(world, child):
    client = sign_in(Client(), world.la_user)
    url = reverse("children:child-edit", args=[child.public_id])
    data = {
        "version": child.version,
        "given_name": " Robin ",
        "family_name": "Testwell",
        **date_data("date_of_birth", dt.date(2015, 2, 3)),
        "nhs_number": "943 476 5919",
        "school_or_setting_name": "Brookfield Primary School",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.given_name, child.family_name, child.date_of_birth, child.nhs_number) == (
        "Robin",
        "Testwell",
        dt.date(2015, 2, 3),
        "9434765919",
    )
    assert child.school_or_setting_name == "Brookfield Primary School"
    event = AuditEvent.objects.filter(action="change", user=world.la_user, child_public_id=child.public_id)
    assert event.filter(detail__contains="nhs_number").exists()


def test_edit_child_invalid_nhs_number_keeps_input(world, child):
    client = sign_in(Client(), world.dco)
    url = reverse("children:child-edit", args=[child.public_id])
    data = {
        "version": child.version,
        "given_name": "Typedname",
        "family_name": "Example",
        **date_data("date_of_birth", dt.date(2016, 5, 17)),
        "nhs_number": "943 476 5918",  # wrong check digit
        "school_or_setting_name": "Typed school",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error: " in page
    assert "check digit" in page.lower() or "not a valid nhs number" in page.lower()
    assert 'value="Typedname"' in page and 'value="943 476 5918"' in page and "Typed school" in page
    child.refresh_from_db()
    assert child.given_name != "Typedname"
    # A date of birth that is not a date keeps what was typed too.
    data.update({"nhs_number": "", "date_of_birth-month": "13"})
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page and 'value="13"' in page


def test_edit_refuses_a_second_record_of_the_same_child(world, child):
    existing = ChildFactory(
        given_name="Alex", family_name="Sample", date_of_birth=dt.date(2014, 1, 9), local_authority=world.la
    )
    client = sign_in(Client(), world.la_user)
    url = reverse("children:child-edit", args=[child.public_id])
    data = {
        "version": child.version,
        "given_name": "alex",
        "family_name": "SAMPLE",
        **date_data("date_of_birth", dt.date(2014, 1, 9)),
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "There is already a record for this child" in page
    assert reverse("children:child-detail", args=[existing.public_id]) in page
    child.refresh_from_db()
    assert child.given_name != "Alex"
    assert ChildOrYoungPerson.objects.filter(date_of_birth=dt.date(2014, 1, 9)).count() == 1
    # By NHS number too.
    existing.nhs_number = "9434765919"
    existing.save()
    data = {
        "version": child.version,
        "given_name": child.given_name,
        "family_name": child.family_name,
        **date_data("date_of_birth", child.date_of_birth),
        "nhs_number": "9434765919",
    }
    assert "There is already a record for this child" in client.post(url, data).content.decode()


def carer_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Sam Testparent",
        "relationship": "mother",
        "has_parental_responsibility": "yes",
        "phone": "07700 900456",
        "email": "sam.testparent@example.org",
        "address": "1 Test Street\nTesttown",
        "preferred_contact": "phone",
        "communication_needs": "",
    }
    data.update(overrides)
    return data


def test_add_edit_remove_carer(world, child):
    client = sign_in(Client(), world.la_user)
    response = client.post(reverse("children:carer-add", args=[child.public_id]), carer_data())
    assert response.status_code == 302
    carer = ParentCarer.objects.get(child=child, name="Sam Testparent")
    assert carer.preferred_contact == "phone" and carer.has_parental_responsibility
    page = client.get(reverse("children:child-detail", args=[child.public_id])).content.decode()
    assert "Sam Testparent" in page and "07700 900456" in page

    edit = reverse("children:carer-edit", args=[child.public_id, carer.public_id])
    assert 'value="Sam Testparent"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        carer_data(has_parental_responsibility="no", relationship="foster_carer", version=str(carer.version)),
    )
    assert response.status_code == 302
    carer.refresh_from_db()
    assert carer.relationship == "foster_carer" and not carer.has_parental_responsibility

    remove = reverse("children:carer-remove", args=[child.public_id, carer.public_id])
    assert "Remove Sam Testparent" in client.get(remove).content.decode()
    assert client.post(remove, {"version": carer.version}).status_code == 302
    assert not ParentCarer.objects.filter(pk=carer.pk).exists()
    details = list(
        AuditEvent.objects.filter(action="change", child_public_id=child.public_id).values_list(
            "detail", flat=True
        )
    )
    assert "parent or carer added" in details and "parent or carer removed" in details
    assert any(d.startswith("parent or carer changed") for d in details)


def test_carer_validation_keeps_input(world, child):
    client = sign_in(Client(), world.dco)
    url = reverse("children:carer-add", args=[child.public_id])
    page = client.post(url, carer_data(email="not-an-email", name="Kept Name")).content.decode()
    assert "There is a problem" in page and 'value="not-an-email"' in page and 'value="Kept Name"' in page
    # The preferred way must have its details (the service's rule, shown on the field).
    page = client.post(url, carer_data(preferred_contact="email", email="")).content.decode()
    assert "Give the details for the preferred way to make contact" in page
    assert not ParentCarer.objects.filter(child=child).exists()


def test_carer_who_gave_consent_is_not_removed(world, child):
    carer = ParentCarerFactory(child=child)
    ConsentFactory(child=child, parent_carer=carer)
    client = sign_in(Client(), world.la_user)
    remove = reverse("children:carer-remove", args=[child.public_id, carer.public_id])
    page = client.post(remove, {"version": carer.version}).content.decode()
    assert "cannot be removed" in page and "There is a problem" in page
    assert ParentCarer.objects.filter(pk=carer.pk).exists()


def test_carer_of_another_child_is_404(world, child):
    other = ParentCarerFactory(child=ChildFactory(local_authority=world.la))
    client = sign_in(Client(), world.la_user)
    assert (
        client.get(reverse("children:carer-edit", args=[child.public_id, other.public_id])).status_code == 404
    )


def test_record_and_withdraw_consent(world, child):
    carer = ParentCarerFactory(child=child, name="Jo Testcarer")
    client = sign_in(Client(), world.la_user)
    url = reverse("children:consent-add", args=[child.public_id])
    given = timezone.localdate() - dt.timedelta(days=3)
    data = {
        "given_by": "parent_carer",
        "parent_carer": str(carer.pk),
        **date_data("given_on", given),
        "scope": "ehc_assessment",
        "scope_detail": "",
    }
    assert client.post(url, data).status_code == 302
    consent = ConsentToShare.objects.get(child=child)
    assert consent.parent_carer == carer and consent.given_on == given and consent.is_active
    page = client.get(reverse("children:child-detail", args=[child.public_id])).content.decode()
    assert "Current consent" in page and "Jo Testcarer (parent or carer)" in page

    withdraw = reverse("children:consent-withdraw", args=[child.public_id, consent.public_id])
    # Reason required; what was typed is kept.
    page = client.post(
        withdraw,
        {"version": consent.version, **date_data("withdrawn_on", timezone.localdate()), "reason": ""},
    ).content.decode()
    assert "Say why consent was withdrawn" in page
    # Not before it was given.
    page = client.post(
        withdraw,
        {
            "version": consent.version,
            **date_data("withdrawn_on", given - dt.timedelta(days=1)),
            "reason": "Family asked",
        },
    ).content.decode()
    assert "on or after the day it was given" in page and "Family asked" in page
    response = client.post(
        withdraw, {"version": consent.version, **date_data("withdrawn_on", given), "reason": "Family asked"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert not consent.is_active and consent.withdrawal_reason == "Family asked"
    assert timezone.localtime(consent.withdrawn_at).date() == given
    page = client.get(reverse("children:child-detail", args=[child.public_id])).content.decode()
    assert "Withdrawn consent" in page and "No current consent to share" in page and "Family asked" in page
    # Withdrawn consent cannot be withdrawn again.
    assert client.get(withdraw).status_code == 404
    details = set(AuditEvent.objects.filter(child_public_id=child.public_id).values_list("detail", flat=True))
    assert {"consent recorded", "consent withdrawn"} <= details


def test_consent_validation(world, child):
    client = sign_in(Client(), world.la_user)
    url = reverse("children:consent-add", args=[child.public_id])
    page = client.post(url, {"scope": "ehc_plan", "scope_detail": "Typed detail"}).content.decode()
    assert "Select who gave consent" in page and "Typed detail" in page
    # A parent or carer must be chosen when one gave it.
    data = {"given_by": "parent_carer", **date_data("given_on", dt.date(2025, 1, 6)), "scope": "ehc_plan"}
    page = client.post(url, data).content.decode()
    assert "Choose the parent or carer who gave consent" in page
    assert not ConsentToShare.objects.filter(child=child).exists()


def test_young_person_consent_needs_capacity_and_parent_only_warning(world):
    today = timezone.localdate()
    young_person = ChildFactory(local_authority=world.la, date_of_birth=today.replace(year=today.year - 17))
    carer = ParentCarerFactory(child=young_person)
    ConsentFactory(child=young_person, parent_carer=carer, given_on=today)
    client = sign_in(Client(), world.la_user)
    page = client.get(reverse("children:child-detail", args=[young_person.public_id])).content.decode()
    assert "The young person&#39;s own consent is needed" in page or "young person's own consent" in page
    url = reverse("children:consent-add", args=[young_person.public_id])
    data = {"given_by": "young_person", **date_data("given_on", today), "scope": "all_send"}
    page = client.post(url, data).content.decode()
    assert "Say whether mental capacity was assessed" in page
    assert client.post(url, {**data, "capacity_assessed": "yes"}).status_code == 302
    assert ConsentToShare.objects.get(child=young_person, given_by="young_person").capacity_assessed is True
    page = client.get(reverse("children:child-detail", args=[young_person.public_id])).content.decode()
    assert "own consent is needed" not in page
    # A school-age child with a parent's consent: no warning.
    young_child = ChildFactory(local_authority=world.la)
    ConsentFactory(child=young_child, parent_carer=ParentCarerFactory(child=young_child))
    page = client.get(reverse("children:child-detail", args=[young_child.public_id])).content.decode()
    assert "own consent is needed" not in page


def test_form_views_are_audited(world, child):
    client = sign_in(Client(), world.dco)
    client.get(reverse("children:child-edit", args=[child.public_id]))
    assert AuditEvent.objects.filter(
        action="view", user=world.dco, child_public_id=child.public_id, detail="edit details form"
    ).exists()


def test_school_change_is_not_blocked_by_an_older_twin_record(world, child):
    """Only a change of name, date of birth or NHS number is checked for a duplicate."""
    ChildFactory(
        given_name=child.given_name, family_name=child.family_name, date_of_birth=child.date_of_birth
    )
    client = sign_in(Client(), world.la_user)
    data = {
        "version": child.version,
        "given_name": child.given_name,
        "family_name": child.family_name,
        **date_data("date_of_birth", child.date_of_birth),
        "school_or_setting_name": "Testbrook Academy",
    }
    assert client.post(reverse("children:child-edit", args=[child.public_id]), data).status_code == 302
    child.refresh_from_db()
    assert child.school_or_setting_name == "Testbrook Academy"

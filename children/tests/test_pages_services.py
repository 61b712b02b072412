"""Service functions behind the record pages: changing and removing a parent or carer, finding
other records of the same child, withdrawing consent on a given day, and the young person warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.testing import member
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children import services
from children.models import ParentCarer
from children.testing import ChildFactory, ConsentFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db


def test_update_parent_carer_checks_preferred_contact_and_audits():
    carer = ParentCarerFactory(email="a@example.org", phone="", preferred_contact="email")
    user = member(Role.LA_CASEWORKER, carer.child.local_authority)
    with pytest.raises(ValidationError):
        services.update_parent_carer(
            context=TEST_CONTEXT,
            user=user,
            carer=carer,
            expected_version=carer.version,
            preferred_contact="phone",
        )
    services.update_parent_carer(
        context=TEST_CONTEXT,
        user=user,
        carer=carer,
        expected_version=carer.version,
        phone=" 07700 900789 ",
        preferred_contact="text",
    )
    carer.refresh_from_db()
    assert carer.phone == "07700 900789" and carer.preferred_contact == "text"
    event = AuditEvent.objects.get(user=user, action="change")
    assert "phone" in event.detail and "07700" not in event.detail  # field names, never values
    services.update_parent_carer(
        context=TEST_CONTEXT, user=user, carer=carer, expected_version=carer.version, phone="07700 900789"
    )  # no change
    assert AuditEvent.objects.filter(user=user).count() == 1
    with pytest.raises(TypeError):
        services.update_parent_carer(
            context=TEST_CONTEXT, user=user, carer=carer, expected_version=carer.version, child=None
        )


def test_remove_parent_carer():
    carer = ParentCarerFactory()
    user = member(Role.LA_CASEWORKER, carer.child.local_authority)
    services.remove_parent_carer(context=TEST_CONTEXT, user=user, carer=carer, expected_version=carer.version)
    assert not ParentCarer.objects.filter(pk=carer.pk).exists()
    assert AuditEvent.objects.filter(user=user, detail="parent or carer removed").exists()
    kept = ParentCarerFactory()
    ConsentFactory(child=kept.child, parent_carer=kept)
    with pytest.raises(ValidationError):
        services.remove_parent_carer(
            context=TEST_CONTEXT, user=user, carer=kept, expected_version=kept.version
        )


def test_other_records_for():
    child = ChildFactory(given_name="Kim", family_name="Testcase", date_of_birth=dt.date(2013, 3, 3))
    la = child.local_authority
    other = ChildFactory(
        given_name="Lee", family_name="Testcase", date_of_birth=dt.date(2013, 3, 3), local_authority=la
    )
    user = member(Role.LA_CASEWORKER, la)
    found = services.other_records_for(
        user=user, child=child, given_name="LEE", family_name="testcase", date_of_birth=dt.date(2013, 3, 3)
    )
    assert found == [other]
    assert not services.other_records_for(
        user=user, child=child, given_name="Kim", family_name="Testcase", date_of_birth=dt.date(2013, 3, 3)
    )
    # A record the user cannot see is never returned.
    ChildFactory(given_name="Max", family_name="Testcase", date_of_birth=dt.date(2013, 3, 3))
    assert not services.other_records_for(
        user=user, child=child, given_name="Max", family_name="Testcase", date_of_birth=dt.date(2013, 3, 3)
    )


def test_withdraw_consent_on_a_day():
    consent = ConsentFactory(given_on=dt.date(2025, 1, 6))
    user = member(Role.LA_CASEWORKER, consent.child.local_authority)
    with pytest.raises(ValidationError):
        services.withdraw_consent(
            context=TEST_CONTEXT,
            user=user,
            consent=consent,
            expected_version=consent.version,
            reason="x",
            withdrawn_on=dt.date(2025, 1, 5),
        )
    with pytest.raises(ValidationError):
        services.withdraw_consent(
            context=TEST_CONTEXT,
            user=user,
            consent=consent,
            expected_version=consent.version,
            withdrawn_on=timezone.localdate() + dt.timedelta(days=1),
        )
    services.withdraw_consent(
        context=TEST_CONTEXT,
        user=user,
        consent=consent,
        expected_version=consent.version,
        reason="Asked",
        withdrawn_on=dt.date(2025, 2, 1),
    )
    assert timezone.localtime(consent.withdrawn_at).date() == dt.date(2025, 2, 1)


def test_only_parent_consent():
    today = timezone.localdate()
    young_person = ChildFactory(date_of_birth=today.replace(year=today.year - 18))
    assert not services.only_parent_consent(young_person)  # no consent at all: nothing to warn about
    ConsentFactory(child=young_person, given_by="parent_carer")
    assert services.only_parent_consent(young_person)
    ConsentFactory(child=young_person, given_by="young_person", capacity_assessed=True)
    assert not services.only_parent_consent(young_person)
    assert not services.only_parent_consent(ChildFactory())  # school age

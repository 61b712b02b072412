import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import Organisation, Role
from accounts.testing import OrganisationFactory, member
from advice.testing import make_request, make_world, route
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children.access import get_child_for_user
from children.models import ChildOrYoungPerson, ConsentToShare, PossibleDuplicate
from children.services import (
    add_parent_carer,
    match_child,
    record_child,
    record_consent,
    update_child,
    withdraw_consent,
)
from children.testing import ChildFactory, ParentCarerFactory
from core.concurrency import ConcurrentUpdate
from lib.phases import Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def la():
    return OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)


@pytest.fixture
def caseworker(la):
    return member(Role.LA_CASEWORKER, la)


def _record(caseworker, la, **kwargs):
    values: dict[str, Any] = {
        "given_name": "Robin",
        "family_name": "Testington",
        "date_of_birth": dt.date(2015, 4, 2),
    }
    values.update(kwargs)
    return record_child(context=TEST_CONTEXT, user=caseworker, local_authority=la, **values)


class TestMatching:
    def test_same_child_by_name_and_birth_ignoring_case_and_spaces(self, caseworker, la):
        first, created = _record(caseworker, la)
        again, created_again = _record(caseworker, la, given_name="  robin ", family_name="TESTINGTON")
        assert created and not created_again
        assert again == first
        assert ChildOrYoungPerson.objects.count() == 1

    def test_same_nhs_number_with_another_name_is_not_a_match_until_confirmed(self, caseworker, la):
        first, _ = _record(caseworker, la, nhs_number="943 476 5919")
        again, created = _record(caseworker, la, given_name="Robyn", nhs_number="9434765919", confirmed=first)
        assert not created and again == first
        # Unconfirmed (the API cannot ask): a new record with what was sent, checked by the DCO service.
        other, created = _record(caseworker, la, given_name="Robyn", nhs_number="9434765919")
        assert created and other != first and other.given_name == "Robyn"
        assert other.awaiting_identity_check and not first.awaiting_identity_check
        check = PossibleDuplicate.objects.get()
        assert (check.new_record, check.existing, check.reason) == (other, first, "nhs_number")

    def test_nhs_number_added_to_a_record_matched_by_name(self, caseworker, la):
        first, _ = _record(caseworker, la)
        again, created = _record(caseworker, la, nhs_number="9434765919")
        assert not created and again == first
        first.refresh_from_db()
        assert first.nhs_number == "9434765919"
        assert first.nhs_number_display == "943 476 5919"

    def test_different_nhs_numbers_are_different_children(self, caseworker, la):
        _record(caseworker, la, nhs_number="9434765919")
        _, created = _record(caseworker, la, nhs_number="4010232137")
        assert created
        assert ChildOrYoungPerson.objects.count() == 2

    def test_different_birth_dates_are_different_children(self, caseworker, la):
        _record(caseworker, la)
        _, created = _record(caseworker, la, date_of_birth=dt.date(2015, 4, 3))
        assert created

    def test_match_child(self, caseworker, la):
        child, _ = _record(caseworker, la)
        match = match_child(
            local_authority=la,
            given_name="ROBIN",
            family_name="testington",
            date_of_birth=dt.date(2015, 4, 2),
        )
        assert match.own == child and match.own_is_exact and not match.elsewhere
        match = match_child(
            local_authority=la, given_name="Robin", family_name="Other", date_of_birth=dt.date(2015, 4, 2)
        )
        assert match.own is None and not match.elsewhere

    def test_invalid_nhs_number_refused(self, caseworker, la):
        with pytest.raises(ValidationError) as error:
            _record(caseworker, la, nhs_number="1111111111")
        assert "nhs_number" in error.value.message_dict

    def test_future_birth_date_refused(self, caseworker, la):
        with pytest.raises(ValidationError):
            _record(caseworker, la, date_of_birth=dt.date.today() + dt.timedelta(days=1))

    def test_creation_is_audited(self, caseworker, la):
        child, _ = _record(caseworker, la)
        event = AuditEvent.objects.get(action="create")
        assert event.child_public_id == child.public_id
        assert event.user == caseworker


def test_phase_is_derived_from_the_date_of_birth():
    child = ChildFactory.build(date_of_birth=dt.date(2012, 1, 10))
    assert child.phase(dt.date(2016, 9, 5)) == Phase.EARLY_YEARS
    assert child.phase(dt.date(2025, 11, 23)) == Phase.PREPARING_FOR_ADULTHOOD
    assert child.phase(dt.date(2028, 7, 1)) == Phase.POST_16


def test_update_child_audits_the_fields_changed(caseworker, la):
    child, _ = _record(caseworker, la)
    update_child(
        context=TEST_CONTEXT,
        user=caseworker,
        child=child,
        expected_version=child.version,
        nhs_number="943 476 5919",
        school_or_setting_name="Testfield Primary",
    )
    event = AuditEvent.objects.filter(action="change").latest("pk")
    assert "nhs_number" in event.detail and "school_or_setting_name" in event.detail
    with pytest.raises(ValidationError):
        update_child(
            context=TEST_CONTEXT,
            user=caseworker,
            child=child,
            expected_version=child.version,
            nhs_number="123",
        )


def test_parent_carer_needs_details_for_the_preferred_contact(caseworker, la):
    child, _ = _record(caseworker, la)
    with pytest.raises(ValidationError):
        add_parent_carer(
            context=TEST_CONTEXT,
            user=caseworker,
            child=child,
            name="Pat Testington",
            relationship="parent",
            preferred_contact="phone",
            email="pat@example.org",
        )
    carer = add_parent_carer(
        context=TEST_CONTEXT,
        user=caseworker,
        child=child,
        name="Pat Testington",
        relationship="parent",
        preferred_contact="phone",
        phone="07700 900456",
    )
    assert carer.has_parental_responsibility


class TestConsent:
    def test_parent_consent_and_withdrawal(self, caseworker, la):
        child, _ = _record(caseworker, la)
        carer = ParentCarerFactory(child=child)
        consent = record_consent(
            context=TEST_CONTEXT,
            user=caseworker,
            child=child,
            given_by="parent_carer",
            parent_carer=carer,
            given_on=dt.date(2025, 1, 6),
            scope=ConsentToShare.Scope.EHC_ASSESSMENT,
        )
        assert consent.is_active
        seen = consent.version
        withdraw_consent(
            context=TEST_CONTEXT,
            user=caseworker,
            consent=consent,
            expected_version=seen,
            reason="Family asked",
        )
        assert not consent.is_active
        assert AuditEvent.objects.filter(detail="consent withdrawn").count() == 1
        with pytest.raises(ConcurrentUpdate):  # twice from the page they opened: someone changed it
            withdraw_consent(context=TEST_CONTEXT, user=caseworker, consent=consent, expected_version=seen)
        # from a page showing it withdrawn already: nothing more
        withdraw_consent(
            context=TEST_CONTEXT, user=caseworker, consent=consent, expected_version=consent.version
        )
        assert AuditEvent.objects.filter(detail="consent withdrawn").count() == 1

    def test_capacity_must_be_recorded_for_16_and_over(self, caseworker, la):
        child, _ = _record(caseworker, la, date_of_birth=dt.date(2008, 1, 1))
        with pytest.raises(ValidationError) as error:
            record_consent(
                context=TEST_CONTEXT,
                user=caseworker,
                child=child,
                given_by="young_person",
                given_on=dt.date(2025, 1, 6),
                scope="ehc_assessment",
            )
        assert "capacity_assessed" in error.value.message_dict
        consent = record_consent(
            context=TEST_CONTEXT,
            user=caseworker,
            child=child,
            given_by="young_person",
            given_on=dt.date(2025, 1, 6),
            scope="ehc_assessment",
            capacity_assessed=True,
        )
        assert consent.capacity_assessed

    def test_parent_consent_needs_the_parent(self, caseworker, la):
        child, _ = _record(caseworker, la)
        with pytest.raises(ValidationError):
            record_consent(
                context=TEST_CONTEXT,
                user=caseworker,
                child=child,
                given_by="parent_carer",
                given_on=dt.date(2025, 1, 6),
                scope="ehc_assessment",
            )


class TestAccess:
    """A child is visible to whoever can see one of its advice requests, and to its LA's caseworkers."""

    def test_matrix(self):
        world = make_world()
        advice_request = make_request(world)
        route(world, advice_request, world.team)
        child = advice_request.child
        lonely_child = ChildFactory(local_authority=world.la)  # no requests yet
        expected = {
            "la_user": (True, True),
            "dco": (True, False),
            "dco_admin": (True, False),
            "clinician": (True, False),
            "manager": (True, False),
            "trust_manager": (True, False),
            "other_la_user": (False, False),
            "other_dco": (False, False),
            "other_clinician": (False, False),
            "sysadmin": (False, False),
            "school_staff": (False, False),
            "outsider": (False, False),
        }
        for persona, (sees_child, sees_lonely) in expected.items():
            user = getattr(world, persona)
            visible = set(ChildOrYoungPerson.objects.visible_to(user))
            assert (child in visible) is sees_child, persona
            assert (lonely_child in visible) is sees_lonely, persona
            if sees_child:
                assert get_child_for_user(user, child.public_id) == child
            else:
                with pytest.raises(Http404):
                    get_child_for_user(user, child.public_id)
        # Writing: the LA and the area's DCO, not the provider teams.
        assert get_child_for_user(world.la_user, child.public_id, write=True) == child
        assert get_child_for_user(world.dco, child.public_id, write=True) == child
        with pytest.raises(Http404):
            get_child_for_user(world.clinician, child.public_id, write=True)

    def test_garbage_id_is_404(self):
        world = make_world()
        with pytest.raises(Http404):
            get_child_for_user(world.la_user, "not-a-uuid")

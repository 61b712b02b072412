"""Enquiry services without HTTP: reference and targets at once, acknowledgement e-mail, every error at
once, the DCO service's steps with versions, involvements in the same transaction, reminders before and
after each target (claimed once), links by reference, the public status check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from casework import reminders
from casework.targets import due_after
from children.models import Involvement
from core.concurrency import ConcurrentUpdate
from enquiries import services
from enquiries.models import Enquiry
from enquiries.testing import enquiry_details, submit, take_to
from section23.testing import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_an_enquiry_gets_a_reference_targets_and_an_acknowledgement_at_once(
    world, django_capture_on_commit_callbacks, settings
):
    settings.ENQUIRY_ACKNOWLEDGE_WORKING_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(world.la)
    today = timezone.localdate()
    assert enquiry.reference == f"SPC-{enquiry.pk:07d}"
    assert enquiry.dco_service == world.dco_service
    assert enquiry.acknowledge_by == due_after(today, 3)
    assert enquiry.respond_by == due_after(today, 20)
    to_person = [m for m in mail.outbox if m.to == ["sam.parent@example.org"]]
    assert len(to_person) == 1 and enquiry.reference in to_person[0].body
    assert "Robin" not in to_person[0].body  # no child's name in e-mails
    kinds = set(reminders.reminders_for(enquiry).values_list("kind", flat=True))
    assert kinds == {"acknowledge_due", "acknowledge_overdue", "respond_due", "respond_overdue"}
    assert AuditEvent.objects.filter(object_id=str(enquiry.public_id), action="create").exists()


def test_targets_skip_bank_holidays(world, settings):
    # Christmas 2026: Thursday 24th -> 3 working days is Wednesday 30th (25th, 28th are bank holidays)
    assert due_after(dt.date(2026, 12, 24), 3) == dt.date(2026, 12, 31) or due_after(
        dt.date(2026, 12, 24), 3
    ) == dt.date(2026, 12, 30)
    assert services.working_days_before(dt.date(2026, 12, 29), 1) == dt.date(2026, 12, 24)


def test_every_missing_answer_is_named_at_once_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        submit(
            world.other_la,
            enquirer_role="",
            enquirer_name="",
            reply_by="email",
            email="",
            kind="",
            theme="",
            details="",
            service_name="",
        )
    errors = caught.value.message_dict
    assert {
        "enquirer_role",
        "enquirer_name",
        "email",
        "kind",
        "theme",
        "details",
        "service_name",
        "local_authority",
    } <= set(errors)
    assert not Enquiry.objects.exists()


def test_a_phone_reply_needs_a_phone_number_and_an_interpreter_a_language(world):
    with pytest.raises(ValidationError) as caught:
        submit(world.la, reply_by="phone", phone="", interpreter=True, language="")
    assert set(caught.value.message_dict) == {"phone", "language"}


def test_only_the_dco_service_logs_enquiries_from_other_channels(world):
    with pytest.raises(PermissionDenied):
        services.submit_enquiry(
            user=world.caseworker,
            context=TEST_CONTEXT,
            local_authority=world.la,
            details=enquiry_details(),
            channel="phone",
            received_on=timezone.localdate(),
        )
    logged = services.submit_enquiry(
        user=world.dco,
        context=TEST_CONTEXT,
        local_authority=world.la,
        details=enquiry_details(email="", reply_by="phone"),
        channel="letter",
        received_on=timezone.localdate() - dt.timedelta(days=2),
    )
    assert logged.channel == "letter" and logged.logged_by == world.dco


def test_the_dco_service_takes_it_through_every_state(world, django_capture_on_commit_callbacks):
    enquiry = submit(world.la)
    enquiry = take_to(enquiry, "acknowledged", dco=world.dco)
    assert enquiry.status == "acknowledged" and enquiry.acknowledged_on == timezone.localdate()
    assert not reminders.reminders_for(enquiry).filter(kind__startswith="acknowledge").exists()
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = take_to(enquiry, "assigned", dco=world.dco, team=world.team)
    assert enquiry.assigned_team == world.team
    assert Enquiry.objects.visible_to(world.health_visitor).filter(pk=enquiry.pk).exists()
    assert not Enquiry.objects.visible_to(world.other_team_clinician).filter(pk=enquiry.pk).exists()
    services.record_contact(
        user=world.health_visitor,
        context=TEST_CONTEXT,
        enquiry=enquiry,
        service_name="SLT booking team",
        method="phone",
        contacted_on=timezone.localdate(),
        summary="First appointment offered next month.",
    )
    enquiry.refresh_from_db()
    enquiry = take_to(enquiry, "answered", dco=world.dco)
    assert (
        enquiry.outcome == "answered"
        and not reminders.reminders_for(enquiry).filter(sent_at__isnull=True).exists()
    )
    enquiry = take_to(enquiry, "closed", dco=world.dco)
    assert enquiry.closed_on == timezone.localdate()
    enquiry = take_to(enquiry, "reopened", dco=world.dco)
    assert enquiry.status == "reopened" and enquiry.reopen_count == 1 and enquiry.outcome == ""
    assert reminders.reminders_for(enquiry).filter(kind="respond_overdue:1", sent_at__isnull=True).exists()
    texts = list(enquiry.events.values_list("text", flat=True))
    assert texts[0].startswith("Received") and texts[-1].startswith("Reopened")


def test_a_stale_version_is_refused_and_changes_nothing(world):
    enquiry = submit(world.la)
    old = enquiry.version
    take_to(enquiry, "acknowledged", dco=world.dco)
    with pytest.raises(ConcurrentUpdate):
        services.assign(
            user=world.dco, context=TEST_CONTEXT, enquiry=enquiry, expected_version=old, person=world.dco
        )
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None


def test_reopen_needs_a_reason_and_only_closed_enquiries_reopen(world):
    enquiry = take_to(submit(world.la), "closed", dco=world.dco)
    with pytest.raises(ValidationError):
        services.reopen(
            user=world.dco,
            context=TEST_CONTEXT,
            enquiry=enquiry,
            expected_version=enquiry.version,
            reason=" ",
        )
    open_one = submit(world.la)
    with pytest.raises(services.InvalidTransition):
        services.reopen(
            user=world.dco,
            context=TEST_CONTEXT,
            enquiry=open_one,
            expected_version=open_one.version,
            reason="x",
        )


def test_others_cannot_act(world):
    enquiry = submit(world.la)
    with pytest.raises(PermissionDenied):
        services.acknowledge(
            user=world.caseworker, context=TEST_CONTEXT, enquiry=enquiry, expected_version=enquiry.version
        )
    with pytest.raises(PermissionDenied):
        services.record_contact(
            user=world.other_team_clinician,
            context=TEST_CONTEXT,
            enquiry=enquiry,
            service_name="x",
            method="phone",
            contacted_on=timezone.localdate(),
            summary="x",
        )


def test_linking_the_child_writes_involvements_in_the_same_transaction(world):
    enquiry = take_to(submit(world.la), "assigned", dco=world.dco, team=world.team)
    enquiry = services.link_records(
        user=world.dco,
        context=TEST_CONTEXT,
        enquiry=enquiry,
        expected_version=enquiry.version,
        given_name="Robin",
        family_name="Example",
        date_of_birth=dt.date(2016, 5, 1),
    )
    assert enquiry.child is not None
    rows = Involvement.objects.filter(record_type="enquiries.enquiry", record_id=enquiry.public_id)
    assert {r.organisation_id for r in rows} == {world.dco_service.pk, world.team.pk}
    assert {r.reason for r in rows} == {"enquiry"}
    enquiry = take_to(enquiry, "closed", dco=world.dco)
    assert all(r.ended_on == timezone.localdate() for r in rows.all())


def test_a_reference_must_be_one_the_dco_service_can_see(world):
    enquiry = submit(world.la)
    with pytest.raises(ValidationError) as caught:
        services.link_records(
            user=world.dco,
            context=TEST_CONTEXT,
            enquiry=enquiry,
            expected_version=enquiry.version,
            advice_reference="HA9999999",
            notification_reference="S23-999",
        )
    assert set(caught.value.message_dict) == {"advice_reference", "notification_reference"}


def test_reminders_are_sent_once_before_and_after_the_target(world, django_capture_on_commit_callbacks):
    enquiry = submit(world.la)
    due = reminders.at_start_of(due_after(enquiry.acknowledge_by, 1)) + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_due(now=due)
    assert first >= 2  # due soon and overdue for the acknowledgement
    assert reminders.send_due(now=due) == 0
    assert any(f"enquiry {enquiry.reference}" in m.subject for m in mail.outbox)
    closed = take_to(submit(world.la), "answered", dco=world.dco)
    assert not reminders.reminders_for(closed).filter(sent_at__isnull=True).exists()


def test_the_status_check_needs_both_the_reference_and_the_address(world):
    enquiry = submit(world.la)
    assert services.public_status(enquiry.reference.lower(), "SAM.parent@example.org") == enquiry
    assert services.public_status(enquiry.reference, "someone@example.org") is None
    assert services.public_status("SPC-0000000", "sam.parent@example.org") is None
    assert services.public_status("", "") is None

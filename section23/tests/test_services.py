"""Section 23 services without HTTP: drafting, the statutory steps before sending, the compulsory
school age check, involvements, acknowledgement and decision, concerns, reminders, versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from casework import reminders
from casework.models import CaseReminder
from children.models import ChildOrYoungPerson, Involvement
from core.concurrency import ConcurrentUpdate
from core.testing import committed
from section23 import rules, services
from section23.models import Concern, Notification
from section23.testing import complete_details, make_world, notify, raise_concern, young_birth_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_a_complete_notification_is_sent_to_the_la_with_its_acknowledgement_target(world, mailoutbox):
    with committed():
        notification = notify(world)
    assert notification.status == Notification.Status.SENT
    assert notification.reference.startswith("S23-")
    assert notification.sent_on == timezone.localdate()
    assert notification.acknowledge_by > notification.sent_on
    assert notification.notifying_body == world.trust
    # The LA and the DCO are chased if nobody acknowledges it: one reminder row each, not sent yet.
    rows = reminders.reminders_for(notification)
    assert {r.recipient for r in rows} == {world.caseworker.email, world.dco.email}
    assert all(r.sent_at is None for r in rows)
    assert any(notification.reference in m.subject for m in mailoutbox)
    assert all("Robin" not in m.body for m in mailoutbox)  # e-mails carry the reference, never the name


def test_involvements_are_written_with_the_notification(world):
    notification = notify(world)
    rows = {i.organisation_id: i for i in Involvement.objects.filter(record_id=notification.public_id)}
    assert set(rows) == {world.team.pk, world.la.pk}
    assert all(i.reason == "s23_notification" and i.ended_on is None for i in rows.values())
    assert (
        ChildOrYoungPerson.objects.visible_to(world.health_visitor).filter(pk=notification.child_id).exists()
    )


def test_a_draft_needs_no_statutory_steps_but_cannot_be_sent_without_them(world):
    draft = notify(world, send=False, details={"opinion": "Early concerns"})
    assert draft.status == Notification.Status.DRAFT
    assert not Involvement.objects.filter(record_id=draft.public_id, organisation=world.la).exists()
    with pytest.raises(ValidationError) as caught:
        services.update_draft(
            user=world.health_visitor,
            context=TEST_CONTEXT,
            notification=draft,
            expected_version=draft.version,
            details={},
            send=True,
        )
    errors = caught.value.message_dict
    assert {
        "parent_told_on",
        "discussion",
        "discussion_on",
        "discussion_with",
        "voluntary_organisations",
    } <= set(errors)
    draft.refresh_from_db()
    assert draft.status == Notification.Status.DRAFT  # nothing half-saved
    services.update_draft(
        user=world.health_visitor,
        context=TEST_CONTEXT,
        notification=draft,
        expected_version=draft.version,
        details=complete_details(),
        send=True,
    )
    draft.refresh_from_db()
    assert draft.status == Notification.Status.SENT


def test_signposting_can_record_that_no_organisation_was_likely_to_help(world):
    details = complete_details(voluntary_organisations="", no_voluntary_organisation=True)
    assert notify(world, details=details).signposting_recorded


def test_a_child_of_compulsory_school_age_cannot_be_notified_and_is_told_what_to_do_instead(world):
    born = young_birth_date(years=6)
    with pytest.raises(ValidationError) as caught:
        notify(world, date_of_birth=born)
    message = caught.value.message_dict["date_of_birth"][0]
    assert "compulsory school age" in message and "EHC needs assessment" in message
    assert not ChildOrYoungPerson.objects.filter(date_of_birth=born).exists()


def test_compulsory_school_age_starts_on_the_prescribed_day_after_the_fifth_birthday():
    born = dt.date(2021, 9, 15)  # 5 on 15 Sep 2026: compulsory school age from 31 Dec 2026
    assert rules.age_check(born, dt.date(2026, 12, 30)).eligible
    assert not rules.age_check(born, dt.date(2026, 12, 31)).eligible


def test_the_parents_objection_is_recorded_and_flagged_to_the_dco_never_a_veto(world, mailoutbox):
    with committed():
        notification = notify(
            world, details=complete_details(parent_view="disagrees", parent_views="Does not want it")
        )
    assert notification.status == Notification.Status.SENT
    assert notification.objection
    flagged = [m for m in mailoutbox if "objection" in m.subject.lower()]
    assert flagged and flagged[0].to == [world.dco.email]


def test_only_nhs_trust_teams_and_the_dco_for_the_icb_may_notify(world):
    with pytest.raises(PermissionDenied):
        services.create_notification(
            user=world.gp,
            context=TEST_CONTEXT,
            acting_for=world.gp_practice,
            local_authority=world.la,
            given_name="A",
            family_name="B",
            date_of_birth=young_birth_date(),
            details=complete_details(),
        )
    by_icb = services.create_notification(
        user=world.dco,
        context=TEST_CONTEXT,
        acting_for=world.dco_service,
        local_authority=world.la,
        given_name="Kit",
        family_name="Testchild",
        date_of_birth=young_birth_date(),
        details=complete_details(),
        send=True,
    )
    assert by_icb.notifying_body == world.icb


def test_the_la_acknowledges_and_decides_and_the_reminder_stops(world, mailoutbox):
    notification = notify(world)
    with committed():
        services.acknowledge(
            user=world.caseworker,
            context=TEST_CONTEXT,
            notification=notification,
            expected_version=notification.version,
            la_reference="EY-1",
        )
    assert notification.status == Notification.Status.ACKNOWLEDGED
    assert not reminders.reminders_for(notification).exists()
    assert any("acknowledged" in m.subject for m in mailoutbox)
    services.record_decision(
        user=world.caseworker,
        context=TEST_CONTEXT,
        notification=notification,
        expected_version=notification.version,
        decision="consider_assessment",
    )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.DECIDED
    assert notification.decided_on == timezone.localdate()
    ended = Involvement.objects.filter(record_id=notification.public_id).values_list("ended_on", flat=True)
    assert set(ended) == {timezone.localdate()}


def test_another_la_cannot_acknowledge(world):
    notification = notify(world)
    with pytest.raises(PermissionDenied):
        services.acknowledge(
            user=world.other_caseworker,
            context=TEST_CONTEXT,
            notification=notification,
            expected_version=notification.version,
        )


def test_a_stale_page_is_told_someone_else_changed_it(world):
    notification = notify(world)
    old = notification.version
    services.acknowledge(
        user=world.caseworker, context=TEST_CONTEXT, notification=notification, expected_version=old
    )
    with pytest.raises(ConcurrentUpdate):
        services.record_decision(
            user=world.caseworker,
            context=TEST_CONTEXT,
            notification=Notification.objects.get(pk=notification.pk),
            expected_version=old,
            decision="early_years",
        )


def test_an_unacknowledged_notification_is_chased_once(world, mailoutbox):
    notification = notify(world)
    later = timezone.now() + dt.timedelta(days=30)
    with committed():
        assert reminders.send_due(later) == 2
        assert reminders.send_due(later) == 0
    chased = [m for m in mailoutbox if m.subject.startswith("Not yet acknowledged")]
    assert len(chased) == 2 and notification.reference in chased[0].body


def test_a_reminder_for_an_acknowledged_notification_is_dropped(world):
    notification = notify(world)
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.ACKNOWLEDGED)
    assert reminders.send_due(timezone.now() + dt.timedelta(days=30)) == 0
    assert not CaseReminder.objects.exists()


def test_a_gp_raises_a_concern_and_the_dco_asks_the_icb_to_notify(world):
    concern = raise_concern(world)
    assert concern.dco_service == world.dco_service and concern.status == Concern.Status.OPEN
    assert Concern.objects.visible_to(world.gp).filter(pk=concern.pk).exists()
    assert not Concern.objects.visible_to(world.caseworker).exists()
    services.decide_concern(
        user=world.dco,
        context=TEST_CONTEXT,
        concern=concern,
        expected_version=concern.version,
        decision=Concern.Decision.ICB_NOTIFIES,
    )
    draft = Notification.objects.get(concern=concern)
    assert draft.is_draft and draft.dco_service == world.dco_service and draft.notifying_body == world.icb


def test_the_dco_can_ask_a_trust_team_or_record_why_not(world):
    concern = raise_concern(world)
    with pytest.raises(ValidationError) as caught:
        services.decide_concern(
            user=world.dco,
            context=TEST_CONTEXT,
            concern=concern,
            expected_version=concern.version,
            decision=Concern.Decision.NO_NOTIFICATION,
        )
    assert "reason" in caught.value.message_dict
    services.decide_concern(
        user=world.dco,
        context=TEST_CONTEXT,
        concern=concern,
        expected_version=concern.version,
        decision=Concern.Decision.TRUST_NOTIFIES,
        team=world.team,
    )
    draft = Notification.objects.get(concern=concern)
    assert draft.team == world.team and draft.notifying_body == world.trust
    assert Notification.objects.visible_to(world.health_visitor).filter(pk=draft.pk).exists()


def test_every_change_is_in_the_access_log_with_the_child(world):
    notification = notify(world)
    services.acknowledge(
        user=world.caseworker,
        context=TEST_CONTEXT,
        notification=notification,
        expected_version=notification.version,
    )
    services.record_decision(
        user=world.caseworker,
        context=TEST_CONTEXT,
        notification=notification,
        expected_version=notification.version,
        decision=Notification.Decision.EARLY_YEARS,
    )
    events = AuditEvent.objects.filter(object_id=str(notification.public_id)).order_by("pk")
    assert [(e.action, e.detail) for e in events] == [
        ("create", "draft"),
        ("change", "sent to the LA"),
        ("change", "acknowledged"),
        ("change", "decision: early_years"),
    ]
    assert {e.child_public_id for e in events} == {notification.child.public_id}

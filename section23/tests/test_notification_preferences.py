"""Section 23 and concern e-mails honour each organisation's and each person's notification preferences
(accounts.notifications), as EHC advice's do: turned off, shared mailbox only, daily digest, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import DigestItem, NotificationEvent, OrganisationNotification, Role
from accounts.testing import member, on_digest, sends_to, sent_to, turned_off
from audit.testing import TEST_CONTEXT
from casework import reminders
from core.testing import committed
from section23 import services
from section23.models import Concern
from section23.testing import complete_details, make_world, notify, raise_concern

pytestmark = pytest.mark.django_db

Event = NotificationEvent
SendTo = OrganisationNotification.SendTo


@pytest.fixture
def world():
    return make_world()


def test_an_la_officer_who_turned_new_notifications_off_gets_no_email(world, mailoutbox):
    colleague = member(Role.LA_CASEWORKER, world.la, email="colleague@example.org")
    turned_off(world.caseworker, Event.S23_NOTIFICATION)
    with committed():
        notification = notify(world)
    assert sent_to(mailoutbox, "New section 23 notification") == [colleague.email]
    # Turning off new notifications is not turning off the chase reminder.
    recipients = reminders.reminders_for(notification).values_list("recipient", flat=True)
    assert world.caseworker.email in recipients


@pytest.mark.parametrize(
    ("send_to", "expected"),
    [
        (SendTo.MAILBOX, ["sen.team@example.org"]),
        (SendTo.PEOPLE, ["caseworker"]),
        (SendTo.BOTH, ["caseworker", "sen.team@example.org"]),
        (SendTo.NOBODY, []),
    ],
)
def test_the_la_chooses_its_shared_mailbox_or_its_people(world, mailoutbox, send_to, expected):
    sends_to(world.la, Event.S23_NOTIFICATION, send_to, mailbox="sen.team@example.org")
    with committed():
        notify(world)
    expected = sorted(world.caseworker.email if e == "caseworker" else e for e in expected)
    assert sent_to(mailoutbox, "New section 23 notification") == expected


def test_a_person_on_a_daily_digest_gets_a_digest_item_not_an_email(world, mailoutbox):
    on_digest(world.caseworker, Event.S23_NOTIFICATION)
    with committed():
        notification = notify(world)
    assert sent_to(mailoutbox, "New section 23 notification") == []
    item = DigestItem.objects.get(event=Event.S23_NOTIFICATION)
    assert item.address == world.caseworker.email and notification.reference in item.subject


def test_the_chase_reminder_honours_the_same_choices(world, mailoutbox):
    digest_officer = member(Role.LA_CASEWORKER, world.la, email="digest.officer@example.org")
    off_officer = member(Role.LA_CASEWORKER, world.la, email="off.officer@example.org")
    on_digest(digest_officer, Event.S23_REMINDER)
    turned_off(off_officer, Event.S23_REMINDER)
    notification = notify(world)
    scheduled = set(reminders.reminders_for(notification).values_list("recipient", flat=True))
    # Someone who turned reminders off is not chosen; the rest are.
    assert scheduled == {world.caseworker.email, digest_officer.email, world.dco.email}
    # The DCO turns them off after the reminder was scheduled: still nothing is sent to them.
    turned_off(world.dco, Event.S23_REMINDER)
    with committed():
        assert reminders.send_due(timezone.now() + dt.timedelta(days=30)) == 3
    assert sent_to(mailoutbox, "Not yet acknowledged") == [world.caseworker.email]
    item = DigestItem.objects.get(event=Event.S23_REMINDER)
    assert item.address == digest_officer.email and notification.reference in item.subject


def test_the_notifier_the_dco_and_the_gp_practice_get_what_they_chose(world, mailoutbox):
    # The parent objected: flagged to the DCO service, but not to the DCO who turned it off.
    other_dco = member(Role.DCO, world.dco_service, email="other.dco@example.org")
    turned_off(world.dco, Event.S23_OBJECTION)
    with committed():
        notification = notify(world, details=complete_details(parent_view="disagrees"))
    assert notification.objection
    assert sent_to(mailoutbox, "objection") == [other_dco.email]
    # The LA acknowledges: the health visitor's team is told unless the team chose nobody.
    sends_to(world.team, Event.S23_RESPONSE, SendTo.NOBODY)
    with committed():
        services.acknowledge(
            user=world.caseworker,
            context=TEST_CONTEXT,
            notification=notification,
            expected_version=notification.version,
        )
    assert sent_to(mailoutbox, "acknowledged") == []
    # A concern: the DCO service is told (digest), then the GP practice hears the decision.
    on_digest(world.dco, Event.CONCERN_RAISED)
    with committed():
        concern = raise_concern(world)
    assert sent_to(mailoutbox, "Concern about a young child") == [other_dco.email]
    assert DigestItem.objects.filter(event=Event.CONCERN_RAISED, address=world.dco.email).exists()
    other_gp = member(Role.HEALTH_PRACTITIONER, world.gp_practice, email="other.gp@example.org")
    turned_off(world.gp, Event.CONCERN_DECIDED)
    with committed():
        services.decide_concern(
            user=world.dco,
            context=TEST_CONTEXT,
            concern=concern,
            expected_version=concern.version,
            decision=Concern.Decision.TRUST_NOTIFIES,
            team=world.team,
        )
    assert sent_to(mailoutbox, "Your concern") == [other_gp.email]
    assert sent_to(mailoutbox, "Please consider a section 23 notification") == [world.health_visitor.email]

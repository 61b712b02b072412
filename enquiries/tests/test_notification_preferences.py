"""Enquiry e-mails to staff honour each organisation's and each person's notification preferences
(accounts.notifications), as EHC advice's do; the enquirer's acknowledgement is not a staff notification
and always goes to the address they gave."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import DigestItem, NotificationEvent, OrganisationNotification, Role
from accounts.testing import member, on_digest, sends_to, sent_to, turned_off
from audit.testing import TEST_CONTEXT
from casework import reminders
from casework.targets import due_after
from core.testing import committed
from enquiries import services
from enquiries.testing import submit, take_to
from section23.testing import make_world

pytestmark = pytest.mark.django_db

Event = NotificationEvent
SendTo = OrganisationNotification.SendTo


@pytest.fixture
def world():
    return make_world()


def test_a_dco_who_turned_new_enquiries_off_gets_no_email_but_the_enquirer_is_still_acknowledged(
    world, mailoutbox
):
    colleague = member(Role.DCO, world.dco_service, email="colleague.dco@example.org")
    turned_off(world.dco, Event.NEW_ENQUIRY)
    with committed():
        enquiry = submit(world.la)
    assert sent_to(mailoutbox, "New enquiry") == [colleague.email]
    assert sent_to(mailoutbox, "We have your enquiry") == ["sam.parent@example.org"]
    assert enquiry.reference in next(m.body for m in mailoutbox if m.to == ["sam.parent@example.org"])


@pytest.mark.parametrize(
    ("send_to", "expected"),
    [
        (SendTo.MAILBOX, ["dco.service@example.org"]),
        (SendTo.PEOPLE, ["dco"]),
        (SendTo.BOTH, ["dco", "dco.service@example.org"]),
        (SendTo.NOBODY, []),
    ],
)
def test_the_dco_service_chooses_its_shared_mailbox_or_its_people(world, mailoutbox, send_to, expected):
    sends_to(world.dco_service, Event.NEW_ENQUIRY, send_to, mailbox="dco.service@example.org")
    with committed():
        submit(world.la)
    expected = sorted(world.dco.email if e == "dco" else e for e in expected)
    assert sent_to(mailoutbox, "New enquiry") == expected


def test_a_team_set_to_its_shared_mailbox_only_gets_assigned_enquiries_there(world, mailoutbox):
    sends_to(world.team, Event.ENQUIRY_ASSIGNED, SendTo.MAILBOX, mailbox="health.visiting@example.org")
    sends_to(world.team, Event.NEW_REQUEST, SendTo.PEOPLE)  # another event's choice changes nothing here
    enquiry = take_to(submit(world.la), "acknowledged", dco=world.dco)
    with committed():
        take_to(enquiry, "assigned", dco=world.dco, team=world.team)
    assert sent_to(mailoutbox, "assigned to your team") == ["health.visiting@example.org"]


def test_a_colleague_on_a_daily_digest_gets_the_assignment_in_it(world, mailoutbox):
    colleague = member(Role.DCO, world.dco_service, email="colleague.dco@example.org")
    on_digest(colleague, Event.ENQUIRY_ASSIGNED)
    enquiry = submit(world.la)
    with committed():
        services.assign(
            user=world.dco,
            context=TEST_CONTEXT,
            enquiry=enquiry,
            expected_version=enquiry.version,
            person=colleague,
        )
    assert sent_to(mailoutbox, "assigned to you") == []
    item = DigestItem.objects.get(event=Event.ENQUIRY_ASSIGNED)
    assert item.address == colleague.email and enquiry.reference in item.subject


def test_reminders_honour_the_same_choices(world, mailoutbox):
    digest_dco = member(Role.DCO, world.dco_service, email="digest.dco@example.org")
    off_dco = member(Role.DCO, world.dco_service, email="off.dco@example.org")
    on_digest(digest_dco, Event.ENQUIRY_REMINDER)
    turned_off(off_dco, Event.ENQUIRY_REMINDER)
    # Turning off new enquiries is not turning off their reminders.
    turned_off(world.dco, Event.NEW_ENQUIRY)
    enquiry = submit(world.la, user=AnonymousUser())
    scheduled = set(reminders.reminders_for(enquiry).values_list("recipient", flat=True))
    assert scheduled == {world.dco.email, digest_dco.email}
    due = reminders.at_start_of(due_after(enquiry.acknowledge_by, 1))
    with committed():
        assert reminders.send_due(now=due) == 4  # due soon and overdue, for each of the two
    assert sent_to(mailoutbox, f"enquiry {enquiry.reference}") == [world.dco.email, world.dco.email]
    assert DigestItem.objects.filter(event=Event.ENQUIRY_REMINDER, address=digest_dco.email).count() == 2
    # Someone who turns reminders off after they were scheduled gets none of the rest.
    turned_off(world.dco, Event.ENQUIRY_REMINDER)
    mailoutbox.clear()
    with committed():
        reminders.send_due(now=reminders.at_start_of(due_after(enquiry.respond_by, 1)))
    assert sent_to(mailoutbox, f"enquiry {enquiry.reference}") == []

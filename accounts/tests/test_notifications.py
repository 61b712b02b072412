"""Notification preferences: who an event's e-mail goes to (per organisation), how each person gets it
(each time, a daily digest, or not at all), and the daily digest itself."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from accounts.models import (
    DigestItem,
    NotificationEvent,
    Organisation,
    OrganisationNotification,
    PersonalNotification,
    Role,
    RoleGroup,
)
from accounts.notifications import (
    EVENT_KINDS,
    EVENT_ROLES,
    events_for_kind,
    events_for_person,
    notify,
    recipients_for,
)
from accounts.tasks import send_daily_digests
from accounts.testing import make_organisation, member, on_digest, sends_to, sign_in, turned_off
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

Event = NotificationEvent
SendTo = OrganisationNotification.SendTo
Delivery = PersonalNotification.Delivery


@pytest.fixture
def team():
    trust = make_organisation(kind=Organisation.Kind.PROVIDER_TRUST, name="Aldermoor Trust")
    return make_organisation(
        kind=Organisation.Kind.PROVIDER_TEAM, name="Aldermoor physiotherapy", parent=trust
    )


@pytest.fixture
def people(team):
    return {
        "clinician": member(Role.PROVIDER_CLINICIAN, team, email="clinician@example.org"),
        "manager": member(Role.PROVIDER_TEAM_MANAGER, team, email="manager@example.org"),
    }


def test_by_default_the_shared_mailbox_if_there_is_one_otherwise_each_person(team, people):
    assert recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER) == [
        "clinician@example.org",
        "manager@example.org",
    ]
    team.email = "physio@example.org"
    team.save()
    assert recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER) == ["physio@example.org"]
    # People only, when asked (a team's managers), whatever the mailbox.
    managers = recipients_for(Event.REMINDER, [team], (Role.PROVIDER_TEAM_MANAGER,), shared_mailbox=False)
    assert managers == ["manager@example.org"]


@pytest.mark.parametrize(
    ("send_to", "expected"),
    [
        (SendTo.MAILBOX, ["physio@example.org"]),
        (SendTo.PEOPLE, ["clinician@example.org", "manager@example.org"]),
        (SendTo.BOTH, ["clinician@example.org", "manager@example.org", "physio@example.org"]),
        (SendTo.NOBODY, []),
    ],
)
def test_the_organisation_chooses_who_gets_each_event(team, people, send_to, expected):
    sends_to(team, Event.ASSIGNMENT, send_to, mailbox="physio@example.org")
    assert recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER) == expected
    # Only that event: the others keep the usual.
    assert recipients_for(Event.ADVICE_RETURNED, [team], RoleGroup.PROVIDER) == ["physio@example.org"]


def test_a_person_who_turned_an_event_off_gets_none_of_it(team, people, django_capture_on_commit_callbacks):
    turned_off(people["clinician"], Event.ASSIGNMENT)
    assert recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER) == ["manager@example.org"]
    assert recipients_for(Event.ADVICE_RETURNED, [team], RoleGroup.PROVIDER) == [
        "clinician@example.org",
        "manager@example.org",
    ]
    # Given their address directly (a reminder chosen earlier), it is still left out.
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event=Event.ASSIGNMENT, to=["Clinician@example.org", "manager@example.org"], subject="S", body="B"
        )
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_the_daily_digest_sends_one_email_a_day_of_what_each_person_chose_to_digest(
    team, people, django_capture_on_commit_callbacks
):
    on_digest(people["clinician"], Event.ASSIGNMENT, Event.REMINDER)
    day = dt.date(2027, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        for n, event in enumerate([Event.ASSIGNMENT, Event.REMINDER, Event.ADVICE_RETURNED]):
            notify(
                event=event,
                to=recipients_for(event, [team], RoleGroup.PROVIDER),
                subject=f"Health advice HA000{n} for your team",
                body=f"Reference: HA000{n}\nOpen it here: https://hub.example.org/x/{n}/\n",
            )
    # At once: the manager everything, the clinician only what they did not choose to digest.
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("clinician@example.org", "manager@example.org"),
        ("manager@example.org",),
        ("manager@example.org",),
    ]
    DigestItem.objects.update(created_at=_local(day, 16))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(_local(day + dt.timedelta(days=1), 6)) == 0  # before the digest hour
        assert send_daily_digests(_local(day + dt.timedelta(days=1), 7, 5)) == 1
        assert send_daily_digests(_local(day + dt.timedelta(days=1), 8, 5)) == 0  # once a day
    (digest,) = mail.outbox
    assert digest.to == ["clinician@example.org"]
    assert "2 updates for 10 March 2027" in digest.subject
    assert "HA0000" in digest.body and "HA0001" in digest.body and "HA0002" not in digest.body
    assert "https://hub.example.org/x/0/" in digest.body


def test_what_arrives_after_the_digest_hour_waits_for_the_next_day(
    team, people, django_capture_on_commit_callbacks
):
    on_digest(people["clinician"], Event.ASSIGNMENT)
    day = dt.date(2027, 3, 10)
    DigestItem.objects.create(
        address="clinician@example.org",
        event=Event.ASSIGNMENT,
        subject="Late",
        body="B",
        created_at=_local(day, 9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(_local(day, 10)) == 0
        assert send_daily_digests(_local(day + dt.timedelta(days=1), 7)) == 1
    assert len(mail.outbox) == 1


def test_a_shared_mailbox_can_get_a_daily_digest(team, people, django_capture_on_commit_callbacks):
    sends_to(team, Event.ASSIGNMENT, SendTo.USUAL, mailbox="physio@example.org", digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event=Event.ASSIGNMENT,
            to=recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER),
            subject="S",
            body="B",
        )
    assert mail.outbox == []
    assert DigestItem.objects.get().address == "physio@example.org"


def test_the_administrator_sets_the_organisations_choices_in_its_page(team, people):
    admin = member(Role.ORGANISATION_ADMIN, team.parent)
    client = sign_in(Client(), admin)
    url = reverse("accounts:organisation-notifications", args=[team.public_id])
    page = client.get(url).content.decode()
    assert "A request for advice assigned to a team" in page and "A new request for health advice" not in page
    data = {
        "email": "physio@example.org",
        "version": team.version,
        **{f"send_to_{e}": SendTo.USUAL for e in events_for_kind(team.kind)},
        "send_to_assignment": SendTo.BOTH,
        "digest_reminder": "on",
    }
    assert client.post(url, data).status_code == 302
    team.refresh_from_db()
    assert team.email == "physio@example.org"
    assert (
        OrganisationNotification.objects.get(organisation=team, event=Event.ASSIGNMENT).send_to == SendTo.BOTH
    )
    assert OrganisationNotification.objects.get(organisation=team, event=Event.REMINDER).mailbox_digest
    event = AuditEvent.objects.get(detail__startswith="Notification settings of Aldermoor physiotherapy")
    assert event.user == admin and "shared mailbox '' -> 'physio@example.org'" in event.detail
    stale = client.post(url, data)
    assert stale.status_code == 409
    # Every error at once, naming the field.
    bad = client.post(url, {"email": "nope", "version": team.version + 1}).content.decode()
    assert "Enter the shared mailbox in the correct format" in bad
    assert "Choose who gets emails about: a request for advice assigned to a team" in bad
    # Another organisation's settings: 404, as for one that does not exist.
    other = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY)
    assert (
        client.get(reverse("accounts:organisation-notifications", args=[other.public_id])).status_code == 404
    )
    assert client.get(reverse("accounts:organisation-notifications", args=[uuid.uuid4()])).status_code == 404


def test_each_person_chooses_for_themselves(team, people):
    clinician = people["clinician"]
    client = sign_in(Client(), clinician)
    url = reverse("accounts:my-notifications")
    page = client.get(url).content.decode()
    assert "Reminders that advice is due soon" in page and "A new request for health advice" not in page
    data = {f"delivery_{e}": Delivery.EACH for e in events_for_person(clinician)}
    data.update({"delivery_reminder": Delivery.DIGEST, "version": clinician.version})
    assert client.post(url, data).status_code == 302
    assert PersonalNotification.objects.get(user=clinician, event=Event.REMINDER).delivery == Delivery.DIGEST
    assert AuditEvent.objects.filter(
        user=clinician, detail__contains="changed their notification settings"
    ).exists()
    assert client.post(url, data).status_code == 409  # the version moved on


def test_every_event_says_who_may_get_it_and_which_organisations():
    # An event with no roles or no kinds of organisation could never be chosen on either page.
    for event in Event.values:
        assert EVENT_ROLES[event] and EVENT_KINDS[event], event


@pytest.mark.parametrize(
    ("kind", "shown", "not_shown"),
    [
        (
            Organisation.Kind.LOCAL_AUTHORITY,
            [Event.ADVICE_RELEASED, Event.S23_NOTIFICATION, Event.S23_REMINDER],
            [Event.NEW_ENQUIRY, Event.CONCERN_RAISED, Event.ASSIGNMENT],
        ),
        (
            Organisation.Kind.DCO_SERVICE,
            [
                Event.S23_OBJECTION,
                Event.S23_RESPONSE,
                Event.S23_REMINDER,
                Event.CONCERN_RAISED,
                Event.NEW_ENQUIRY,
                Event.ENQUIRY_REMINDER,
            ],
            [Event.S23_NOTIFICATION, Event.CONCERN_DECIDED, Event.ENQUIRY_ASSIGNED],
        ),
        (
            Organisation.Kind.PROVIDER_TEAM,
            [Event.S23_RESPONSE, Event.S23_CONSIDER, Event.ENQUIRY_ASSIGNED],
            [Event.S23_NOTIFICATION, Event.NEW_ENQUIRY, Event.CONCERN_RAISED],
        ),
        (
            Organisation.Kind.GP_PRACTICE,
            [Event.CONCERN_DECIDED],
            [Event.S23_RESPONSE, Event.REMINDER, Event.NEW_ENQUIRY],
        ),
        (Organisation.Kind.SERVICE_PROVIDER, [Event.CONCERN_DECIDED], [Event.S23_NOTIFICATION]),
    ],
)
def test_each_kind_of_organisation_chooses_for_the_section_23_and_enquiry_emails_it_gets(
    kind, shown, not_shown
):
    organisation = make_organisation(kind=kind, name="Ashby organisation")
    admin = member(Role.SYSTEM_ADMIN)
    page = (
        sign_in(Client(), admin)
        .get(reverse("accounts:organisation-notifications", args=[organisation.public_id]))
        .content.decode()
    )
    labels = dict(Event.choices)
    for event in shown:
        assert escape(labels[event]) in page, event
    for event in not_shown:
        assert escape(labels[event]) not in page, event


@pytest.mark.parametrize(
    ("role", "kind", "shown", "not_shown"),
    [
        (
            Role.LA_CASEWORKER,
            Organisation.Kind.LOCAL_AUTHORITY,
            [Event.S23_NOTIFICATION, Event.S23_REMINDER, Event.ADVICE_RELEASED],
            [Event.NEW_ENQUIRY, Event.REMINDER, Event.CONCERN_DECIDED],
        ),
        (
            Role.DCO,
            Organisation.Kind.DCO_SERVICE,
            [Event.CONCERN_RAISED, Event.NEW_ENQUIRY, Event.ENQUIRY_ASSIGNED, Event.ENQUIRY_REMINDER],
            [Event.S23_NOTIFICATION, Event.CONCERN_DECIDED, Event.S23_CONSIDER],
        ),
        (
            Role.HEALTH_PRACTITIONER,
            Organisation.Kind.GP_PRACTICE,
            [Event.CONCERN_DECIDED],
            [Event.S23_NOTIFICATION, Event.REMINDER, Event.NEW_ENQUIRY],
        ),
        (
            Role.PROVIDER_CLINICIAN,
            Organisation.Kind.PROVIDER_TEAM,
            [Event.S23_RESPONSE, Event.S23_CONSIDER, Event.ENQUIRY_ASSIGNED],
            [Event.S23_NOTIFICATION, Event.CONCERN_RAISED, Event.ENQUIRY_REMINDER],
        ),
    ],
)
def test_each_person_sees_the_section_23_and_enquiry_emails_their_role_gets(role, kind, shown, not_shown):
    person = member(role, make_organisation(kind=kind, name="Ashby organisation"))
    page = sign_in(Client(), person).get(reverse("accounts:my-notifications")).content.decode()
    labels = dict(Event.choices)
    for event in shown:
        assert escape(labels[event]) in page, event
    for event in not_shown:
        assert escape(labels[event]) not in page, event

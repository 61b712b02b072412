"""Factories and personas for tests in every app. Synthetic people only (example.org addresses)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    Membership,
    NotificationEvent,
    Organisation,
    OrganisationNotification,
    PersonalNotification,
    Role,
    User,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    kind = Organisation.Kind.LOCAL_AUTHORITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # obj: the user just made
        if create:
            obj.save()


def make_organisation(**kwargs: Any) -> Organisation:
    """A saved organisation (typed)."""
    return cast(Organisation, OrganisationFactory(**kwargs))


def make_user(**kwargs: Any) -> User:
    """A saved user (typed: UserFactory() itself is typed as the factory)."""
    return cast(User, UserFactory(**kwargs))


def member(role: str, organisation: Organisation | None = None, **user_kwargs: Any) -> User:
    """A user holding `role` in `organisation` (a new one of a fitting kind if not given)."""
    if organisation is None:
        kind = {
            Role.DCO: Organisation.Kind.DCO_SERVICE,
            Role.DCO_ADMIN: Organisation.Kind.DCO_SERVICE,
            Role.LA_CASEWORKER: Organisation.Kind.LOCAL_AUTHORITY,
            Role.DIRECTORY_EDITOR: Organisation.Kind.LOCAL_AUTHORITY,
            Role.PROVIDER_CLINICIAN: Organisation.Kind.PROVIDER_TEAM,
            Role.PROVIDER_TEAM_MANAGER: Organisation.Kind.PROVIDER_TEAM,
            Role.PROVIDER_EDITOR: Organisation.Kind.SERVICE_PROVIDER,
            Role.SCHOOL_STAFF: Organisation.Kind.SCHOOL,
            Role.SYSTEM_ADMIN: Organisation.Kind.INTEGRATED_CARE_BOARD,
            Role.ORGANISATION_ADMIN: Organisation.Kind.LOCAL_AUTHORITY,
        }[Role(role)]
        organisation = cast(Organisation, OrganisationFactory(kind=kind))
    user = cast(User, UserFactory(**user_kwargs))
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def totp_device(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "Test app", "confirmed": True})
    return device


def sign_in(client: Client, user: User) -> Client:
    """Sign `client` in as `user` with two-factor passed, as the real two-step sign-in leaves it."""
    device = totp_device(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def turned_off(user: User, *events: NotificationEvent) -> None:
    """`user` chose to get none of these events' e-mails (their notification preferences)."""
    _person_chooses(user, PersonalNotification.Delivery.OFF, events)


def on_digest(user: User, *events: NotificationEvent) -> None:
    """`user` chose to get these events in their daily digest rather than an e-mail each time."""
    _person_chooses(user, PersonalNotification.Delivery.DIGEST, events)


def _person_chooses(user: User, delivery: str, events: Iterable[NotificationEvent]) -> None:
    for event in events:
        PersonalNotification.objects.create(user=user, event=event, delivery=delivery)


def sends_to(
    organisation: Organisation,
    event: NotificationEvent,
    send_to: OrganisationNotification.SendTo,
    *,
    mailbox: str | None = None,
    digest: bool = False,
) -> OrganisationNotification:
    """`organisation` chose who gets `event`'s e-mails (its shared mailbox, its people, both or nobody),
    with the mailbox on a daily digest if `digest`; `mailbox` first gives it that shared address."""
    if mailbox is not None:
        organisation.email = mailbox
        organisation.save()
    return OrganisationNotification.objects.create(
        organisation=organisation, event=event, send_to=send_to, mailbox_digest=digest
    )


def sent_to(outbox: Iterable[Any], words: str) -> list[str]:
    """The addresses, sorted, of the e-mails in `outbox` whose subject contains `words`."""
    return sorted(address for m in outbox if words in m.subject for address in m.to)

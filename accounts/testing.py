"""Factories and personas for tests in every app. Synthetic people only (example.org addresses)."""

from __future__ import annotations

from typing import Any, cast

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, Role, User


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

"""How the access log's pages name accounts, memberships, organisations, API tokens and two-factor
devices (audit.naming), registered by AccountsConfig. None of them is about a child: anyone who may
read an event about them may read its name."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, Organisation, Role, User
from audit import naming


def _pks(ids: Collection[str]) -> list[int]:
    return [int(value) for value in ids if str(value).isdigit()]


def _person(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _users(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = User.objects.filter(pk__in=_pks(ids)).values_list("pk", "first_name", "last_name", "email")
    return {str(pk): naming.Named(f"Account of {_person(f, la, e)} ({e})") for pk, f, la, e in rows}


def _memberships(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    roles = dict(Role.choices)
    rows = Membership.objects.filter(pk__in=_pks(ids)).values_list(
        "pk", "role", "user__first_name", "user__last_name", "user__email", "organisation__name"
    )
    return {
        str(pk): naming.Named(f"{roles.get(role, role)} role of {_person(f, la, e)} at {org}")
        for pk, role, f, la, e, org in rows
    }


def _organisations(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = Organisation.objects.filter(public_id__in=naming.valid_ids(ids)).values_list("public_id", "name")
    return {str(pid): naming.Named(f"Organisation {name}") for pid, name in rows}


def _tokens(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = ApiToken.objects.filter(pk__in=_pks(ids)).values_list("pk", "name", "organisation__name")
    return {str(pk): naming.Named(f"API token {name} of {org}") for pk, name, org in rows}


def _devices(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = TOTPDevice.objects.filter(pk__in=_pks(ids)).values_list(
        "pk", "user__first_name", "user__last_name", "user__email"
    )
    return {str(pk): naming.Named(f"Two-factor device of {_person(f, la, e)}") for pk, f, la, e in rows}


def register() -> None:
    naming.register(naming.RecordKind("accounts.User", "Account", _users))
    naming.register(naming.RecordKind("accounts.Membership", "Role in an organisation", _memberships))
    naming.register(naming.RecordKind("accounts.Organisation", "Organisation", _organisations))
    naming.register(naming.RecordKind("accounts.ApiToken", "API token", _tokens))
    naming.register(naming.RecordKind("otp_totp.TOTPDevice", "Two-factor device", _devices))

"""Which organisations, teams and areas a user reaches: the one place that reads memberships for access.

Every app's access rules (`<app>/access.py`) start here:

- an LA caseworker reaches their local authorities (`la_ids`);
- a provider clinician or team manager reaches their teams; a member of a trust reaches every team of
  the trust (`team_ids`);
- a DCO or DCO administrator reaches their DCO services (`dco_service_ids`) and the local authorities
  in those services' areas (`dco_area_ids`);
- a system administrator manages accounts and reaches no casework.

`organisation_ids` is everything the user acts for, the set that `children.Involvement` rows are
matched against.

Every app's access functions (and `visible_to` QuerySet methods) are decorated with `@access_rule`, so
a test can prove that every staff page asks one of them (`noting_access_checks`, used by
tests/test_access_walk.py): a view that fetches a record any other way fails there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from accounts.models import Organisation, RoleGroup

_checks: ContextVar[list[str] | None] = ContextVar("access_checks", default=None)


def access_rule[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """Mark an access function: when a test is noting checks, each call is written down by name."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        checks = _checks.get()
        if checks is not None:
            checks.append(fn.__qualname__)
        return fn(*args, **kwargs)

    return wrapper


@contextmanager
def noting_access_checks() -> Iterator[list[str]]:
    """The names of the access functions called inside the block (for tests)."""
    checks: list[str] = []
    token = _checks.set(checks)
    try:
        yield checks
    finally:
        _checks.reset(token)


@dataclass(frozen=True)
class Reach:
    """Which organisations a user reaches, worked out once per user (at most three queries)."""

    la_ids: frozenset[int] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)  # provider teams (and teams of their trusts)
    dco_area_ids: frozenset[int] = field(default_factory=frozenset)  # LAs in the user's DCO services' areas
    dco_service_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.la_ids or self.team_ids or self.dco_area_ids or self.dco_service_ids)

    @property
    def organisation_ids(self) -> frozenset[int]:
        """The organisations the user acts for (not the areas a DCO service covers)."""
        return self.la_ids | self.team_ids | self.dco_service_ids


def reach_for(user: Any) -> Reach:
    """The user's reach, cached on the user object for the request. Anonymous: nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Reach()
    cached = getattr(user, "_reach", None)
    if cached is not None:
        return cached
    la_ids: set[int] = set()
    provider_org_ids: set[int] = set()
    dco_ids: set[int] = set()
    for role, org_id, kind in user.active_memberships().values_list(
        "role", "organisation_id", "organisation__kind"
    ):
        if role in RoleGroup.LA and kind == Organisation.Kind.LOCAL_AUTHORITY:
            la_ids.add(org_id)
        elif role in RoleGroup.PROVIDER and kind in (
            Organisation.Kind.PROVIDER_TEAM,
            Organisation.Kind.PROVIDER_TRUST,
        ):
            provider_org_ids.add(org_id)
        elif role in RoleGroup.DCO and kind == Organisation.Kind.DCO_SERVICE:
            dco_ids.add(org_id)
    team_ids: set[int] = set()
    if provider_org_ids:
        team_ids = set(
            Organisation.objects.filter(
                models.Q(pk__in=provider_org_ids) | models.Q(parent_id__in=provider_org_ids),
                kind=Organisation.Kind.PROVIDER_TEAM,
            ).values_list("pk", flat=True)
        )
    area_ids: set[int] = set()
    if dco_ids:
        area_ids = set(
            Organisation.areas.through.objects.filter(from_organisation_id__in=dco_ids).values_list(
                "to_organisation_id", flat=True
            )
        )
    reach = Reach(frozenset(la_ids), frozenset(team_ids), frozenset(area_ids), frozenset(dco_ids))
    user._reach = reach
    return reach


def dco_services_for(local_authority_id: int) -> list[Organisation]:
    """The active DCO services whose areas include this local authority."""
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.DCO_SERVICE, areas=local_authority_id, is_active=True
        )
    )


# --- running an organisation (accounts/staff.py) ---------------------------------------------------


@access_rule
def organisations_run_by(user: Any) -> models.QuerySet[Organisation]:
    """The organisations whose staff this user manages: every organisation for a system administrator;
    for an organisation's administrator (RoleGroup.ORGANISATION_ADMINS), that organisation and the teams
    under it. Anyone else: none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.has_role(*RoleGroup.SYSTEM):
        return Organisation.objects.all()
    run = [
        org_id
        for role, org_id in user.active_memberships().values_list("role", "organisation_id")
        if role in RoleGroup.ORGANISATION_ADMINS
    ]
    if not run:
        return Organisation.objects.none()
    return Organisation.objects.filter(models.Q(pk__in=run) | models.Q(parent_id__in=run, is_active=True))


def runs_organisations(user: Any) -> bool:
    """Whether the staff pages are for this user at all (the header link)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        *(RoleGroup.ORGANISATION_ADMINS | RoleGroup.SYSTEM)
    )


@access_rule
def get_organisation_run_by(user: Any, public_id: Any) -> Organisation:
    """An organisation whose staff this user manages; 404 for any other (or none)."""
    from django.http import Http404

    from audit import trail

    organisation = organisations_run_by(user).filter(public_id=_uuid_or_none(public_id)).first()
    if organisation is None:
        trail.refused("accounts.Organisation", public_id)
        raise Http404("No such organisation")
    return organisation


@access_rule
def get_staff_member_for_user(user: Any, public_id: Any, *, organisation: Organisation) -> Any:
    """A person with an active role in `organisation` or a team under it, which the user runs (as
    handed out by get_organisation_run_by); 404 for anyone else, the same as for no such account."""
    from django.http import Http404

    from accounts.models import User
    from audit import trail

    if not organisations_run_by(user).filter(pk=organisation.pk).exists():
        raise Http404("No such person")
    person = (
        User.objects.filter(
            models.Q(memberships__organisation=organisation)
            | models.Q(
                memberships__organisation__parent=organisation, memberships__organisation__is_active=True
            ),
            memberships__is_active=True,
            public_id=_uuid_or_none(public_id),
        )
        .distinct()
        .first()
    )
    if person is None:
        trail.refused("accounts.User", public_id)
        raise Http404("No such person")
    return person


def _uuid_or_none(value: Any) -> Any:
    import uuid

    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


# --- the system administrator: organisations, teams, areas and API tokens (accounts/views_system.py) -


@access_rule
def require_system_admin(user: Any) -> None:
    """Only a system administrator manages organisations, teams, areas and API tokens: 403 for anyone
    else (the whole section is theirs, whichever record)."""
    from django.core.exceptions import PermissionDenied

    if not (getattr(user, "is_authenticated", False) and user.has_role(*RoleGroup.SYSTEM)):
        raise PermissionDenied


@access_rule
def get_organisation_for_system_admin(user: Any, public_id: Any) -> Organisation:
    """Any organisation, for a system administrator; 404 for anyone else (as for no such organisation)."""
    from django.http import Http404

    from audit import trail

    is_system = getattr(user, "is_authenticated", False) and user.has_role(*RoleGroup.SYSTEM)
    organisation = (
        Organisation.objects.filter(public_id=_uuid_or_none(public_id)).first() if is_system else None
    )
    if organisation is None:
        trail.refused("accounts.Organisation", public_id)
        raise Http404("No such organisation")
    return organisation


@access_rule
def get_api_token_for_user(user: Any, public_id: Any) -> Any:
    """An API token, for a system administrator; 404 for anyone else (as for no such token)."""
    from django.http import Http404

    from accounts.models import ApiToken
    from audit import trail

    is_system = getattr(user, "is_authenticated", False) and user.has_role(*RoleGroup.SYSTEM)
    token = (
        ApiToken.objects.select_related("organisation", "created_by")
        .filter(public_id=_uuid_or_none(public_id))
        .first()
        if is_system
        else None
    )
    if token is None:
        trail.refused("accounts.ApiToken", public_id)
        raise Http404("No such API token")
    return token


@access_rule
def own_account(user: Any) -> Any:
    """The signed-in person's own account (their notification settings): nobody else's, ever."""
    from django.core.exceptions import PermissionDenied

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    return user

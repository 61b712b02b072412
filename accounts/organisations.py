"""The system administrator's work on organisations, teams, areas and API tokens, as plain functions.

Who may do this is decided in accounts/access.py (`require_system_admin`, `get_organisation_for_system_admin`,
`get_api_token_for_user`). The rules of the change itself are here:

- a provider team sits under a health provider trust, a DCO service may sit under an integrated care
  board, and nothing else has a parent; what an organisation is, and where it sits, is fixed once made
  (it decides who reaches which children), so a mistake is mended by closing it and making another;
- the areas a DCO service covers are local authorities;
- an API token acts for a local authority's case-management system; its secret is shown once, when it
  is made or rotated (only its hash is kept); a revoked token stops working at once and cannot come back.

Each change is checked against the version the administrator saw (core.concurrency) and written to the
access log with who did what; audit.account_changes also logs the fields that grant reach.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Organisation, User
from audit.context import AuditContext
from audit.models import Action
from audit.services import record_access
from core.concurrency import ConcurrentUpdate, require_version

Kind = Organisation.Kind

# kind -> the kinds its parent may be (absent: it has no parent).
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    Kind.PROVIDER_TEAM: (Kind.PROVIDER_TRUST,),
    Kind.DCO_SERVICE: (Kind.INTEGRATED_CARE_BOARD,),
}
PARENT_REQUIRED = {Kind.PROVIDER_TEAM}
TOKEN_KINDS = {Kind.LOCAL_AUTHORITY}


def _log(user: User, context: AuditContext, obj: Organisation | ApiToken, detail: str) -> None:
    record_access(user=user, action=Action.ACCOUNT, obj=obj, context=context, detail=detail)


def _locked[M: (Organisation, ApiToken)](obj: M, version: int) -> M:
    """The row, locked for this transaction, if it still has the version the person saw."""
    row = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if row is None:
        raise ConcurrentUpdate()
    require_version(row, version)
    return row


def _bump(obj: Organisation | ApiToken) -> None:
    obj.version += 1
    obj.updated_at = timezone.now()


def check_parent(kind: str, parent: Organisation | None) -> None:
    allowed = PARENT_KINDS.get(kind, ())
    if parent is None:
        if kind in PARENT_REQUIRED:
            raise ValidationError({"parent": "Choose the health provider trust this team belongs to"})
        return
    if parent.kind not in allowed:
        if not allowed:
            raise ValidationError(
                {"parent": f"A {Kind(kind).label.lower()} is not part of another organisation"}
            )
        names = " or ".join(Kind(k).label.lower() for k in allowed)
        raise ValidationError({"parent": f"Choose a {names} for this to be part of"})


@transaction.atomic
def create_organisation(
    *,
    user: User,
    context: AuditContext,
    name: str,
    kind: str,
    parent: Organisation | None,
    code: str = "",
    specialism: str = "",
    email: str = "",
) -> Organisation:
    check_parent(kind, parent)
    organisation = Organisation.objects.create(
        name=name.strip(),
        kind=kind,
        parent=parent,
        code=code.strip(),
        specialism=specialism.strip(),
        email=email.strip(),
    )
    _log(
        user,
        context,
        organisation,
        f"Made {organisation.get_kind_display().lower()} {organisation.name}"
        + (f" under {parent.name}" if parent else ""),
    )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    user: User,
    context: AuditContext,
    organisation: Organisation,
    version: int,
    name: str,
    code: str,
    specialism: str,
    email: str,
    is_active: bool,
) -> Organisation:
    row = _locked(organisation, version)
    before: dict[str, object] = {
        "name": row.name,
        "code": row.code,
        "specialism": row.specialism,
        "email": row.email,
        "open": row.is_active,
    }
    row.name, row.code, row.specialism, row.email = (
        name.strip(),
        code.strip(),
        specialism.strip(),
        email.strip(),
    )
    row.is_active = is_active
    after = {
        "name": row.name,
        "code": row.code,
        "specialism": row.specialism,
        "email": row.email,
        "open": is_active,
    }
    _bump(row)
    row.save()
    changed = [f"{key} {before[key]!r} -> {after[key]!r}" for key in after if before[key] != after[key]]
    if changed:
        _log(user, context, row, f"Changed {row.name}: " + "; ".join(changed))
    return row


@transaction.atomic
def set_areas(
    *,
    user: User,
    context: AuditContext,
    organisation: Organisation,
    version: int,
    areas: list[Organisation],
) -> None:
    """The local authorities whose requests a DCO service handles."""
    if organisation.kind != Kind.DCO_SERVICE:
        raise ValidationError("Only a DCO service covers areas")
    if any(area.kind != Kind.LOCAL_AUTHORITY for area in areas):
        raise ValidationError({"areas": "Choose local authorities only"})
    row = _locked(organisation, version)
    before = set(row.areas.values_list("pk", flat=True))
    row.areas.set(areas)  # each addition and removal is logged by audit.account_changes
    _bump(row)
    row.save(update_fields=["version", "updated_at"])
    after = {a.pk for a in areas}
    if before != after:
        names = ", ".join(sorted(a.name for a in areas)) or "none"
        _log(user, context, row, f"Areas of {row.name} set to: {names}")


# --- API tokens ------------------------------------------------------------------------------------


@transaction.atomic
def issue_token(
    *, user: User, context: AuditContext, organisation: Organisation, name: str
) -> tuple[ApiToken, str]:
    """Make a token; returns it and its secret, which is shown once and never kept."""
    if organisation.kind not in TOKEN_KINDS:
        raise ValidationError("API tokens are for a local authority's case-management system")
    token, raw = ApiToken.issue(organisation=organisation, name=name.strip(), created_by=user)
    _log(user, context, token, f"Made API token {token.name} ({token.prefix}...) for {organisation.name}")
    return token, raw


@transaction.atomic
def rename_token(*, user: User, context: AuditContext, token: ApiToken, version: int, name: str) -> None:
    row = _locked(token, version)
    old = row.name
    row.name = name.strip()
    _bump(row)
    row.save()
    if old != row.name:
        _log(user, context, row, f"Renamed API token {old!r} -> {row.name!r} ({row.prefix}...)")


def _refuse_revoked(row: ApiToken) -> None:
    if row.revoked_at is not None:
        raise ValidationError("This token has been revoked: make a new one instead")


@transaction.atomic
def revoke_token(*, user: User, context: AuditContext, token: ApiToken, version: int) -> None:
    """Stop the token working, at once and for good."""
    row = _locked(token, version)
    _refuse_revoked(row)
    row.revoked_at = timezone.now()
    _bump(row)
    row.save()
    _log(user, context, row, f"Revoked API token {row.name} ({row.prefix}...) of {row.organisation.name}")


@transaction.atomic
def rotate_token(*, user: User, context: AuditContext, token: ApiToken, version: int) -> tuple[ApiToken, str]:
    """Revoke the token and make its replacement with the same name; returns the new token and its
    secret (shown once). The system using it must be given the new secret straight away."""
    row = _locked(token, version)
    _refuse_revoked(row)
    row.revoked_at = timezone.now()
    _bump(row)
    row.save()
    new, raw = ApiToken.issue(organisation=row.organisation, name=row.name, created_by=user)
    _log(
        user,
        context,
        new,
        f"Rotated API token {row.name} of {row.organisation.name}: {row.prefix}... revoked, {new.prefix}... made",
    )
    return new, raw

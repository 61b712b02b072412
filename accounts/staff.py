"""Running an organisation's staff: invite, set roles and teams, reset two-factor, remove.

Plain functions the administrators' pages (accounts/views_staff.py) call. Who may do this, and to
whom, is decided in accounts/access.py (`organisations_run_by`, `get_staff_member_for_user`); these
functions take what the access functions handed out and keep the rules of the change itself:

- an organisation's administrator works within one organisation and the teams under it (its "tree");
  a system administrator does the same for any organisation;
- a role is one of ROLES_FOR_KIND for the organisation it is held at; only a system administrator
  makes another system administrator;
- two-factor authentication belongs to the whole account, so only someone who runs every organisation
  the person works for may reset it (a trust's administrator cannot reset a system administrator's
  authenticator by adding them to the trust);
- nobody changes their own account here (another administrator does), so an organisation is never
  left without its administrator by a slip;
- removing someone ends their roles in the tree at once and ends every session they have; an account
  left with no role anywhere is closed.

Each change is checked against the version of the account the administrator saw (core.concurrency)
and written to the access log with who did what. Changes to memberships, accounts and two-factor
devices are also logged field by field by audit.account_changes, wherever they are made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLES_FOR_KIND, Invitation, Membership, Organisation, Role, RoleGroup, User
from audit.context import AuditContext
from audit.models import Action
from audit.services import record_access
from core.concurrency import save_if_version
from core.email import send_email

INVITATION_DAYS = 7


@dataclass(frozen=True)
class RoleAt:
    """One role at one organisation: what a membership grants."""

    organisation: Organisation
    role: str

    @property
    def key(self) -> str:
        return f"{self.organisation.public_id}:{self.role}"

    @property
    def label(self) -> str:
        return f"{Role(self.role).label}, {self.organisation.name}"


def tree(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisation and its active teams (or other organisations under it), parent first."""
    return Organisation.objects.filter(
        Q(pk=organisation.pk) | Q(parent_id=organisation.pk, is_active=True)
    ).order_by(Case(When(pk=organisation.pk, then=0), default=1), "name")


def roles_offered(admin: User, organisation: Organisation) -> list[RoleAt]:
    """The roles `admin` may give in the organisation's tree, in the order the form lists them."""
    offered = []
    system = admin.has_role(*RoleGroup.SYSTEM)
    for org in tree(organisation):
        roles = list(ROLES_FOR_KIND.get(org.kind, ()))
        if system and org.kind == Organisation.Kind.INTEGRATED_CARE_BOARD:
            roles.append(Role.SYSTEM_ADMIN)
        offered += [RoleAt(org, role) for role in roles]
    return offered


def roles_held(person: User, organisation: Organisation) -> list[RoleAt]:
    """The person's active roles in the organisation's tree."""
    memberships = (
        Membership.objects.filter(user=person, is_active=True, organisation__in=tree(organisation))
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    return [RoleAt(m.organisation, m.role) for m in memberships]


def staff_of(organisation: Organisation) -> QuerySet[User]:
    """The people with an active role in the organisation's tree, by name."""
    return (
        User.objects.filter(memberships__organisation__in=tree(organisation), memberships__is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def has_two_factor(person: User) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def open_invitation(person: User) -> Invitation | None:
    return (
        Invitation.objects.filter(user=person, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def may_reset_two_factor(admin: User, person: User) -> bool:
    """Only someone who runs every organisation the person works for (the whole account is theirs)."""
    from accounts.access import organisations_run_by

    if admin.pk == person.pk:
        return False
    if admin.has_role(*RoleGroup.SYSTEM):
        return True
    elsewhere = person.memberships.filter(is_active=True).exclude(
        organisation__in=organisations_run_by(admin)
    )
    return not elsewhere.exists()


def _not_yourself(admin: User, person: User) -> None:
    if admin.pk == person.pk:
        raise ValidationError("You cannot change your own account here: ask another administrator")


def _log(admin: User, context: AuditContext, person: User, detail: str) -> None:
    record_access(user=admin, action=Action.ACCOUNT, obj=person, context=context, detail=detail)


def end_sessions(person: User) -> None:
    """End every session the person has, at once (the session auth hash changes: see User)."""
    User.objects.filter(pk=person.pk).update(session_generation=F("session_generation") + 1)
    person.refresh_from_db(fields=["session_generation"])


def _set_roles(
    person: User, organisation: Organisation, roles: Iterable[RoleAt]
) -> tuple[list[str], list[str]]:
    """Make the person's active roles in the tree exactly `roles`. Returns (added, ended) labels."""
    wanted = {(r.organisation.pk, r.role): r for r in roles}
    added: list[str] = []
    ended: list[str] = []
    for membership in Membership.objects.filter(
        user=person, organisation__in=tree(organisation)
    ).select_related("organisation"):
        key = (membership.organisation_id, membership.role)
        if key in wanted and not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
            added.append(wanted[key].label)
        elif key not in wanted and membership.is_active:
            membership.is_active = False
            membership.save(update_fields=["is_active"])
            ended.append(RoleAt(membership.organisation, membership.role).label)
        wanted.pop(key, None)
    for role_at in wanted.values():
        Membership.objects.create(user=person, organisation=role_at.organisation, role=role_at.role)
        added.append(role_at.label)
    return added, ended


def _check_offered(admin: User, organisation: Organisation, roles: list[RoleAt]) -> None:
    if not roles:
        raise ValidationError({"roles": "Select at least one role"})
    offered = {r.key for r in roles_offered(admin, organisation)}
    if any(r.key not in offered for r in roles):
        raise PermissionDenied("A role this administrator may not give")


def _invitation_link(person: User, organisation: Organisation, admin: User | None) -> str:
    """A new single-use link for the person (any earlier open one stops working)."""
    now = timezone.now()
    Invitation.objects.filter(user=person, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=person,
        organisation=organisation,
        token_hash=hashlib.sha256(raw.encode()).hexdigest(),
        invited_by=admin,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    return f"{settings.SITE_URL}{reverse('accounts:invitation', args=[raw])}"


def _send_invitation(person: User, organisation: Organisation, admin: User, link: str) -> None:
    expires = timezone.localtime(timezone.now() + dt.timedelta(days=INVITATION_DAYS))
    send_email(
        to=[person.email],
        subject=f"You have been invited to {settings.SERVICE_NAME}",
        body=(
            f"{admin.get_full_name() or admin.email} has invited you to {settings.SERVICE_NAME} as a member "
            f"of staff at {organisation.name}.\n\n"
            f"Choose your password and set up your authenticator app here:\n{link}\n\n"
            f"The link works once, until {expires:%-d %B %Y at %-I:%M%p}. If it has run out, ask "
            f"{admin.get_full_name() or 'your administrator'} to send a new one.\n\n"
            "If you were not expecting this, you can ignore it.\n"
        ),
    )


def _send_access_given(person: User, organisation: Organisation, roles: list[RoleAt]) -> None:
    send_email(
        to=[person.email],
        subject=f"You have a new role in {settings.SERVICE_NAME}",
        body=(
            f"You have been given these roles at {organisation.name}:\n"
            + "".join(f"- {r.label}\n" for r in roles)
            + f"\nSign in as usual: {settings.SITE_URL}{reverse('accounts:sign-in')}\n"
        ),
    )


@transaction.atomic
def invite_staff(
    *,
    user: User,
    context: AuditContext,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[RoleAt],
) -> tuple[User, bool]:
    """Invite someone to work in the organisation's tree with `roles`. Returns the account and whether an
    invitation link was e-mailed (a new account, or one that never chose a password); someone who already
    has an account is told by e-mail of their new roles instead. Inviting again someone who has not yet
    accepted sends a new link (the old one stops working)."""
    _check_offered(user, organisation, roles)
    email = email.strip()
    person = User.objects.filter(email__iexact=email).first()
    if person is not None:
        _not_yourself(user, person)
        held = roles_held(person, organisation)
        if held and person.has_usable_password():
            raise ValidationError(
                {
                    "email": f"{email} already works for {organisation.name}: change their roles from their page"
                }
            )
    if person is None:
        person = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        person.set_unusable_password()
        person.save()
    elif not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
    added, _ = _set_roles(person, organisation, roles + roles_held(person, organisation))
    if person.has_usable_password():
        _send_access_given(person, organisation, roles)
        invited = False
    else:
        _send_invitation(person, organisation, user, _invitation_link(person, organisation, user))
        invited = True
    _log(
        user,
        context,
        person,
        f"{'Invited' if invited else 'Gave roles to'} {person.email} at {organisation.name}"
        + (f": {'; '.join(added)}" if added else ""),
    )
    return person, invited


@transaction.atomic
def set_roles(
    *,
    user: User,
    context: AuditContext,
    organisation: Organisation,
    person: User,
    version: int,
    roles: list[RoleAt],
) -> None:
    """Make the person's roles and teams in the organisation's tree exactly `roles`."""
    save_if_version(person, version)
    _not_yourself(user, person)
    _check_offered(user, organisation, roles)
    added, ended = _set_roles(person, organisation, roles)
    if added or ended:
        _log(
            user,
            context,
            person,
            f"Roles of {person.email} at {organisation.name} changed"
            + (f"; given: {', '.join(added)}" if added else "")
            + (f"; ended: {', '.join(ended)}" if ended else ""),
        )


@transaction.atomic
def reset_two_factor(*, user: User, context: AuditContext, person: User, version: int) -> None:
    """Remove the person's authenticator: they set up a new one at their next sign-in. Their sessions end."""
    save_if_version(person, version)
    _not_yourself(user, person)
    if not may_reset_two_factor(user, person):
        raise ValidationError(
            "This person also works for an organisation you do not run: ask the system administrator"
        )
    for device in TOTPDevice.objects.filter(user=person):
        device.delete()  # one by one, so each removal is logged (audit.account_changes)
    end_sessions(person)
    _log(user, context, person, f"Reset two-factor authentication of {person.email}; their sessions ended")


@transaction.atomic
def remove_from_organisation(
    *, user: User, context: AuditContext, organisation: Organisation, person: User, version: int
) -> bool:
    """End the person's roles in the organisation's tree and every session they have. Returns whether
    their account was closed (no role left anywhere)."""
    save_if_version(person, version)
    _not_yourself(user, person)
    _, ended = _set_roles(person, organisation, [])
    Invitation.objects.filter(
        user=person, accepted_at__isnull=True, organisation__in=tree(organisation)
    ).update(expires_at=timezone.now())
    closed = not person.memberships.filter(is_active=True).exists()
    if closed and person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
    end_sessions(person)
    _log(
        user,
        context,
        person,
        f"Removed {person.email} from {organisation.name} (ended: {', '.join(ended) or 'no roles'}); "
        f"their sessions ended{'; account closed' if closed else ''}",
    )
    return closed


# --- the invited person ----------------------------------------------------------------------------


def find_invitation(raw: str) -> Invitation | None:
    """The open invitation this link's token belongs to, or None (unknown, used or expired)."""
    if not raw or len(raw) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("user", "organisation")
        .filter(token_hash=hashlib.sha256(raw.encode()).hexdigest())
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str, context: AuditContext) -> User:
    """Set the invited person's password and use up the link (once only). Two-factor set-up follows."""
    used = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).update(accepted_at=timezone.now())
    if used != 1:
        raise ValidationError("This invitation link has already been used or has run out")
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    record_access(
        user=person,
        action=Action.ACCOUNT,
        obj=person,
        context=context,
        detail=f"{person.email} accepted the invitation to {invitation.organisation.name} and chose a password",
    )
    return person

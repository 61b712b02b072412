"""Who may search the access log, and which events they see. The one access rule for audit events.

A DCO sees the events about the children they may see (`ChildOrYoungPerson.objects.visible_to`,
built on involvements, ADR 0018) and the events of their own DCO service's people; a system
administrator sees every event (the log is how they answer subject access and breach questions).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import access_rule
from accounts.models import Role, RoleGroup
from children.models import ChildOrYoungPerson, PossibleDuplicate

if TYPE_CHECKING:
    from audit.models import AuditEventQuerySet


@access_rule
def can_search(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*RoleGroup.AUDIT))


def visible_children(user: Any) -> QuerySet[ChildOrYoungPerson]:
    """The children whose log this user may read: those the children app lets them see (built on
    involvements), and the record an LA in their areas sent for every possible-duplicate check in their
    DCO service's queue (a record an LA made without a request yet has no involvement, but the DCO must
    see who has looked at it). The other record of a check is not added: it may be another area's
    child, whose log stays with the organisations that see that child."""
    checks = PossibleDuplicate.objects.visible_to(user)
    return ChildOrYoungPerson.objects.filter(
        Q(pk__in=ChildOrYoungPerson.objects.visible_to(user).values("pk"))
        | Q(pk__in=checks.values("new_record_id"))
    )


def children_by_nhs_number(nhs_number: str) -> list[uuid.UUID]:
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    if len(digits) != 10:
        return []
    return list(ChildOrYoungPerson.objects.filter(nhs_number=digits).values_list("public_id", flat=True))


@access_rule
def visible_events(events: AuditEventQuerySet, user: Any) -> AuditEventQuerySet:
    if not can_search(user):
        return events.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return events
    from accounts.models import User

    own_orgs = user.organisations_with_role(*RoleGroup.DCO)
    colleagues = User.objects.filter(memberships__organisation__in=own_orgs, memberships__is_active=True)
    about_children = Q(child_public_id__in=visible_children(user).values("public_id"))
    return events.filter(about_children | Q(user__in=colleagues.values("pk")))


@access_rule
def get_child_events_for_user(user: Any, child_public_id: uuid.UUID) -> AuditEventQuerySet:
    """The log of one child, for someone allowed to read it; 404 for anyone else."""
    from audit.models import AuditEvent

    if not can_search(user):
        raise Http404
    if (
        not user.has_role(Role.SYSTEM_ADMIN)
        and not visible_children(user).filter(public_id=child_public_id).exists()
    ):
        raise Http404
    return AuditEvent.objects.filter(child_public_id=child_public_id)

"""Who may search the access log, and which events they see. The one access rule for audit events.

The children app owns children's records; this module asks it (when it is installed and provides
`ChildOrYoungPerson.objects.visible_to(user)`) which children a DCO may see, so a DCO only sees the
log of children in their areas. Until it does, DCOs see events about every child.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, RoleGroup

if TYPE_CHECKING:
    from audit.models import AuditEventQuerySet


def can_search(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*RoleGroup.AUDIT))


def child_model() -> Any | None:
    try:
        return apps.get_model("children", "ChildOrYoungPerson")
    except LookupError:
        return None


def visible_children(user: Any) -> QuerySet | None:
    """The children this user may see, per the children app; None when it cannot say."""
    model = child_model()
    if model is None or not hasattr(model.objects, "visible_to"):
        return None
    return model.objects.visible_to(user)


def children_by_nhs_number(nhs_number: str) -> list[uuid.UUID]:
    model = child_model()
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    if model is None or len(digits) != 10 or "nhs_number" not in {f.name for f in model._meta.get_fields()}:
        return []
    return list(model.objects.filter(nhs_number=digits).values_list("public_id", flat=True))


def visible_events(events: AuditEventQuerySet, user: Any) -> AuditEventQuerySet:
    if not can_search(user):
        return events.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return events
    from accounts.models import User

    own_orgs = user.organisations_with_role(*RoleGroup.DCO)
    colleagues = User.objects.filter(memberships__organisation__in=own_orgs, memberships__is_active=True)
    children = visible_children(user)
    about_children = (
        Q(child_public_id__in=children.values("public_id"))
        if children is not None
        else Q(child_public_id__isnull=False)
    )
    return events.filter(about_children | Q(user__in=colleagues.values("pk")))


def get_child_events_for_user(user: Any, child_public_id: uuid.UUID) -> AuditEventQuerySet:
    """The log of one child, for someone allowed to read it; 404 for anyone else."""
    from audit.models import AuditEvent

    if not can_search(user):
        raise Http404
    if not user.has_role(Role.SYSTEM_ADMIN):
        children = visible_children(user)
        if children is not None and not children.filter(public_id=child_public_id).exists():
            raise Http404
    return AuditEvent.objects.filter(child_public_id=child_public_id)

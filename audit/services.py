"""Writing to the access log. Every view, change and export of a child's record calls `record_access`.

    from audit.services import record_access
    record_access(user=request.user, action="view", obj=advice_request, child=advice_request.child,
                  request=request)

It writes one row in the caller's transaction: if a change rolls back, so does its audit row, and a
view is logged before its page is returned.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from audit.models import Action, AuditEvent

CHILD_MODEL_LABEL = "children.ChildOrYoungPerson"


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, trusting X-Forwarded-For only as far as PROXY_COUNT proxies.

    With PROXY_COUNT=N, each of the N trusted proxies appended the address it received from, so the
    client is the Nth entry from the right; anything further left could be forged by the client.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _child_public_id(child: Any) -> uuid.UUID | None:
    if child is None or child == "":
        return None
    if isinstance(child, uuid.UUID):
        return child
    if isinstance(child, str):
        return uuid.UUID(child)
    public_id = getattr(child, "public_id", None)
    if public_id is None:
        raise ValueError(f"{child!r} has no public_id")
    return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))


def _organisations(user: Any) -> list[dict[str, str]]:
    cached = getattr(user, "_audit_organisations", None)
    if cached is None:
        cached = [
            {"id": str(m.organisation.public_id), "name": m.organisation.name, "role": m.role}
            for m in user.active_memberships()
        ]
        user._audit_organisations = cached
    return cached


def record_access(
    *,
    user: Any,
    action: str,
    obj: models.Model | None,
    child: Any = None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event to the access log and return it.

    user: who did it (a User; None or an anonymous user for failed sign-ins and the public).
    action: one of audit.models.Action ("view", "change", "create", "export", ...).
    obj: the record seen or changed (its type and public id are logged), or None.
    child: the child or young person it concerns (a ChildOrYoungPerson, its public id, or None);
        when obj is itself the child record, the child is taken from it.
    request: the request, for the address, user agent and path.
    detail: free text: what changed, the filters of an export, the reason for access.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}: use one of {', '.join(Action.values)}")
    person = user if (user is not None and getattr(user, "is_authenticated", False)) else None
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label
        public_id = getattr(obj, "public_id", None)
        object_id = str(public_id if public_id is not None else obj.pk)
        if child is None and object_type == CHILD_MODEL_LABEL:
            child = obj
    meta = request.META if request is not None else {}
    return AuditEvent.objects.create(
        user=person,
        user_email=person.email if person is not None else "",
        organisations=_organisations(person) if person is not None else [],
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        child_public_id=_child_public_id(child),
        ip_address=client_ip(request),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:300],
        path=request.path[:300] if request is not None else "",
        detail=detail,
    )


def record_sign_in_failure(*, email: str, request: HttpRequest | None, detail: str) -> AuditEvent:
    """A failed sign-in: the address typed is kept (it may not belong to any account)."""
    from accounts.models import User

    account = User.objects.filter(email__iexact=email).first() if email else None
    if account is not None:
        return record_access(
            user=account, action=Action.SIGN_IN_FAILED, obj=None, request=request, detail=detail
        )
    return AuditEvent.objects.create(
        action=Action.SIGN_IN_FAILED,
        user_email=email[:254],
        ip_address=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300] if request is not None else "",
        path=request.path[:300] if request is not None else "",
        detail=detail,
    )

"""Writing to the access log. Every view, change and export of a child's record calls `record_access`.

    from audit.services import record_access
    record_access(user=request.user, action="view", obj=advice_request, child=advice_request.child,
                  request=request)

It writes one row in the caller's transaction: if a change rolls back, so does its audit row, and a
view is logged before its page is returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import trail
from audit.context import AuditContext, audit_context, client_ip
from audit.models import Action, AuditEvent, AuditSeal

__all__ = ["AuditContext", "audit_context", "client_ip", "record_access", "record_sign_in_failure"]

CHILD_MODEL_LABEL = "children.ChildOrYoungPerson"


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


def _token_organisations(token: Any) -> list[dict[str, str]]:
    if token is None:
        return []
    org = token.organisation
    return [{"id": str(org.public_id), "name": org.name, "role": "api_token"}]


def record_access(
    *,
    user: Any,
    action: str,
    obj: models.Model | None,
    child: Any = None,
    request: HttpRequest | None = None,
    context: AuditContext | None = None,
    detail: str = "",
    save: bool = True,
) -> AuditEvent:
    """Append one event to the access log and return it (with save=False: build it, unsaved).

    user: who did it: a User; an accounts.ApiToken for a system calling an API (its organisation is
        recorded); None or an anonymous user for failed sign-ins and the public.
    action: one of audit.models.Action ("view", "change", "create", "export", ...).
    obj: the record seen or changed (its type and public id are logged), or None.
    child: the child or young person it concerns (a ChildOrYoungPerson, its public id, or None);
        when obj is itself the child record, the child is taken from it.
    request: the request, for the address, user agent and path (views); or
    context: where the action came from (services, which never see the request; see audit.context).
        An API call's context carries its token, recorded as the actor when no person acts.
    detail: free text: what changed, the filters of an export, the reason for access.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}: use one of {', '.join(Action.values)}")
    from accounts.models import ApiToken

    if context is None and request is not None:
        context = audit_context(request)
    token = user if isinstance(user, ApiToken) else (context.token if context is not None else None)
    if token is not None and not isinstance(token, ApiToken):
        raise TypeError(f"{token!r} is not an API token")
    person = (
        user if (token is None and user is not None and getattr(user, "is_authenticated", False)) else None
    )
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label
        public_id = getattr(obj, "public_id", None)
        object_id = str(public_id if public_id is not None else obj.pk)
        if child is None and object_type == CHILD_MODEL_LABEL:
            child = obj
    child_id = _child_public_id(child)
    if action != Action.REFUSED:
        trail.recorded(child_id)
    event = AuditEvent(
        user=person,
        user_email=person.email if person is not None else (f"API token {token.prefix}" if token else ""),
        organisations=_organisations(person) if person is not None else _token_organisations(token),
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        child_public_id=child_id,
        ip_address=context.ip if context is not None else None,
        user_agent=context.user_agent if context is not None else "",
        path=context.path if context is not None else "",
        detail=detail,
    )
    if save:
        event.save(force_insert=True)
    return event


def record_views(
    *, user: Any, shown: list[tuple[models.Model | None, uuid.UUID]], request: HttpRequest, detail: str
) -> None:
    """One "view" event per (record, child) a response showed, in one INSERT (a list page of 50
    children costs one query, not 50). Used by audit.middleware."""
    events = [
        record_access(
            user=user, action=Action.VIEW, obj=record, child=child, request=request, detail=detail, save=False
        )
        for record, child in shown
    ]
    AuditEvent.objects.bulk_create(events)


def record_sign_in_failure(*, email: str, context: AuditContext, detail: str) -> AuditEvent:
    """A failed sign-in: the address typed is kept (it may not belong to any account). `context` is
    where the attempt came from (the view's `audit_context(request)`)."""
    from accounts.models import User

    account = User.objects.filter(email__iexact=email).first() if email else None
    if account is not None:
        return record_access(
            user=account, action=Action.SIGN_IN_FAILED, obj=None, context=context, detail=detail
        )
    return AuditEvent.objects.create(
        action=Action.SIGN_IN_FAILED,
        user_email=email[:254],
        ip_address=context.ip,
        user_agent=context.user_agent[:300],
        path=context.path[:300],
        detail=detail,
    )


# Tamper evidence: a hash chain over the log ---------------------------------------------------------

seal_logger = logging.getLogger("audit.seals")

GENESIS_HASH = "0" * 64
SEAL_DELAY = dt.timedelta(minutes=5)  # stay behind events whose transactions may not have committed yet


def event_fingerprint(event: AuditEvent) -> bytes:
    """The canonical bytes of one event: everything recorded, in a fixed order."""
    fields = [
        event.pk,
        event.at.astimezone(dt.UTC).isoformat(),
        event.user_id,
        event.user_email,
        event.organisations,
        event.action,
        event.object_type,
        event.object_id,
        str(event.child_public_id or ""),
        event.ip_address or "",
        event.user_agent,
        event.path,
        event.detail,
    ]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _chain(previous_hash: str, events: Iterable[AuditEvent]) -> tuple[str, int]:
    digest = hashlib.sha256(previous_hash.encode())
    count = 0
    for event in events:
        digest.update(hashlib.sha256(event_fingerprint(event)).digest())
        count += 1
    return digest.hexdigest(), count


def seal_events(*, now: dt.datetime | None = None, batch: int = 10_000) -> AuditSeal | None:
    """Seal the next run of events (in id order, older than SEAL_DELAY) onto the hash chain.

    Returns the new seal, or None when there is nothing to seal or another worker sealed first (the
    unique previous_hash stops the chain from forking). Each new seal is also written to the
    application log (logger "audit.seals"), which a deployment ships to a store the database's owner
    cannot change: `verify_audit_log --anchors` then proves the chain still passes through every one.
    """
    cutoff = (now or timezone.now()) - SEAL_DELAY
    last = AuditSeal.objects.order_by("-last_event_id").first()
    start_id = last.last_event_id if last else 0
    previous_hash = last.hash if last else GENESIS_HASH
    events: list[AuditEvent] = []
    for event in AuditEvent.objects.filter(pk__gt=start_id).order_by("pk")[:batch]:
        if event.at >= cutoff:
            break  # a prefix by id only: later events wait for the next run
        events.append(event)
    if not events:
        return None
    digest, count = _chain(previous_hash, events)
    try:
        with transaction.atomic():
            seal = AuditSeal.objects.create(
                first_event_id=events[0].pk,
                last_event_id=events[-1].pk,
                event_count=count,
                previous_hash=previous_hash,
                hash=digest,
            )
    except IntegrityError:
        return None
    seal_logger.info(anchor_line(seal))
    return seal


def anchor_line(seal: AuditSeal) -> str:
    """How a seal is written to the application log; `read_anchors` reads it back."""
    return (
        f"Access log sealed: events {seal.first_event_id}-{seal.last_event_id} "
        f"({seal.event_count}) hash {seal.hash}"
    )


ANCHOR_RE = re.compile(r"Access log sealed: events (\d+)-(\d+) \((\d+)\) hash ([0-9a-f]{64})")


def read_anchors(lines: Iterable[str]) -> dict[int, str]:
    """The seals written to an application log: {last event id: hash}. Other lines are ignored."""
    anchors: dict[int, str] = {}
    for line in lines:
        for match in ANCHOR_RE.finditer(line):
            anchors[int(match.group(2))] = match.group(4)
    return anchors


def verify_seals(anchors: dict[int, str] | None = None) -> list[str]:
    """Recompute the chain; returns the problems found (empty when the sealed log is intact).

    Inside the database this finds an event changed, removed, added or moved within the sealed range,
    and a seal changed or removed from the middle of the chain. Someone with the owner's rights could
    still remove the newest seals with their events, empty both tables, or rewrite events and then
    recompute every seal from the start: `anchors` (the seals the application log recorded as they
    were made, {last event id: hash}) catch those, as the chain must still pass through each of them.
    """
    problems: list[str] = []
    previous_hash = GENESIS_HASH
    previous_last = 0
    chain: dict[int, str] = {}
    for seal in AuditSeal.objects.order_by("last_event_id"):
        if seal.previous_hash != previous_hash:
            problems.append(
                f"Seal {seal.pk} does not follow the seal before it: a seal is missing or altered"
            )
        if not previous_last < seal.first_event_id <= seal.last_event_id:
            problems.append(f"Seal {seal.pk} covers events out of order: seals altered")
        events = AuditEvent.objects.filter(pk__gt=previous_last, pk__lte=seal.last_event_id).order_by("pk")
        digest, count = _chain(seal.previous_hash, events.iterator(chunk_size=2000))
        if count != seal.event_count:
            problems.append(
                f"Events {previous_last + 1}-{seal.last_event_id}: {count} found, {seal.event_count} sealed "
                "(events removed or added)"
            )
        elif digest != seal.hash:
            problems.append(f"Events {previous_last + 1}-{seal.last_event_id}: an event has been altered")
        chain[seal.last_event_id] = seal.hash
        previous_hash, previous_last = seal.hash, seal.last_event_id
    for last_event_id, logged_hash in sorted((anchors or {}).items()):
        if last_event_id not in chain:
            problems.append(
                f"The seal of events up to {last_event_id} in the application log is not in the database: "
                + (
                    "seals and events after it were removed (or the tables emptied)"
                    if last_event_id > previous_last
                    else "the chain was rebuilt"
                )
            )
        elif chain[last_event_id] != logged_hash:
            problems.append(
                f"The seal of events up to {last_event_id} differs from the application log's: "
                "the events before it were changed and the chain recomputed"
            )
    return problems

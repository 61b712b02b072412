"""What a response shows of children, and what was refused, noted while a request is served and written
to the access log by `AccessLogMiddleware` once the response is known.

The access functions (each app's access.py) note every record they hand out and every one they
refuse, so a page that fetches a child's record cannot forget to log it:

    trail.shown(advice_request, advice_request.child)         # in get_advice_request_for_user
    trail.refused("advice.AdviceRequest", public_id, child_path="child__public_id")

A page that lists children it did not fetch one by one notes them itself:

    trail.shown_children(row.child for row in page)

After the view, the middleware writes one "view" event per child shown (unless the view already
logged that child in this request, for example as an export or a change) when the response shows
anything (not a redirect, a refusal or an error), and one "refused" security event per refusal when
the response is a 403 or 404. Each view declares whether it shows children's data (`shows_children` /
`shows_no_children`); tests/test_audit_trail.py walks every route as every role and proves that
every response containing a child's name, NHS number or date of birth has an event for that child.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest


@dataclass
class Refusal:
    model_label: str
    public_id: str
    child_path: str


@dataclass
class Trail:
    request: HttpRequest
    shown: dict[uuid.UUID, models.Model | None] = field(default_factory=dict)
    recorded: set[uuid.UUID] = field(default_factory=set)
    refusals: list[Refusal] = field(default_factory=list)


_current: contextvars.ContextVar[Trail | None] = contextvars.ContextVar("audit_trail", default=None)


def current() -> Trail | None:
    return _current.get()


def start(request: HttpRequest) -> contextvars.Token[Trail | None]:
    return _current.set(Trail(request))


def stop(token: contextvars.Token[Trail | None]) -> None:
    _current.reset(token)


def _public_id(child: Any) -> uuid.UUID | None:
    if child is None:
        return None
    if isinstance(child, uuid.UUID):
        return child
    value = getattr(child, "public_id", child)
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def shown(record: models.Model | None, child: Any) -> None:
    """The response may show `child` (a record or its public id), through `record`. Outside a request
    (a service, a command) this does nothing."""
    trail = _current.get()
    child_id = _public_id(child)
    if trail is not None and child_id is not None:
        trail.shown.setdefault(child_id, record)


def shown_children(children: Iterable[Any]) -> None:
    """The response lists these children (records or public ids)."""
    for child in children:
        shown(None, child)


def recorded(child: Any) -> None:
    """The view logged this child itself in this request (record_access calls this)."""
    trail = _current.get()
    child_id = _public_id(child)
    if trail is not None and child_id is not None:
        trail.recorded.add(child_id)


def refused(model_label: str, public_id: Any, *, child_path: str = "") -> None:
    """An access function refused the record `model_label` with this public id (it may not exist).
    `child_path` leads from that model to its child's public id, so the security event names the child
    whose record someone tried to reach."""
    trail = _current.get()
    if trail is not None:
        trail.refusals.append(Refusal(model_label, str(public_id)[:64], child_path))


# --- what each view declares ---------------------------------------------------------------------


def shows_children[V: Callable[..., Any]](view: V) -> V:
    """Declares that this view's pages show children's data: the access functions it calls (or its own
    `shown_children`) say whose, and the middleware logs them."""
    view.audit_shows_children = True  # type: ignore[attr-defined]
    return view


def shows_no_children[V: Callable[..., Any]](view: V) -> V:
    """Declares that this view never shows a child's data (tested by the route walk)."""
    view.audit_shows_children = False  # type: ignore[attr-defined]
    return view


def declaration(view: Any) -> bool | None:
    """True/False as the view declared; None when it declared nothing."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        value = getattr(candidate, "audit_shows_children", None)
        if value is not None:
            return bool(value)
    return None

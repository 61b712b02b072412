"""Optimistic locking: "someone else changed this" as one exception, raised by services and shown by
one view decorator.

Every record that people change from a page carries a `version` column. The page's form carries the
version the person saw; a state-changing service checks it with `check_version` *before* it looks at
the record's state, so a stale page is always told that someone else changed the record (never a
puzzling "you cannot do that now"), and its final write is a conditional UPDATE on the version, so
two people acting at once cannot both win.

Views that call state-changing services are decorated with `@service_view`: when a service raises
`ConcurrentUpdate`, the view runs again to show its page as it is now, with what the person typed
kept (carried to the version they have now seen), a "someone else changed this" banner, and status
409. Views read their form data with `form_data(request)` and act only on `is_submission(request)`,
so the second run binds the typed data without submitting it again. A service's PermissionDenied
becomes a 404 there too: outside reach, nothing is revealed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

CONFLICT_MESSAGE = "Someone else changed this since you opened it"
_TYPED = "_conflict_typed_data"


class ConcurrentUpdate(Exception):
    """Someone else changed this record after you opened it. Reload and try again.

    current_version: the record's version now, when the service knows it (the page is shown again
    with it, so sending the typed data once more is a deliberate choice).
    """

    message = (
        "Someone else changed this while you were working on it. Check the latest version and try again."
    )

    def __init__(self, message: str = "", *, current_version: int | None = None) -> None:
        super().__init__(message or self.message)
        self.current_version = current_version

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


def current_version(obj: models.Model) -> int | None:
    """The version of `obj`'s row in the database now (None if the row is gone)."""
    manager = type(obj)._default_manager
    version: int | None = manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    return version


def check_version(obj: models.Model, expected_version: int) -> None:
    """Raise ConcurrentUpdate unless `obj`'s row still has `expected_version` (the version the person
    saw). Call it before checking the record's state. When the row matches but the object in hand is
    older, the object is refreshed, so the state checks that follow read what the person saw."""
    version = current_version(obj)
    if version != expected_version:
        raise ConcurrentUpdate(current_version=version)
    if getattr(obj, "version", None) != version:
        obj.refresh_from_db()


def require_version(row: models.Model, expected_version: int) -> None:
    """For a row just read under a lock: raise ConcurrentUpdate unless it still has `expected_version`."""
    version = getattr(row, "version", None)
    if version != expected_version:
        raise ConcurrentUpdate(current_version=version)


def save_if_version(obj: models.Model, expected_version: int, **fields: Any) -> None:
    """Save `fields` (and `updated_at`, now) only if the row still has `expected_version`, bumping it in
    the same UPDATE; otherwise raise ConcurrentUpdate. `obj` then holds what was saved."""
    fields.setdefault("updated_at", timezone.now())
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=F("version") + 1, **fields)
    )
    if updated != 1:
        raise ConcurrentUpdate(current_version=current_version(obj))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1  # type: ignore[attr-defined]


def in_conflict(request: HttpRequest) -> bool:
    """Whether this run of a view is showing the page again after a ConcurrentUpdate."""
    return hasattr(request, _TYPED)


def form_data(request: HttpRequest) -> QueryDict | None:
    """The data to bind a view's form to: the POST on a submission; what was typed (with the current
    version) when the page is shown again after a conflict; None on a plain GET."""
    if in_conflict(request):
        typed: QueryDict = getattr(request, _TYPED)
        return typed
    return request.POST if request.method == "POST" else None


def is_submission(request: HttpRequest) -> bool:
    """A POST to act on (not the second, showing-only run after a conflict)."""
    return request.method == "POST" and not in_conflict(request)


def service_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run `view`; if a service raises ConcurrentUpdate, run it again as a page view (GET) with the
    typed data kept and the version it now has, and answer 409 Conflict. If a service refuses with
    PermissionDenied, answer 404 (the person reached the record, but a stranger must learn nothing).

    The first run's transaction has rolled back by then (the service raised inside it), so nothing it
    did is kept; the second run fetches the record afresh, shows its latest state and is audited as
    a view like any other page view. Files chosen for upload cannot be kept: the browser sends them
    again only if the person chooses them again.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ConcurrentUpdate as exc:
            if request.method != "POST" or in_conflict(request):
                raise
            typed = request.POST.copy()
            if exc.current_version is not None:
                typed["version"] = str(exc.current_version)
            setattr(request, _TYPED, typed)
            request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.method = "POST"
            if response.status_code == 200:
                response.status_code = 409
            return response

    return wrapped

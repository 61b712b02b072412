"""Writes what `audit.trail` noted during a request to the access log, once the response is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse

from audit import trail
from audit.models import Action
from audit.pages import page_name

# Responses that show nothing of what the view fetched.
NOT_SHOWN = {204, 401, 403, 404, 405, 429}


def shows_content(status: int) -> bool:
    """A page or document (including a form shown again with its errors), not a redirect or refusal."""
    return status not in NOT_SHOWN and (status < 300 or 400 <= status < 500)


def actor(request: HttpRequest) -> Any:
    """Who made the request: the signed-in person, or the API token a system used."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return getattr(request, "auth", None)


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = trail.start(request)
        try:
            response = self.get_response(request)
            noted = trail.current()
        finally:
            trail.stop(token)
        if noted is not None:
            if shows_content(response.status_code):
                _log_shown(request, noted)
            elif response.status_code in (403, 404):
                _log_refusals(request, noted)
        return response


def _url_name(request: HttpRequest) -> str:
    """The page's name as people know it ("DCO dashboard"), or its path when no URL matched."""
    match = getattr(request, "resolver_match", None)
    return page_name(match.view_name) if match is not None else request.path[:100]


def _log_shown(request: HttpRequest, noted: trail.Trail) -> None:
    from audit.services import record_views

    shown = [(record, child) for child, record in noted.shown.items() if child not in noted.recorded]
    if shown:
        record_views(
            user=actor(request), shown=shown, request=request, detail=f"shown on {_url_name(request)}"
        )


def _log_refusals(request: HttpRequest, noted: trail.Trail) -> None:
    from audit.services import record_access

    who = actor(request)
    for refusal in noted.refusals:
        child = None
        try:
            model = apps.get_model(refusal.model_label)
            if refusal.child_path:
                child = (
                    model._default_manager.filter(public_id=refusal.public_id)
                    .values_list(refusal.child_path, flat=True)
                    .first()
                )
        except Exception:  # noqa: BLE001 - a malformed id or label: the event is still written, without a child
            child = None
        exists = "" if child is not None else " (no such record, or not about a child)"
        record_access(
            user=who,
            action=Action.REFUSED,
            obj=None,
            child=child,
            request=request,
            detail=f"refused {refusal.model_label} {refusal.public_id} on {_url_name(request)}{exists}",
        )

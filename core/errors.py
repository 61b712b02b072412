"""The pages people see when a request is refused or fails (400, 403, 404, 405, 429, 500 and a refused
form, CSRF): styled in the NHS.UK design system, with the right status code, each saying what to do
next. Who may see them: anyone. None of them says whether a record exists (a record outside your reach
is the same 404 as one that never existed)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from audit.trail import shows_no_children
from core.navigation import landing_url_for

logger = logging.getLogger(__name__)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def account_description(user: Any) -> str:
    """Who an account is for, as people say it: "School staff at Aldermoor Primary School"."""
    parts = [
        f"{m.get_role_display()} at {m.organisation.name}"
        for m in user.active_memberships().order_by("organisation__name", "role")
    ]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    signed_in = _signed_in(request)
    context: dict[str, Any] = {
        "signed_in": signed_in,
        "home_url": landing_url_for(request.user) if signed_in else reverse("core:home"),
        "sign_in_url": f"{reverse('accounts:sign-in')}?next={request.path}" if not signed_in else "",
        "account": account_description(request.user) if signed_in else "",
    }
    context.update(extra)
    return context


@shows_no_children
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", _context(request), status=400)


@shows_no_children
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", _context(request), status=403)


@shows_no_children
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", _context(request), status=404)


@shows_no_children
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its anti-forgery token or with an old one (an old tab, a session that
    ended): nothing was saved; go back, reload and send it again."""
    return render(request, "errors/csrf.html", _context(request), status=403)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """A page asked for in a way it does not answer (a form's address opened as a link)."""
    response = render(request, "errors/405.html", _context(request), status=405)
    response["Allow"] = allowed
    return response


def too_many_requests(request: HttpRequest, *, retry_after: int | None = None) -> HttpResponse:
    """Too many requests in a short time: when to try again."""
    response = render(request, "errors/429.html", _context(request, retry_after=retry_after), status=429)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@shows_no_children
def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn without the database or the signed-in person (either may be what failed): the design
    system's page with the service's name; plain HTML if even that cannot be drawn."""
    html: str
    try:
        html = render_to_string("errors/500.html", {"SERVICE_NAME": settings.SERVICE_NAME})
    except Exception:  # noqa: BLE001 - the last resort must answer
        logger.exception("the 500 page could not be drawn")
        html = PLAIN_500
    return HttpResponse(html, status=500)


PLAIN_500 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a problem with the service</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main id="maincontent" style="font-family: Arial, sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em;">
<h1>Sorry, there is a problem with the service</h1>
<p>Try again later.</p><p>What you entered on the last page may not have been saved: check before you enter it again.</p>
<p><a href="/">Go to the home page</a></p>
</main></body></html>"""

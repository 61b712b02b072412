"""The session's "Stay signed in" ping (core/static/core/session.js).

A signed-in page warns a few minutes before the idle timeout (SESSION_IDLE_MINUTES); "Stay signed in"
asks this URL, and the request itself renews the session (SESSION_SAVE_EVERY_REQUEST). It says nothing
about anyone: only whether the person is still signed in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from audit.trail import shows_no_children


@shows_no_children
@login_required
@require_GET
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Who may use it: anyone signed in (signed-out people are sent to sign in)."""
    response = JsonResponse({"signed_in": True, "idle_minutes": settings.SESSION_IDLE_MINUTES})
    response["Cache-Control"] = "no-store"
    return response

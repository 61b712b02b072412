from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core import health


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "AREA_NAME": settings.AREA_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        # For the session warning (core/static/core/session.js): idle timeout and the warning before it.
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_MINUTES * 60,
        "SESSION_WARNING_SECONDS": min(settings.SESSION_WARNING_MINUTES, settings.SESSION_IDLE_MINUTES) * 60,
        "background_work_late": health.background_work_late,  # called by the layout for signed-in staff
    }

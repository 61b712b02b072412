"""The header's navigation and account links, chosen by who is signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def _item(text: str, viewname: str, request: HttpRequest) -> dict[str, Any]:
    href = reverse(viewname)
    current = request.path == href or (href != "/" and request.path.startswith(href))
    if viewname == "directory:shortlist" and request.GET.getlist("s"):
        # The shortlist lives in the URL (directory/views_public.py): keep it in the header link too.
        from urllib.parse import urlencode

        href += "?" + urlencode([("s", s) for s in request.GET.getlist("s")[:50]])
    return {"text": text, "href": href, "current": current}


def header_params(request: HttpRequest) -> dict[str, Any]:
    """Parameters for the NHS.UK header macro."""
    from django.conf import settings

    items: list[tuple[str, str]] = [
        ("Find services", "directory:search"),
        ("Services A to Z", "directory:a-to-z"),
        ("Your shortlist", "directory:shortlist"),
    ]
    user = getattr(request, "user", None)
    account: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        roles = user.role_names() if hasattr(user, "role_names") else set()
        if roles & {"dco", "dco_admin"}:
            items.append(("DCO dashboard", "advice:dashboard"))
        if roles & {"la_caseworker"}:
            items.append(("Advice requests", "advice:la-requests"))
        if roles & {"provider_clinician", "provider_team_manager"}:
            items.append(("Team inbox", "advice:team-inbox"))
        if roles & {"directory_editor", "provider_editor"}:
            items.append(("Manage services", "directory:editor-home"))
        if roles & {"dco", "dco_admin", "system_admin"}:
            items.append(("Audit log", "audit:search"))
        account = [
            {"text": user.get_full_name() or user.email, "icon": True},
            {"text": "Sign out", "href": reverse("accounts:sign-out")},
        ]
    else:
        account = [{"text": "Staff sign in", "href": reverse("accounts:sign-in")}]
    nav = [_item(text, name, request) for text, name in items]
    return {
        "service": {"text": settings.SERVICE_NAME, "href": "/"},
        "navigation": {"items": nav},
        "account": {"items": account},
    }

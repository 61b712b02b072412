"""The header's navigation and account links, chosen by who is signed in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from core import registry


def _item(item: registry.NavItem, request: HttpRequest) -> dict[str, Any]:
    href = reverse(item.viewname)
    current = request.path == href or (href != "/" and request.path.startswith(href))
    kept = [(name, value) for name in item.keep_params for value in request.GET.getlist(name)[:50]]
    if kept:
        href += "?" + urlencode(kept)
    return {"text": item.text, "href": href, "current": current}


def header_params(request: HttpRequest) -> dict[str, Any]:
    """Parameters for the NHS.UK header macro."""
    from django.conf import settings

    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    roles: set[str] = (
        user.role_names() if user is not None and signed_in and hasattr(user, "role_names") else set()
    )
    items = [i for i in registry.nav_items() if i.shown_to(roles, signed_in)]
    account: list[dict[str, Any]] = []
    if signed_in:
        assert user is not None
        account = [
            {"text": user.get_full_name() or user.email, "icon": True},
            {"text": "Sign out", "href": reverse("accounts:sign-out")},
        ]
    else:
        account = [{"text": "Staff sign in", "href": reverse("accounts:sign-in")}]
    nav = [_item(item, request) for item in items]
    return {
        "service": {"text": settings.SERVICE_NAME, "href": "/"},
        "navigation": {"items": nav},
        "account": {"items": account},
    }

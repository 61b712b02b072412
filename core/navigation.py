"""The header's navigation and account links, chosen by who is signed in; where each person starts
after signing in (`landing_url_for`); their work with its counts (`work_items`)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.db import DatabaseError
from django.http import HttpRequest
from django.urls import reverse

from core import registry

logger = logging.getLogger(__name__)


def _roles(user: Any) -> set[str]:
    if user is None or not user.is_authenticated or not hasattr(user, "role_names"):
        return set()
    return set(user.role_names())


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def count_for(item: registry.NavItem, user: Any) -> int | None:
    """How many things wait in `item` for `user` (None when the entry has no count, or the database
    cannot say: the page is still shown)."""
    if item.count is None:
        return None
    try:
        return item.count(user)
    except DatabaseError:  # an error page drawn while the database is failing
        logger.warning("could not count %s", item.viewname, exc_info=True)
        return None


def _item(item: registry.NavItem, request: HttpRequest, user: Any, current_href: str) -> dict[str, Any]:
    href = reverse(item.viewname)
    current = href == current_href
    kept = [(name, value) for name in item.keep_params for value in request.GET.getlist(name)[:50]]
    if kept:
        href += "?" + urlencode(kept)
    text = item.text
    number = count_for(item, user)
    if number is not None:
        text = f"{text} ({number})"
    return {"text": text, "href": href, "current": current}


def _current_href(hrefs: list[str], path: str) -> str:
    """The one entry a page is under: the longest entry path the page's path starts with (so
    /services/a-z/C/ is under "Services A to Z", not also under "Find services" at /services/)."""
    matches = [h for h in hrefs if path == h or (h != "/" and path.startswith(h))]
    return max(matches, key=len, default="")


def header_params(request: HttpRequest) -> dict[str, Any]:
    """Parameters for the NHS.UK header macro."""
    from django.conf import settings

    user = getattr(request, "user", None)
    signed_in = _signed_in(user)
    roles = _roles(user)
    items = [i for i in registry.nav_items() if i.shown_to(roles, signed_in)]
    account: list[dict[str, Any]] = []
    if signed_in:
        assert user is not None
        account = [
            {"text": user.get_full_name() or user.email, "icon": True, "href": reverse("core:work")},
            {"text": "Sign out", "href": reverse("accounts:sign-out")},
        ]
    else:
        account = [{"text": "Staff sign in", "href": reverse("accounts:sign-in")}]
    current_href = _current_href([reverse(item.viewname) for item in items], request.path)
    nav = [_item(item, request, user, current_href) for item in items]
    return {
        "service": {"text": settings.SERVICE_NAME, "href": "/"},
        "navigation": {"items": nav},
        "account": {"items": account},
        # staff search for a child or a case, in the header for everyone who may use it
        "search": _search_params(user) if signed_in else False,
    }


def _search_params(user: Any) -> dict[str, Any] | bool:
    search = registry.staff_search()
    if search is None or not search.shown_to(_roles(user)):
        return False
    return {
        "action": reverse(search.viewname),
        "name": "q",
        "placeholder": search.placeholder,
        "visuallyHiddenLabel": search.placeholder,
        "visuallyHiddenButton": "Search",
    }


def staff_items(user: Any) -> list[registry.NavItem]:
    """The registered entries this person's roles allow that are staff work (not public pages)."""
    roles = _roles(user)
    return [i for i in registry.nav_items() if i.roles and i.shown_to(roles, _signed_in(user))]


def work_items(user: Any) -> list[dict[str, Any]]:
    """The staff home page's list: each of the person's work entries with its count."""
    return [
        {
            "text": item.text,
            "href": reverse(item.viewname),
            "count": count_for(item, user),
            "description": item.description,
        }
        for item in staff_items(user)
    ]


def landing_url_for(user: Any) -> str:
    """Where this person starts after signing in: the registered landing (NavItem.landing) their roles
    allow with the lowest number, or the staff home page when none does; the home page for anyone not
    signed in."""
    if not _signed_in(user):
        return reverse("core:home")
    landings = [i for i in staff_items(user) if i.landing is not None]
    if not landings:
        return reverse("core:work")
    return reverse(min(landings, key=lambda i: (i.landing, i.order, i.viewname)).viewname)

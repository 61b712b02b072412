"""The public shortlist: the services a visitor has put aside, kept on their device.

A plain cookie holds the services' public ids (nothing about the visitor: no account, no name, no
search), so the shortlist survives Back, new searches and closing the tab, without JavaScript. The
same ids in a URL (`?s=<id>&s=<id>`) share or print a shortlist. Adding and removing are form POSTs
(CSRF-protected) that redirect back to where the visitor was (`return_path`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

COOKIE_NAME = "shortlist"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # a year: a family may come back to it months later
MAX_SHORTLIST = 50  # 50 ids are about 1,900 characters, well inside a cookie's 4,096
SEPARATOR = "."  # between ids in the cookie (ids are hex and dashes, so cookie-safe)


def parse_ids(values: Iterable[str]) -> list[str]:
    """Valid service public ids, in order, without repeats, at most MAX_SHORTLIST."""
    ids: list[str] = []
    for value in values:
        try:
            text = str(uuid.UUID(value.strip()))
        except ValueError:
            continue
        if text not in ids:
            ids.append(text)
    return ids[:MAX_SHORTLIST]


def ids_from_cookie(request: HttpRequest) -> list[str]:
    """The visitor's shortlist, from their cookie (anything malformed in it is ignored)."""
    return parse_ids(request.COOKIES.get(COOKIE_NAME, "").split(SEPARATOR))


def with_added(ids: list[str], new: Iterable[str]) -> list[str]:
    """The shortlist with these services added at the end (those already on it stay where they are).
    Beyond MAX_SHORTLIST nothing more is added."""
    return parse_ids([*ids, *new])


def without(ids: list[str], public_id: str) -> list[str]:
    return [i for i in ids if i != public_id]


def remember(response: HttpResponse, ids: list[str]) -> None:
    """Keep this shortlist on the visitor's device (or forget it when it is empty)."""
    if not ids:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(
        COOKIE_NAME,
        SEPARATOR.join(ids),
        max_age=COOKIE_MAX_AGE,
        httponly=True,  # no script needs it
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def return_path(value: str | None, default: str) -> str:
    """Where to send the visitor back to: a path on this site only (never another site, never a
    scheme-relative '//host' or a '/\\host'); anything else is `default`."""
    value = (value or "").strip()
    if (
        value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and "\\" not in value
        and not any(ord(c) < 32 for c in value)
        and len(value) <= 2000
        and url_has_allowed_host_and_scheme(value, allowed_hosts=set(), require_https=False)
    ):
        return value
    return default

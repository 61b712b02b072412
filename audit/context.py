"""Where an action came from, for the access log: the audit context every state-changing service takes.

Services take the acting user and an `AuditContext`, never the HTTP request: the same service runs
for a page, for the LA API (a token acting for its organisation, no person) and in the worker. The
view or API endpoint builds the context once from its request with `audit_context(request)` (or
`audit_context(request, token=token)` for an API call); the worker uses `AuditContext.worker(job)`.

This module imports nothing of the project, so any app (and any layer) may use it.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest

Via = Literal["web", "api", "worker"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_CACHE = "_audit_context"


@dataclass(frozen=True, kw_only=True)
class AuditContext:
    """Who-and-where for the access log, apart from the acting user.

    via: "web" (a person on a page), "api" (a system calling an API with `token`), "worker" (background
        work with no request).
    ip, user_agent, path: as the request had them (the address trusts PROXY_COUNT proxies only).
    request_id: the X-Request-ID a trusted proxy set, else one made here; ties log lines and queued
        work (e-mails) to the request that caused them.
    token: the accounts.ApiToken acting for its organisation on an API call (the log records its
        organisation when no person acts).
    """

    via: Via
    ip: str | None = None
    user_agent: str = ""
    path: str = ""
    request_id: str = ""
    token: Any = None

    @classmethod
    def worker(cls, job: str) -> AuditContext:
        """Background work: no address, no browser; the path names the job."""
        return cls(via="worker", path=f"worker:{job}"[:300], request_id=uuid.uuid4().hex)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, trusting X-Forwarded-For only as far as PROXY_COUNT proxies.

    With PROXY_COUNT=N, each of the N trusted proxies appended the address it received from, so the
    client is the Nth entry from the right; anything further left could be forged by the client.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _request_id(request: HttpRequest) -> str:
    # Only a proxy we trust may name the request; a client's own header is ignored.
    given = request.META.get("HTTP_X_REQUEST_ID", "") if getattr(settings, "PROXY_COUNT", 0) > 0 else ""
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def audit_context(request: HttpRequest, *, token: Any = None) -> AuditContext:
    """The audit context of a request, built once and kept on it. With `token` (an API call
    authenticated by an accounts.ApiToken) it says "api" and carries the token."""
    cached: AuditContext | None = getattr(request, _CACHE, None)
    if cached is not None and cached.token is token:
        return cached
    context = AuditContext(
        via="api" if token is not None else "web",
        ip=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        path=request.path[:300],
        request_id=cached.request_id if cached is not None else _request_id(request),
        token=token,
    )
    setattr(request, _CACHE, context)
    return context

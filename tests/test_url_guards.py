"""Every route in the project is either public on purpose or refuses people who are not signed in.

The test walks every URL pattern (django.urls.get_resolver), fills its path parameters with random
values, and sends an anonymous request:
- a route listed in PUBLIC (with the reason it is public) must simply not fail (no 5xx);
- any other page must send the person to sign in (302 to the sign-in page);
- any other API route (under /api/) must answer 401, 403 or 404.

A new route that answers an anonymous request in any other way fails here until it is guarded (for
example with @login_required, or the app's access decorator) or, if it really is meant for the public,
added to PUBLIC below with its reason.

Also: the Django admin (/django-admin/) is only for active staff verified by their authenticator app.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

# name (namespace:name) or namespace ("oruk:*") -> why anyone may use it without signing in.
PUBLIC: dict[str, str] = {
    "core:home": "home page",
    "enquiries:public-new": "families' and professionals' enquiry form (no account; honeypot, fill time, rate limit)",
    "enquiries:public-sent": "the reference of the enquiry this browser just sent (from its own session)",
    "enquiries:status": "an enquiry's progress, only with its reference and e-mail address (throttled)",
    "core:accessibility": "accessibility statement",
    "core:privacy": "privacy notice",
    "core:cookies": "cookie information",
    "core:styleguide": "design system components, synthetic content",
    "core:healthz": "load balancer health check: statuses and ages only, no personal data",
    "accounts:sign-in": "sign-in",
    "accounts:two-factor": "sign-in, second step (needs the first step in the session)",
    "accounts:two-factor-setup": "sign-in, authenticator set-up (needs the first step in the session)",
    "accounts:sign-out": "signing out",
    "accounts:password-reset": "forgotten password",
    "accounts:password-reset-sent": "forgotten password: neutral confirmation",
    "accounts:password-reset-confirm": "forgotten password: needs the e-mailed token",
    "accounts:password-reset-complete": "forgotten password: done",
    "accounts:invitation": "an invited member of staff chooses a password: needs the e-mailed token",
    "accounts:oidc-start": "sign-in through OpenID Connect (404 unless configured)",
    "accounts:oidc-callback": "sign-in through OpenID Connect (state, nonce and PKCE checked)",
    "directory:api-docs": "open data API documentation",
    "directory:search": "the public Local Offer",
    "directory:a-to-z": "the public Local Offer",
    "directory:a-to-z-letter": "the public Local Offer",
    "directory:shortlist": "the public Local Offer (kept in a cookie on the visitor's device)",
    "directory:shortlist-add": "the public Local Offer: a visitor adds a service to their shortlist",
    "directory:shortlist-remove": "the public Local Offer: a visitor removes a service from their shortlist",
    "directory:service": "the public Local Offer",
    "directory:report-problem": "members of the public report a problem with a listing",
    "directory:report-problem-sent": "members of the public report a problem with a listing",
    "oruk:*": "Open Referral UK 3.0 open data API (/api/v3/)",
    "casework-api:openapi-json": "the casework API's OpenAPI document (no data)",
    "casework-api:api-root": "the casework API's documentation page (no data)",
    "admin:logout": "signing out of the admin",
}

PROTECTED_REDIRECTS = ("/accounts/sign-in/", "/django-admin/login/")


@dataclass
class Route:
    path: str
    name: str
    pattern: str
    callback: Any


def _sample_for_converter(converter: Any) -> str:
    kind = type(converter).__name__
    if kind == "UUIDConverter":
        return str(uuid.uuid4())
    if kind == "IntConverter":
        return str(random.randint(100_000, 999_999))
    if kind == "SlugConverter":
        return f"sample-{random.randint(1000, 9999)}"
    if kind == "PathConverter":
        return f"sample/{random.randint(1000, 9999)}"
    if kind == "StringConverter":
        return f"sample{random.randint(1000, 9999)}"
    # A project converter: its own regex decides; try a UUID, which most of ours take.
    return str(uuid.uuid4())


def _route_sample(pattern: RoutePattern) -> str:
    text = str(pattern)
    for name, converter in pattern.converters.items():
        text = re.sub(rf"<(?:[^>:]+:)?{name}>", _sample_for_converter(converter), text, count=1)
    return text


def _regex_group_sample(body: str) -> str:
    if re.fullmatch(r"[\w|]+", body):
        return body.split("|")[0]  # an alternation of words: take the first
    return str(uuid.uuid4()) if body in {"[^/]+", "[^/.]+"} else "sample"


def _regex_sample(pattern: RegexPattern) -> str:
    text = str(pattern).lstrip("^").removesuffix("$").removesuffix("\\Z")
    text = re.sub(r"\(\?P<\w+>([^()]*)\)", lambda m: _regex_group_sample(m.group(1)), text)
    return text.replace("/?", "/").replace("\\", "")


def _sample(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern)
    return str(pattern)


def all_routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = "", shape: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from all_routes(entry, prefix + _sample(entry.pattern), ns, shape + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = (
                f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {shape}{entry.pattern}>"
            )
            yield Route(
                "/" + prefix + _sample(entry.pattern), name, shape + str(entry.pattern), entry.callback
            )


ROUTES = list(all_routes())


def is_public(route: Route) -> bool:
    namespace = route.name.split(":", 1)[0] + ":*" if ":" in route.name else ""
    return route.name in PUBLIC or namespace in PUBLIC


def test_the_walk_finds_the_routes_we_know():
    names = {route.name for route in ROUTES}
    assert {"core:home", "accounts:sign-in", "audit:search", "audit:child", "admin:index"} <= names
    assert len(ROUTES) > 30


def test_public_allowlist_has_no_stale_entries():
    names = {route.name for route in ROUTES}
    namespaces = {name.split(":", 1)[0] + ":*" for name in names if ":" in name}
    stale = sorted(key for key in PUBLIC if key not in names and key not in namespaces)
    assert not stale, f"PUBLIC in tests/test_url_guards.py names routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_route_is_public_on_purpose_or_guarded(route: Route):
    match = resolve(route.path)
    # Several views on one path (an API with one view per method) resolve to the first: the same URL.
    assert match.func == route.callback or match.route == route.pattern, (
        f"Could not build a sample path for {route.name} ({route.pattern}): built {route.path}, which resolves to "
        f"{match.view_name}. Teach _sample() in tests/test_url_guards.py about this pattern."
    )
    client = Client()
    response = client.get(route.path)
    method = "GET"
    if response.status_code == 405:
        response, method = client.post(route.path), "POST"
    status = response.status_code

    if is_public(route):
        no_worker = route.name == "core:healthz" and status == 503  # no worker runs here; it says so
        assert status < 500 or no_worker, (
            f"Public route {route.name} ({method} {route.path}) failed with {status}"
        )
        return

    if route.path.startswith("/api/"):
        assert status in {401, 403, 404}, (
            f"API route {route.name} ({method} {route.path}) answered {status} to an anonymous request. "
            "Require a token (401/403), or, if it is open data on purpose, add it to PUBLIC in "
            "tests/test_url_guards.py with the reason."
        )
        return

    location = response.get("Location", "")
    assert status == 302 and location.startswith(PROTECTED_REDIRECTS), (
        f"Page {route.name} ({method} {route.path}) answered {status}{' -> ' + location if location else ''} "
        "to someone who is not signed in; it should send them to sign in. Guard the view (for example "
        "@login_required, then the app's access function for 404s), or, if it is meant for the public, add "
        f"'{route.name}' to PUBLIC in tests/test_url_guards.py with the reason."
    )


# The Django admin ------------------------------------------------------------------------------------


def test_admin_sends_signed_out_people_to_the_services_sign_in_not_a_password_only_form():
    client = Client()
    first = client.get("/django-admin/")
    assert first.status_code == 302
    second = client.get(first["Location"])
    assert second.status_code == 302 and second["Location"].startswith(reverse("accounts:sign-in"))
    assert "next=/django-admin/" in second["Location"]


def test_admin_login_form_cannot_sign_anyone_in():
    from accounts.testing import UserFactory

    UserFactory(email="staff.admin@example.org", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(
        "/django-admin/login/",
        {"username": "staff.admin@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_admin_is_open_to_verified_staff_only():
    from django.contrib import admin
    from django.test import RequestFactory
    from django_otp.middleware import OTPMiddleware

    from accounts.admin_site import StaffAdminSite
    from accounts.testing import make_user, sign_in

    assert isinstance(admin.site, StaffAdminSite)
    staff = make_user(is_staff=True, is_superuser=True)
    assert sign_in(Client(), staff).get("/django-admin/").status_code == 200

    # Not staff, though signed in with two-factor: not found.
    other = make_user()
    response = sign_in(Client(), other).get("/django-admin/", follow=True)
    assert response.status_code == 404

    # Staff whose session has not passed two-factor: the site refuses (the middleware would also sign them out).
    request: Any = RequestFactory().get("/django-admin/")
    request.user = staff
    request.session = {}
    OTPMiddleware(lambda r: None)(request)
    assert not request.user.is_verified()
    assert not admin.site.has_permission(request)


def test_login_url_setting_points_at_the_services_sign_in():
    assert reverse(settings.LOGIN_URL) == "/accounts/sign-in/"

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url


class StaffTwoFactorMiddleware:
    """A safety net: a signed-in user who has not passed two-factor is signed out, and so is a demo
    account whose session began in demo mode once DEMO_MODE is off.

    The sign-in views only call `login()` after both steps, so this never fires in normal use; it
    stops any other route to a session (a bug, a future login path) from skipping the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        demo_off = not settings.DEMO_MODE and getattr(user, "is_demo", False)  # a session from demo mode
        if user is not None and user.is_authenticated and (not user.is_verified() or demo_off):
            logout(request)
            return redirect("accounts:sign-in")
        return self.get_response(request)


IDLE_COOKIE = "signed_out_idle"
IDLE_COOKIE_SECONDS = 5 * 60


class IdleSignOutMiddleware:
    """Lets the sign-in page say "You were signed out because you had not used the service for ..."
    to someone sent there because their session ended while idle (SESSION_IDLE_MINUTES).

    The browser sends the cookie of the ended session with its next request; the page redirects to
    sign in, and SessionMiddleware deletes that cookie on the redirect (the session is empty), so the
    sign-in page itself cannot tell an ended session from a fresh visit. This leaves a short-lived
    marker cookie on that redirect, sent only to the sign-in page, which shows the message once and
    deletes it (accounts.views.sign_in). It holds nothing about the person.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _redirects_to_sign_in(response) and _session_ended(request):
            response.set_cookie(
                IDLE_COOKIE,
                "1",
                max_age=IDLE_COOKIE_SECONDS,
                path=sign_in_path(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def sign_in_path() -> str:
    return str(resolve_url(settings.LOGIN_URL))


def _redirects_to_sign_in(response: HttpResponse) -> bool:
    location = response.get("Location") if response.status_code in {301, 302, 303, 307} else None
    return bool(location) and urlsplit(location).path == sign_in_path()


def _session_ended(request: HttpRequest) -> bool:
    """The request came with a session cookie whose session no longer exists (ended, or forged)."""
    session = getattr(request, "session", None)
    if session is None or not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    session.get("_")  # loads the session if nothing has yet: an ended one comes back without a key
    return session.session_key is None

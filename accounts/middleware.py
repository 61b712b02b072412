from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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

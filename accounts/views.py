"""Staff sign-in: e-mail and password, then a time-based one-time code. Nobody is logged in until both pass."""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import oidc, services, throttle
from accounts.forms import ForgottenPasswordForm, NewPasswordForm, SignInForm, TokenForm
from accounts.middleware import IDLE_COOKIE, sign_in_path
from accounts.models import User
from audit.context import audit_context
from audit.models import Action
from audit.services import client_ip, record_access, record_sign_in_failure
from audit.trail import shows_no_children
from core.navigation import landing_url_for

PENDING_KEY = "accounts_pending_user"
PENDING_AT_KEY = "accounts_pending_since"
METHOD_KEY = "accounts_first_step"
NEXT_KEY = "accounts_next"
PENDING_SECONDS = 10 * 60  # the security code must follow the first step within 10 minutes


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """The address asked for, when it is on this site; else "" (the person's own work, after sign-in)."""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return ""


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    since = request.session.get(PENDING_AT_KEY, 0)
    if not user_id or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def begin_second_step(request: HttpRequest, user: User, *, next_url: str, method: str) -> HttpResponse:
    """After the first step (password or OpenID Connect): remember who, then ask for the security code.

    Nobody is logged in yet: `_finish` does that after the code.
    """
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = time.time()
    request.session[METHOD_KEY] = method
    request.session[NEXT_KEY] = _safe_next(request, next_url)
    if services.confirmed_device(user) is None:
        return redirect("accounts:two-factor-setup")
    return redirect("accounts:two-factor")


def _finish(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    next_url = request.session.get(NEXT_KEY)
    method = request.session.get(METHOD_KEY, "password")
    for key in (PENDING_KEY, PENDING_AT_KEY, METHOD_KEY, NEXT_KEY):
        request.session.pop(key, None)
    services.complete_sign_in(user=user, device=device, context=audit_context(request), method=method)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    next_url = next_url or landing_url_for(user)  # a safe `next` wins; else the person's own work
    response = HttpResponseRedirect(next_url)
    throttle.remember_device(request, response, user)
    return response


@shows_no_children
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Who may see it: anyone."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"]
        attempt = throttle.Attempt(
            email=email, address=client_ip(request), device=throttle.trusted_device(request, email)
        )
        wait = throttle.wait_until(attempt)
        if wait is not None:  # refused unchecked and uncounted: the wait does not grow
            return locked_out(request, email=email, until=wait)
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "Enter a correct email address and password")
            record_sign_in_failure(
                email=email, context=audit_context(request), detail="Wrong email address or password"
            )
            wait = throttle.record_failure(attempt)
            if wait is not None:
                return locked_out(request, email=email, until=wait, logged=True)
        else:
            throttle.record_success(attempt)
            return begin_second_step(request, user, next_url=request.GET.get("next", ""), method="password")
    context = {
        "form": form,
        "timed_out": request.method == "GET" and request.COOKIES.get(IDLE_COOKIE) == "1",
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "page_has_errors": bool(form.errors),
        "oidc_enabled": oidc.is_enabled(),
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "oidc_start_url": _oidc_start_url(request),
    }
    response = render(request, "accounts/sign_in.html", context)
    if request.COOKIES.get(IDLE_COOKIE):  # said once (accounts.middleware.IdleSignOutMiddleware)
        response.delete_cookie(IDLE_COOKIE, path=sign_in_path(), samesite="Lax")
    return response


def _oidc_start_url(request: HttpRequest) -> str:
    url = reverse("accounts:oidc-start")
    next_url = request.GET.get("next")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@shows_no_children
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Who may see it: someone who has just passed the password step."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_token(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "The security code is not right: enter the latest code from your app")
            record_access(
                user=user,
                action=Action.SIGN_IN_FAILED,
                obj=None,
                request=request,
                detail="Wrong security code",
            )
        else:
            return _finish(request, user, device)
    return render(request, "accounts/two_factor.html", {"form": form, "page_has_errors": bool(form.errors)})


@shows_no_children
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Who may see it: someone who has passed the password step and has no authenticator yet."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    if services.confirmed_device(user) is not None:
        return redirect("accounts:two-factor")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _finish(request, user, device)
        form.add_error("token", "The security code is not right: check the time on your phone and try again")
    qr = segno.make(device.config_url, error="m")
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, title="QR code for your authenticator app"),
        "secret": _base32(device.bin_key),
        "page_has_errors": bool(form.errors),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@shows_no_children
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Who may see it: anyone (signing out when signed out does nothing)."""
    if request.method == "POST":
        if request.user.is_authenticated:
            record_access(user=request.user, action=Action.SIGN_OUT, obj=None, request=request)
        logout(request)
        return render(request, "accounts/signed_out.html")
    return render(request, "accounts/sign_out.html")


def locked_out(request: HttpRequest, *, email: str, until: dt.datetime, logged: bool = False) -> HttpResponse:
    """Too many wrong passwords for this account or from this address (accounts.throttle): when the
    person can try again, as 429 Too Many Requests with Retry-After. Who may see it: anyone."""
    if not logged:
        record_sign_in_failure(
            email=email, context=audit_context(request), detail="Refused: too many wrong passwords"
        )
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    context = {"until": timezone.localtime(until), "minutes": math.ceil(seconds / 60)}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@shows_no_children
class ForgottenPasswordView(auth_views.PasswordResetView):
    """Ask for a password reset link. Who may see it: anyone."""

    template_name = "accounts/password_reset.html"
    form_class = ForgottenPasswordForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "SERVICE_NAME": settings.SERVICE_NAME,
            "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, page_has_errors=True))


@shows_no_children
class PasswordResetSentView(auth_views.PasswordResetDoneView):
    """The same neutral answer whether or not the address has an account. Who may see it: anyone."""

    template_name = "accounts/password_reset_sent.html"


@shows_no_children
class ChooseNewPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link. Who may see it: anyone holding a valid link.

    It does not sign the person in: they sign in afterwards with the new password and their security code.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, page_has_errors=True))


@shows_no_children
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """Who may see it: anyone."""

    template_name = "accounts/password_reset_complete.html"

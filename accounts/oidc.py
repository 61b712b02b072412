"""Sign-in through OpenID Connect (NHS CIS2, Microsoft Entra ID, ...), on mozilla-django-oidc.

Switched on by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET. The provider's endpoints come from
its discovery document (`{OIDC_ISSUER}/.well-known/openid-configuration`), fetched when first needed
and cached for an hour; any of them can be pinned in settings instead (OIDC_OP_TOKEN_ENDPOINT, ...).

Rules, beyond the library's state, nonce and signature checks:
- the ID token must come from OIDC_ISSUER, name this service in `aud` (and `azp` when there are
  several audiences) and carry an expiry; the userinfo `sub` must match the ID token's;
- a person is matched to an existing, active account by e-mail address only, and only when the
  provider says the address is verified (`email_verified`; OIDC_ASSUME_EMAIL_VERIFIED=true for a
  provider whose addresses are all issued by the organisation, like Entra ID). Nobody is created:
  an unknown address is told to ask their administrator;
- after the provider, the person still enters their security code (TOTP): the issue requires two-factor
  for every staff role, and a provider's own multi-factor cannot be relied on for every deployment.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from audit.trail import shows_no_children

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_CREATE_USER": False,  # no self-registration
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc-callback",
    "OIDC_VERIFY_SSL": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_VERIFY_KID": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
}
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
METADATA_SECONDS = 60 * 60


def is_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET)


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (cached), checked to be about OIDC_ISSUER."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"oidc-metadata:{issuer}"
    metadata = cache.get(key)
    if metadata is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        metadata = response.json()
        if str(metadata.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured(f"The discovery document at {issuer} names another issuer")
        cache.set(key, metadata, METADATA_SECONDS)
    return metadata


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting: pinned in settings, else discovered, else our default."""
    value = getattr(settings, attr, None)
    if value not in (None, ""):
        return value
    if attr in DISCOVERED:
        return provider_metadata().get(DISCOVERED[attr])
    if attr in DEFAULTS:
        return DEFAULTS[attr]
    return import_from_settings(attr, *args)


class OIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified e-mail to an existing account; never creates one."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Endpoints are loaded in authenticate(), so password sign-in never waits for the provider.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not is_enabled() or "nonce" not in kwargs or "code" not in request.GET:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def _refuse(self, reason: str, email: str = "") -> None:
        self.request.oidc_refusal = reason
        self.request.oidc_email = email

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_ISSUER.rstrip("/")
        if str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not meant for this service")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token's authorised party is not this service")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token has no expiry")
        self.id_token_claims = payload
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject is not the ID token's subject")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "")
        verified = claims.get("email_verified") is True or str(claims.get("email_verified")).lower() == "true"
        if not email:
            self._refuse("no-email")
            return False
        if not (verified or getattr(settings, "OIDC_ASSUME_EMAIL_VERIFIED", False)):
            self._refuse("unverified", email)
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email") or "")
        users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
        if not settings.DEMO_MODE:
            users = users.exclude(is_demo=True)  # demo accounts sign in only in demo mode
        if not users.exists():
            self._refuse("unknown", email)
        return users


@shows_no_children
class OIDCStartView(OIDCAuthenticationRequestView):
    """Sends the person to the identity provider. Who may see it: anyone, when OIDC is configured."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        View.__init__(self, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_enabled():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


REFUSALS = {
    "unknown": "There is no account for {email}",
    "unverified": "Your provider has not confirmed the email address {email}",
    "no-email": "Your provider did not tell us your email address",
}


@shows_no_children
class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here; then they enter their security code.

    Who may see it: anyone returning from the provider (state, nonce and PKCE are checked).
    """

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ImproperlyConfigured) as exc:
            logger.warning("OpenID Connect sign-in refused: %s", exc)
            return self._failed(f"OpenID Connect: {exc}")

    def login_success(self) -> HttpResponse:
        from accounts.views import begin_second_step

        return begin_second_step(self.request, self.user, next_url=self.success_url, method="OpenID Connect")

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "oidc_refusal", None)
        email = getattr(self.request, "oidc_email", "")
        if reason is None:
            return self._failed("OpenID Connect: the provider did not sign the person in")
        from audit.context import audit_context
        from audit.services import record_sign_in_failure

        message = REFUSALS[reason].format(email=email or "that account")
        record_sign_in_failure(
            email=email, context=audit_context(self.request), detail=f"OpenID Connect: {message}"
        )
        context = {"message": message, "reason": reason, "provider": settings.OIDC_PROVIDER_NAME}
        return render(self.request, "accounts/oidc_no_account.html", context, status=403)

    def _failed(self, detail: str) -> HttpResponse:
        from audit.context import audit_context
        from audit.services import record_sign_in_failure

        record_sign_in_failure(email="", context=audit_context(self.request), detail=detail)
        return render(
            self.request, "accounts/oidc_failed.html", {"provider": settings.OIDC_PROVIDER_NAME}, status=400
        )

"""Sign-in steps, as plain functions the views call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

if TYPE_CHECKING:
    from audit.context import AuditContext

# The fixed TOTP secret every demo account shares, so a reviewer can sign in with any authenticator
# app. Only honoured when DEMO_MODE is on and the account is marked is_demo.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test secret "12345678901234567890"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify_token(user: User, token: str) -> TOTPDevice | None:
    """The confirmed TOTP device that accepts this token, or None."""
    device = confirmed_device(user)
    if device is None:
        return None
    if user.is_demo and not settings.DEMO_MODE:
        return None  # demo accounts cannot sign in outside demo mode
    return device if device.verify_token(token) else None


def complete_sign_in(
    *, user: User, device: TOTPDevice, context: AuditContext, method: str = "password"
) -> None:
    """Record that `user` has signed in: only ever after the password (or OIDC) step and the second
    factor, with `device` the confirmed device that accepted the code. The view then logs the person
    in to its session (Django's `login` and django-otp's `login`); this service never sees the request.

    Refused (PermissionDenied) for an inactive account or a device that is not the user's confirmed one.
    """
    from audit.models import Action
    from audit.services import record_access

    if not user.is_active or device.user_id != user.pk or not device.confirmed:
        raise PermissionDenied("This account cannot sign in with this device.")
    record_access(
        user=user, action=Action.SIGN_IN, obj=None, context=context, detail=f"{method} and security code"
    )

"""Slowing down password guessing, without letting anyone lock a person out (NCSC password guidance:
throttle rather than lock, allow about ten attempts, and tell people what is happening).

Every failed password is counted for the account typed (from any address) and for the address it came
from (whatever account was typed). After SIGN_IN_FREE_FAILURES failures within
SIGN_IN_FAILURE_MEMORY_HOURS, each further failure makes that account, or that address, wait before the
next password is checked: SIGN_IN_FIRST_DELAY_SECONDS, doubling up to SIGN_IN_MAX_DELAY_SECONDS. While it
waits an attempt is refused without checking the password and without counting, so it does not make the
wait longer, and the person is told when they can try again.

A browser where someone has signed in fully (password and security code) carries a signed
trusted-device cookie. Their attempts from it are counted for that device alone, not for the account or
the address, so someone guessing at an account from elsewhere cannot keep its owner out of their usual
browser. What the cookie holds is a random device id and the account's id; it is worth nothing to
anyone without the password and the security code.

The counts live in the database (SignInThrottle), so every app server sees the same ones. Counted
the same way whether or not an account has the address typed, so nothing here tells anyone which
addresses have accounts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SignInThrottle, User

DEVICE_COOKIE = "trusted_device"
_DEVICE_SALT = "accounts.throttle.device"


@dataclass(frozen=True)
class Attempt:
    """One password attempt: the e-mail address typed, the address it came from, and the trusted
    device it came from (only when the device cookie is valid for the account typed)."""

    email: str
    address: str | None
    device: str | None = None

    def counted_as(self) -> list[str]:
        if self.device:
            return [f"device:{self.device}"]
        return [f"account:{self.email.strip().lower()}", f"address:{self.address or 'unknown'}"]


def _key(counted_as: str) -> str:
    return salted_hmac("accounts.throttle", counted_as, algorithm="sha256").hexdigest()


def delay_after(failures: int) -> dt.timedelta | None:
    """How long to wait after this many failures in a row: nothing for the first few, then doubling."""
    free = settings.SIGN_IN_FREE_FAILURES
    if failures < free:
        return None
    seconds = settings.SIGN_IN_FIRST_DELAY_SECONDS * 2 ** min(failures - free, 32)
    return dt.timedelta(seconds=min(seconds, settings.SIGN_IN_MAX_DELAY_SECONDS))


def wait_until(attempt: Attempt, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When this attempt may be checked, if not now. A refused attempt changes nothing."""
    now = now or timezone.now()
    keys = [_key(counted) for counted in attempt.counted_as()]
    blocked = SignInThrottle.objects.filter(key__in=keys, blocked_until__gt=now).order_by("-blocked_until")
    return blocked.values_list("blocked_until", flat=True).first()


def record_failure(attempt: Attempt, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count a wrong password. Returns when the next attempt may be checked, if it must wait."""
    now = now or timezone.now()
    memory = dt.timedelta(hours=settings.SIGN_IN_FAILURE_MEMORY_HOURS)
    waits: list[dt.datetime] = []
    with transaction.atomic():
        for counted in attempt.counted_as():
            row, _ = SignInThrottle.objects.select_for_update().get_or_create(
                key=_key(counted), defaults={"last_failure_at": now}
            )
            if row.last_failure_at < now - memory:
                row.failures = 0  # long enough without a failure: start again
            row.failures += 1
            row.last_failure_at = now
            delay = delay_after(row.failures)
            row.blocked_until = now + delay if delay else None
            row.save(update_fields=["failures", "last_failure_at", "blocked_until"])
            if row.blocked_until:
                waits.append(row.blocked_until)
    return max(waits, default=None)


def record_success(attempt: Attempt) -> None:
    """The right password: the account's (or the device's) failures are forgotten. The address's are
    not, or anyone with one account could reset their address's count between guesses at others."""
    keys = [_key(counted) for counted in attempt.counted_as() if not counted.startswith("address:")]
    SignInThrottle.objects.filter(key__in=keys).delete()


def trusted_device(request: HttpRequest, email: str) -> str | None:
    """The device id from this browser's trusted-device cookie, if it was set for the account typed."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    max_age = dt.timedelta(days=settings.TRUSTED_DEVICE_DAYS)
    try:
        data = signing.loads(value, salt=_DEVICE_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if not User.objects.filter(pk=data["u"], email__iexact=email).exists():
        return None
    device = data.get("d")
    return device if isinstance(device, str) and device else None


def remember_device(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """After a full sign-in: mark this browser as one of the user's trusted devices (or keep its id)."""
    device = trusted_device(request, user.email) or secrets.token_urlsafe(16)
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"u": user.pk, "d": device}, salt=_DEVICE_SALT),
        max_age=settings.TRUSTED_DEVICE_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )

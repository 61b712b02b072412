"""Authentication backends of our own (the password itself is checked by Django's ModelBackend)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


class DemoAccountsOffBackend(BaseBackend):
    """Outside demo mode a demo account (published password and authenticator key) fails the password
    step itself, whatever password is typed: the person sees the usual "enter a correct email address and
    password" and never reaches the security-code page. Listed before ModelBackend; raising
    PermissionDenied stops Django trying the backends after it."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if settings.DEMO_MODE or not username:
            return None
        if User.objects.filter(email__iexact=username, is_demo=True).exists():
            raise PermissionDenied("Demo accounts cannot sign in outside demo mode")
        return None

"""The Django admin (at /django-admin/) for system administrators, behind the same two-step sign-in.

`accounts.admin_apps.StaffAdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS, so `admin.site` is a
`StaffAdminSite`: django-otp's OTPAdminSite (only active staff *verified by their TOTP device* may
use it), whose own login page is replaced by the service's sign-in (password or OpenID Connect,
then the security code, throttled by accounts.throttle and written to the access log). There is no second,
password-only way in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    site_header = "SEND Health Hub administration"
    site_title = "SEND Health Hub administration"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Who may see it: nobody; signed-out people are sent to the service's sign-in, signed-in
        people without admin rights get 404."""
        if request.user.is_authenticated:
            raise Http404
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, login_url=reverse("accounts:sign-in"))

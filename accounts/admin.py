"""Account management in the Django admin (for 2FA-verified staff: see accounts.admin_site)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, Organisation, User
from core import forms as core_forms


class MembershipInline(admin.TabularInline):
    """Memberships are shown, never made or changed here: a role is what grants access to children's
    records, so it is given in the product's own pages (audited), not by whoever holds the admin."""

    model = Membership
    extra = 0
    fields = ("organisation", "role", "is_active", "created_at")
    readonly_fields = ("organisation", "role", "is_active", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NewAccountForm(core_forms.ModelForm):
    """A new account has no password (its owner sets one through the e-mailed reset link) and no role."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Names, e-mail and deactivation. Not here: roles (memberships), passwords (people reset their own
    by e-mail), superuser rights or two-factor devices, each of which could let the person using the
    admin into children's records."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "is_demo", "last_login"]
    list_filter = ["is_active", "is_staff", "is_demo", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "is_demo", "is_staff", "is_superuser"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name")}),)
    add_form = NewAccountForm

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        raise PermissionDenied


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Names and contact details. What an organisation is, where it sits, which areas a DCO service
    covers and whether it is active decide who reaches which children, so they are read-only here."""

    list_display = ["name", "kind", "code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    fields = [
        "public_id",
        "name",
        "kind",
        "parent",
        "areas",
        "specialism",
        "code",
        "email",
        "is_active",
        "created_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:  # a new organisation has no members, so its kind and parent grant nobody anything
            return ["public_id", "areas", "is_active", "created_at"]
        return ["public_id", "kind", "parent", "areas", "is_active", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: a token acts for its organisation's caseworkers, so tokens are issued and revoked in
    the product's own pages (audited), not here."""

    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at", "is_demo"]
    list_filter = ["revoked_at", "is_demo"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Two-factor devices: shown, never added, changed or removed here (an added device is a way into
# someone else's account). django-otp registers its own editable admin; this replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

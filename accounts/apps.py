from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from accounts.models import RoleGroup
        from core.registry import NavItem, register_nav_item

        # Running an organisation's staff (accounts/views_staff.py).
        register_nav_item(
            NavItem(
                "Staff",
                "accounts:organisations",
                order=95,
                roles=RoleGroup.ORGANISATION_ADMINS | RoleGroup.SYSTEM,
            )
        )

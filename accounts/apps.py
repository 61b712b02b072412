from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        """The header's entry for running an organisation's staff (where a system administrator starts
        after signing in), and how the access log's pages name accounts and organisations
        (audit.naming names no app)."""
        from accounts import audit_names
        from accounts.models import RoleGroup
        from core.registry import NavItem, register_nav_item

        # Running an organisation's staff (accounts/views_staff.py).
        register_nav_item(
            NavItem(
                "Staff",
                "accounts:organisations",
                order=95,
                roles=RoleGroup.ORGANISATION_ADMINS | RoleGroup.SYSTEM,
                landing=90,
                description="The people in your organisation: invite, change roles and teams, remove.",
            )
        )
        # Each person's own notification settings, for the roles the service e-mails about casework.
        register_nav_item(
            NavItem(
                "Email settings",
                "accounts:my-notifications",
                order=99,
                roles=RoleGroup.DCO | RoleGroup.PROVIDER | RoleGroup.LA,
                description="How you get emails about your work: each time, once a day, or not at all.",
            )
        )
        audit_names.register()

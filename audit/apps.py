from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from accounts.models import RoleGroup
        from core.registry import NavItem, register_nav_item

        register_nav_item(NavItem("Audit log", "audit:search", order=90, roles=RoleGroup.AUDIT))

        from audit import account_changes

        account_changes.connect()  # changes to who may reach what, wherever they are made

from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = "Children and young people"

    def ready(self) -> None:
        """How the access log's pages name this app's records (audit.naming names no app), and the
        staff header's search for a child or a case (core.registry names no app)."""
        from accounts.models import RoleGroup
        from children import audit_names
        from core.registry import StaffSearch, register_staff_search

        audit_names.register()
        register_staff_search(
            StaffSearch("children:search", roles=RoleGroup.LA | RoleGroup.PROVIDER | RoleGroup.DCO)
        )

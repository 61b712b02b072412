from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = "Children and young people"

    def ready(self) -> None:
        """How the access log's pages name this app's records (audit.naming names no app)."""
        from children import audit_names

        audit_names.register()

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Local Offer directory"

    def ready(self) -> None:
        """The directory's header entries (the public Local Offer for everyone, the editor for editors)
        and its part of the home page: search and browse."""
        from accounts.models import RoleGroup
        from core.registry import HomeSection, NavItem, register_home_section, register_nav_item
        from directory.views_public import home_section

        register_nav_item(NavItem("Find services", "directory:search", order=1))
        register_nav_item(NavItem("Services A to Z", "directory:a-to-z", order=2))
        register_nav_item(NavItem("Your shortlist", "directory:shortlist", order=3))
        register_nav_item(
            NavItem("Manage services", "directory:editor-home", order=50, roles=RoleGroup.DIRECTORY_EDITORS)
        )
        register_home_section(
            HomeSection("directory", 10, home_section, stylesheets=("directory/public.css",))
        )

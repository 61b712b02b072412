from typing import Any

from django.apps import AppConfig


def pending_proposal_count(user: Any) -> int:
    """Proposed changes waiting for a decision that this editor may see: one COUNT."""
    from directory import access
    from directory.models import ChangeProposal

    return access.proposals_visible_to(user).filter(status=ChangeProposal.Status.PENDING).count()


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Local Offer directory"

    def ready(self) -> None:
        """The directory's header entries (the public Local Offer for everyone, the editor for editors)
        and its part of the home page: search and browse. It holds the postcode data, so it answers
        which local authorities a postcode is in."""
        from accounts.models import RoleGroup
        from core.registry import (
            HomeSection,
            NavItem,
            register_home_section,
            register_nav_item,
            register_postcode_la_codes,
        )
        from directory.search.places import postcode_la_codes
        from directory.views_public import home_section

        register_nav_item(NavItem("Find services", "directory:search", order=1))
        register_nav_item(NavItem("Services A to Z", "directory:a-to-z", order=2))
        register_nav_item(NavItem("Your shortlist", "directory:shortlist", order=3))
        register_nav_item(
            NavItem("Manage services", "directory:editor-home", order=50, roles=RoleGroup.DIRECTORY_EDITORS)
        )
        register_nav_item(
            NavItem(
                "Proposals",
                "directory:editor-proposals",
                order=51,
                roles=RoleGroup.DIRECTORY_EDITORS,
                count=pending_proposal_count,
                landing=50,
                description="Proposed changes to services waiting for a decision.",
            )
        )
        register_home_section(
            HomeSection("directory", 10, home_section, stylesheets=("directory/public.css",))
        )
        register_postcode_la_codes(postcode_la_codes)

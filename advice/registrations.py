"""What the advice app adds to pages other apps own, registered once by `AdviceConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.access import reach_for
from accounts.models import RoleGroup
from advice import dashboard
from advice.involvements import REASON, REASON_LABEL
from advice.models import AdviceRequest, Assignment
from children import registry as child_page
from children.models import ChildOrYoungPerson
from core.registry import NavItem, register_nav_item


def child_section(request: HttpRequest, child: ChildOrYoungPerson) -> SafeString:
    """The child's advice requests that the signed-in person may see (AdviceRequest.visible_to)."""
    requests = (
        AdviceRequest.objects.visible_to(request.user)
        .filter(child=child)
        .select_related("local_authority")
        .order_by("-received_by_health")
    )
    html = render_to_string("advice/child_section.html", {"advice_requests": list(requests)}, request)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template  # nosec B308 B703


def team_inbox_count(user: Any) -> int:
    """Open requests in the user's teams' inbox (what the inbox lists first): one COUNT."""
    team_ids = reach_for(user).team_ids
    if not team_ids:
        return 0
    return Assignment.objects.visible_to(user).filter(team_id__in=team_ids).open().count()


def register() -> None:
    child_page.register_involvement_reason(REASON, REASON_LABEL)
    child_page.register_section(child_page.ChildPageSection("advice", 10, child_section))
    register_nav_item(
        NavItem(
            "DCO dashboard",
            "advice:dashboard",
            order=20,
            roles=RoleGroup.DCO,
            landing=10,
            description="Advice due, at risk, overdue and awaiting quality check; timeliness figures.",
        )
    )
    register_nav_item(
        NavItem(
            "Triage",
            "advice:triage",
            order=21,
            roles=RoleGroup.DCO,
            count=dashboard.triage_count,
            description="Requests from local authorities waiting to be sent to provider teams.",
        )
    )
    register_nav_item(
        NavItem(
            "Advice requests",
            "advice:la-requests",
            order=30,
            roles=RoleGroup.LA,
            landing=30,
            description="Your local authority's requests for health advice, and the advice released.",
        )
    )
    register_nav_item(
        NavItem(
            "Team inbox",
            "advice:team-inbox",
            order=40,
            roles=RoleGroup.PROVIDER,
            count=team_inbox_count,
            landing=20,
            description="Requests for advice sent to your team that are still open.",
        )
    )

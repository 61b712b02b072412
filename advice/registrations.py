"""What the advice app adds to pages other apps own, registered once by `AdviceConfig.ready`."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.access import reach_for
from accounts.models import RoleGroup
from advice import dashboard
from advice import reminders as advice_reminders
from advice.involvements import REASON, REASON_LABEL
from advice.models import (
    AdviceRequest,
    Assignment,
    Attachment,
    EHCNeedsAssessment,
    HealthAdvice,
    QualityCheck,
    TimeLimitException,
)
from audit import naming
from casework import reminders
from children import registry as child_page
from children import search as child_search
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


# --- how the access log's pages name advice records (audit.naming) -----------------------------------


def _names(
    model: Any, *, scope: str, visible: Any, request_path: str, template: str, team_path: str = ""
) -> Any:
    """Names for one model's records: those whose `scope` (a field, or "pk") is in `visible(user)`
    (AdviceRequest.visible_to or Assignment.visible_to), in one query. `request_path` leads from the
    record to its request ("" for a request); the template may use {reference}, {child} and {team}."""
    prefix = f"{request_path}__" if request_path else ""

    def names(user: Any, ids: Any) -> dict[str, naming.Named]:
        rows = model.objects.filter(
            public_id__in=naming.valid_ids(ids), **{f"{scope}__in": visible(user).values("pk")}
        ).values_list(
            "public_id",
            f"{prefix}reference",
            f"{prefix}child__public_id",
            f"{prefix}child__given_name",
            f"{prefix}child__family_name",
            team_path or "public_id",
        )
        found = {}
        for pid, reference, child, given, family, team in rows:
            name = f"{given} {family}"
            text = template.format(reference=reference, child=name, team=team)
            found[str(pid)] = naming.Named(text, child, name)
        return found

    return names


def _requests(user: Any) -> Any:
    return AdviceRequest.objects.visible_to(user)


def _assignments(user: Any) -> Any:
    return Assignment.objects.visible_to(user)


def _assessment_names(user: Any, ids: Any) -> dict[str, naming.Named]:
    """An EHC needs assessment is named through the requests for it that the user may see."""
    rows = EHCNeedsAssessment.objects.filter(
        public_id__in=naming.valid_ids(ids), advice_requests__in=_requests(user).values("pk")
    ).values_list("public_id", "child__public_id", "child__given_name", "child__family_name")
    return {
        str(pid): naming.Named(f"EHC needs assessment for {given} {family}", child, f"{given} {family}")
        for pid, child, given, family in rows
    }


AUDIT_NAMES = (
    naming.RecordKind(
        "advice.AdviceRequest",
        "Health advice request",
        _names(
            AdviceRequest,
            scope="pk",
            visible=_requests,
            request_path="",
            template="Health advice request {reference} for {child}",
        ),
    ),
    naming.RecordKind(
        "advice.Assignment",
        "Health advice request sent to a team",
        _names(
            Assignment,
            scope="pk",
            visible=_assignments,
            request_path="advice_request",
            team_path="team__name",
            template="Health advice request {reference} for {child}, sent to {team}",
        ),
    ),
    naming.RecordKind(
        "advice.HealthAdvice",
        "Health advice",
        _names(
            HealthAdvice,
            scope="assignment",
            visible=_assignments,
            request_path="assignment__advice_request",
            team_path="assignment__team__name",
            template="Health advice from {team} on {reference} for {child}",
        ),
    ),
    naming.RecordKind(
        "advice.QualityCheck",
        "Quality check of health advice",
        _names(
            QualityCheck,
            scope="assignment",
            visible=_assignments,
            request_path="assignment__advice_request",
            team_path="assignment__team__name",
            template="Quality check of {team}'s advice on {reference} for {child}",
        ),
    ),
    naming.RecordKind(
        "advice.TimeLimitException",
        "Exception to the 6-week time limit",
        _names(
            TimeLimitException,
            scope="assignment",
            visible=_assignments,
            request_path="assignment__advice_request",
            team_path="assignment__team__name",
            template="Exception to the time limit for {team} on {reference} for {child}",
        ),
    ),
    naming.RecordKind(
        "advice.Attachment",
        "Attachment to a health advice request",
        _names(
            Attachment,
            scope="advice_request",
            visible=_requests,
            request_path="advice_request",
            template="Attachment to health advice request {reference} for {child}",
        ),
    ),
    naming.RecordKind("advice.EHCNeedsAssessment", "EHC needs assessment", _assessment_names),
)


# --- finding a case by reference (children.search) ---------------------------------------------------

_REFERENCE = re.compile(r"ha0*(\d{1,9})", re.IGNORECASE)


def find_references(user: Any, terms: Any) -> list[child_search.ReferenceHit]:
    """Advice requests the user may see (AdviceRequest.visible_to) whose reference ("HA0000301",
    "ha301") or EHC needs assessment's LA reference is one of the words typed: one query."""
    references = {
        f"HA{int(match[1]):07d}" for word in terms.references if (match := _REFERENCE.fullmatch(word))
    }
    la_references = {variant for word in terms.references for variant in (word, word.upper())}
    rows = (
        AdviceRequest.objects.visible_to(user)
        .filter(Q(reference__in=references) | Q(assessment__la_reference__in=la_references))
        .values_list("public_id", "reference", "child__public_id", "assessment__la_reference")
        .order_by("-received_by_health")
    )
    return [
        child_search.ReferenceHit(
            child_public_id=child,
            text=f"Health advice request {reference}"
            + ("" if reference in references else f" (LA reference {la_reference})"),
            url=reverse("advice:request-detail", args=[public_id]),
            reference=reference,
        )
        for public_id, reference, child, la_reference in rows
    ]


def requests_for_child(user: Any, child: ChildOrYoungPerson) -> list[child_search.ReferenceHit]:
    """The child's advice requests the user may see (AdviceRequest.visible_to), newest first."""
    rows = (
        AdviceRequest.objects.visible_to(user)
        .filter(child=child)
        .values_list("public_id", "reference", "received_by_health", "assessment__la_reference")
        .order_by("-received_by_health", "-pk")
    )
    return [
        child_search.ReferenceHit(
            child_public_id=child.public_id,
            text=f"Health advice request {reference}, received {received:%-d %B %Y}"
            + (f" (LA reference {la_reference})" if la_reference else ""),
            url=reverse("advice:request-detail", args=[public_id]),
            reference=reference,
        )
        for public_id, reference, received, la_reference in rows
    ]


def register() -> None:
    child_page.register_involvement_reason(REASON, REASON_LABEL)
    reminders.register(advice_reminders.HANDLER)
    for kind in AUDIT_NAMES:
        naming.register(kind)
    child_search.register_reference_lookup(
        child_search.ReferenceLookup("advice", find_references, for_child=requests_for_child)
    )
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

"""What the section 23 app adds to pages and jobs other apps own, registered once by its AppConfig."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.access import reach_for
from accounts.models import NotificationEvent, RoleGroup
from audit import naming
from casework import reminders
from casework.models import CaseReminder
from children import registry as child_page
from children import search as child_search
from children.models import ChildOrYoungPerson
from core.registry import NavItem, register_nav_item
from section23 import involvements
from section23.access import concern_organisations
from section23.models import Concern, Notification


def child_section(request: HttpRequest, child: ChildOrYoungPerson) -> SafeString | None:
    """The child's section 23 notifications that the signed-in person may see."""
    rows = list(
        Notification.objects.visible_to(request.user)
        .filter(child=child)
        .select_related("local_authority", "notifying_body")
        .order_by("-created_at")
    )
    if not rows:
        return None
    html = render_to_string("section23/child_section.html", {"notifications": rows}, request)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template  # nosec B308 B703


def linked_to_reference(user: Any, reference: str) -> list[child_page.LinkedRecord]:
    """The notifications the LA linked to this EHC needs assessment's advice request (by its reference)
    that `user` may open (Notification.objects.visible_to), for the advice request's page."""
    rows = (
        Notification.objects.visible_to(user)
        .filter(advice_reference=reference)
        .select_related("notifying_body")
        .order_by("pk")
    )
    return [
        child_page.LinkedRecord(
            text=f"Section 23 notification {n.reference} from {n.notifying_body.name}",
            url=reverse("section23:notification-detail", args=[n.public_id]),
        )
        for n in rows
    ]


def _open_notifications(ids: list[uuid.UUID]) -> Mapping[uuid.UUID, Notification]:
    rows = Notification.objects.filter(public_id__in=ids, status=Notification.Status.SENT)
    return {n.public_id: n for n in rows.select_related("local_authority")}


def _reminder_message(reminder: CaseReminder, notification: Notification) -> tuple[str, str]:
    from section23.services import link

    subject = f"Not yet acknowledged: section 23 notification {notification.reference}"
    body = (
        f"Section 23 notification {notification.reference} was sent to {notification.local_authority.name} "
        f"on {notification.sent_on:%-d %B %Y} and has not been acknowledged (the local target was "
        f"{notification.acknowledge_by:%-d %B %Y}).\n\n"
        f"Reference: {notification.reference}\nOpen it here: {link('section23:notification-detail', notification.public_id)}\n"
        "\nYou get this e-mail because of your role in the service. Do not reply with personal details.\n"
    )
    return subject, body


def waiting_count(user: Any) -> int:
    """What waits for this person: an LA's notifications to acknowledge; a team's or DCO service's own
    drafts. One COUNT."""
    reach = reach_for(user)
    waiting = Q(status=Notification.Status.SENT, local_authority_id__in=reach.la_ids) | Q(
        Q(team_id__in=reach.team_ids) | Q(dco_service_id__in=reach.dco_service_ids),
        status=Notification.Status.DRAFT,
    )
    # The same rule as Notification.objects.visible_to, from the reach alone: a count in the header
    # shows no record, and must not stand in for a page's own access check (tests/test_access_walk.py).
    return Notification.objects.filter(waiting).count()


def open_concerns_count(user: Any) -> int:
    """Concerns still waiting for the DCO service's decision (for the DCO service and the raiser)."""
    own = Q(raised_by_organisation_id__in=[o.pk for o in concern_organisations(user)])
    mine = own | Q(dco_service_id__in=reach_for(user).dco_service_ids)
    return Concern.objects.filter(mine, status=Concern.Status.OPEN).count()


# --- how the access log names section 23 records, and finding them by reference -------------------------


def _names_of(model: Any, noun: str) -> Any:
    def names(user: Any, ids: Any) -> dict[str, naming.Named]:
        """Only records the user may see (visible_to) are named; the rest show the bare noun."""
        rows = (
            model.objects.visible_to(user)
            .filter(public_id__in=naming.valid_ids(ids))
            .values_list(
                "public_id", "reference", "child__public_id", "child__given_name", "child__family_name"
            )
        )
        found = {}
        for pid, reference, child, given, family in rows:
            name = f"{given} {family}"
            found[str(pid)] = naming.Named(f"{noun} {reference} for {name}", child, name)
        return found

    return names


AUDIT_NAMES = (
    naming.RecordKind(
        "section23.Notification",
        "Section 23 notification",
        _names_of(Notification, "Section 23 notification"),
    ),
    naming.RecordKind("section23.Concern", "Concern about a young child", _names_of(Concern, "Concern")),
)

_REFERENCE = re.compile(r"(s23|dc)-?0*(\d{1,9})", re.IGNORECASE)


def find_references(user: Any, terms: Any) -> list[child_search.ReferenceHit]:
    """Notifications ("S23-000012", "s23-12") and concerns ("DC-000004") the user may see whose
    reference is one of the words typed, or whose LA reference is: two queries."""
    wanted: dict[str, set[str]] = {"S23": set(), "DC": set()}
    for word in terms.references:
        if match := _REFERENCE.fullmatch(word):
            wanted[match[1].upper()].add(f"{match[1].upper()}-{int(match[2]):06d}")
    la_references = {variant for word in terms.references for variant in (word, word.upper())}
    hits = [
        child_search.ReferenceHit(
            child_public_id=child,
            text=f"Section 23 notification {reference}",
            url=reverse("section23:notification-detail", args=[public_id]),
            reference=reference,
        )
        for public_id, reference, child in Notification.objects.visible_to(user)
        .filter(Q(reference__in=wanted["S23"]) | Q(la_reference__in=la_references))
        .values_list("public_id", "reference", "child__public_id")
    ]
    if wanted["DC"]:
        hits += [
            child_search.ReferenceHit(
                child_public_id=child,
                text=f"Concern {reference}",
                url=reverse("section23:concern-detail", args=[public_id]),
                reference=reference,
            )
            for public_id, reference, child in Concern.objects.visible_to(user)
            .filter(reference__in=wanted["DC"])
            .values_list("public_id", "reference", "child__public_id")
        ]
    return hits


def register() -> None:
    for kind in AUDIT_NAMES:
        naming.register(kind)
    child_search.register_reference_lookup(child_search.ReferenceLookup("section23", find_references))
    child_page.register_involvement_reason(involvements.REASON, involvements.REASON_LABEL)
    child_page.register_involvement_reason(involvements.CONCERN_REASON, involvements.CONCERN_REASON_LABEL)
    child_page.register_section(child_page.ChildPageSection("section23", 20, child_section))
    child_page.register_linked_records("section23", linked_to_reference)
    register_nav_item(
        NavItem(
            "Section 23 notifications",
            "section23:notifications",
            order=35,
            roles=RoleGroup.LA | RoleGroup.PROVIDER | RoleGroup.DCO,
            count=waiting_count,
            description="Young children who may have SEND, brought to the local authority's attention (section 23).",
        )
    )
    register_nav_item(
        NavItem(
            "Concerns",
            "section23:concerns",
            order=36,
            roles=RoleGroup.CONCERNS | RoleGroup.DCO,
            count=open_concerns_count,
            landing=50,
            description="Concerns about young children from GP practices and independent providers.",
        )
    )
    register_nav_item(
        NavItem(
            "Section 23 figures",
            "section23:dashboard",
            order=37,
            roles=RoleGroup.DCO,
            description="Section 23 volumes, statutory steps, signposting and times, for any period, with CSV.",
        )
    )
    reminders.register(
        reminders.ReminderHandler(
            record_type="section23.notification",
            open_records=_open_notifications,
            message=_reminder_message,
            event=NotificationEvent.S23_REMINDER,
        )
    )

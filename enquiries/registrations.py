"""What the enquiries app adds to pages and jobs other apps own, registered once by its AppConfig."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.models import NotificationEvent, RoleGroup
from audit import naming
from casework import reminders
from casework.models import CaseReminder
from children import registry as child_page
from children import search
from children.models import ChildOrYoungPerson
from core.registry import HomeSection, NavItem, register_home_section, register_nav_item
from enquiries import access, services
from enquiries.models import Enquiry
from lib.person_search import Terms


def child_section(request: HttpRequest, child: ChildOrYoungPerson) -> SafeString | None:
    """The child's enquiries that the signed-in person may see."""
    rows = list(Enquiry.objects.visible_to(request.user).filter(child=child).order_by("-received_on", "-pk"))
    if not rows:
        return None
    html = render_to_string("enquiries/child_section.html", {"enquiries": rows}, request)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template  # nosec B308 B703


_REFERENCE = re.compile(r"spc-?0*(\d{1,9})", re.IGNORECASE)


def find_references(user: Any, terms: Terms) -> list[search.ReferenceHit]:
    """Enquiries linked to a child that `user` may see, found by reference ("SPC-0000123", "spc123"):
    one query."""
    wanted = [f"SPC-{int(m[1]):07d}" for word in terms.references if (m := _REFERENCE.fullmatch(word))]
    if not wanted:
        return []
    rows = (
        Enquiry.objects.visible_to(user)
        .filter(reference__in=wanted, child__isnull=False)
        .select_related("child")
    )
    return [
        search.ReferenceHit(
            e.child.public_id,
            f"Enquiry {e.reference}",
            reverse("enquiries:detail", args=[e.public_id]),
            reference=e.reference,
        )
        for e in rows
        if e.child is not None
    ]


def audit_names(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    """How the access log names enquiries the reader may see: by reference, with the linked child."""
    rows = (
        Enquiry.objects.visible_to(user)
        .filter(public_id__in=naming.valid_ids(ids))
        .values_list("public_id", "reference", "child__public_id", "child__given_name", "child__family_name")
    )
    named: dict[str, naming.Named] = {}
    for pid, reference, child, given, family in rows:
        if child is None:
            named[str(pid)] = naming.Named(f"Enquiry {reference}")
        else:
            named[str(pid)] = naming.Named(
                f"Enquiry {reference} about {given} {family}", child, f"{given} {family}"
            )
    return named


def _open_enquiries(ids: list[uuid.UUID]) -> Mapping[uuid.UUID, Enquiry]:
    rows = Enquiry.objects.filter(public_id__in=ids).exclude(
        status__in=[Enquiry.Status.CLOSED, Enquiry.Status.ANSWERED]
    )
    return {e.public_id: e for e in rows}


def _reminder_message(reminder: CaseReminder, enquiry: Enquiry) -> tuple[str, str]:
    kind = reminder.kind.split(":")[0]
    what, target = (
        ("acknowledged", enquiry.acknowledge_by)
        if kind.startswith("acknowledge")
        else ("answered", enquiry.respond_by)
    )
    late = kind.endswith("overdue")
    subject = f"{'Overdue' if late else 'Due soon'}: enquiry {enquiry.reference} to be {what}"
    body = (
        f"Enquiry {enquiry.reference} {'was' if late else 'is'} to be {what} by {target:%-d %B %Y} "
        f"(a local target in working days).\n\nOpen it here: {services.link(enquiry.public_id)}\n"
        "\nYou get this e-mail because of your role in the DCO service. Do not reply with personal details.\n"
    )
    return subject, body


def home_section(request: HttpRequest) -> SafeString:
    """The single point of contact's part of the public home page: how to ask, and how to check."""
    html = render_to_string("enquiries/home_section.html", {}, request)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template  # nosec B308 B703


def register() -> None:
    register_home_section(HomeSection("enquiries", 20, home_section))
    child_page.register_involvement_reason(services.REASON, services.REASON_LABEL)
    child_page.register_section(child_page.ChildPageSection("enquiries", 30, child_section))
    search.register_reference_lookup(search.ReferenceLookup("enquiries", find_references))
    naming.register(naming.RecordKind("enquiries.Enquiry", "Enquiry to the DCO service", audit_names))
    register_nav_item(
        NavItem(
            "Enquiries",
            "enquiries:list",
            order=37,
            roles=RoleGroup.DCO,
            count=access.open_count,
            description="Queries and concerns from families and professionals",
        )
    )
    reminders.register(
        reminders.ReminderHandler(
            record_type="enquiries.enquiry",
            open_records=_open_enquiries,
            message=_reminder_message,
            event=NotificationEvent.ENQUIRY_REMINDER,
        )
    )

"""What other apps add to a child's record, registered from their `AppConfig.ready` (ADR 0018).

`children` names no other app: the child's page lists the sections registered here, in order, and
the reasons for involvement are labelled from here. An app registers, for example:

    class AdviceConfig(AppConfig):
        def ready(self) -> None:
            from advice import child_page
            registry.register_involvement_reason("advice_request", "EHC needs assessment health advice")
            registry.register_section(ChildPageSection("advice", 10, child_page.section))

A section's `render(request, child)` returns its HTML (already escaped by its template) or None to
leave it out; it reads only what the signed-in person may see, through its own app's access rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest

    from children.models import ChildOrYoungPerson


@dataclass(frozen=True)
class ChildPageSection:
    key: str
    order: int
    render: Callable[[HttpRequest, ChildOrYoungPerson], SafeString | None]


_sections: dict[str, ChildPageSection] = {}
_reasons: dict[str, str] = {}


def register_section(section: ChildPageSection) -> None:
    """Add (or replace, by key) a section of the child's page."""
    _sections[section.key] = section


def sections() -> list[ChildPageSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def register_involvement_reason(code: str, label: str) -> None:
    _reasons[code] = label


def involvement_reason(code: str) -> str:
    """The reason's label as people say it; an unregistered code is shown as it is."""
    return _reasons.get(code, code)


@dataclass(frozen=True)
class LinkedRecord:
    """Another app's record that names a case by its reference, as a link: "Section 23 notification
    S23-000012 (Northshire Community Health NHS Trust)"."""

    text: str
    url: str


# An app's records linked to a case reference (say an advice request's "HA0000301") that the user may
# open, through that app's own access rules: whoever may not open one is not told it exists.
_linked_records: dict[str, Callable[[Any, str], list[LinkedRecord]]] = {}


def register_linked_records(key: str, find: Callable[[Any, str], list[LinkedRecord]]) -> None:
    """Add (or replace, by key) an app's lookup of its records linked to a case reference."""
    _linked_records[key] = find


def records_linked_to(user: Any, reference: str) -> list[LinkedRecord]:
    """Every registered app's records linked to `reference` that `user` may open, app by app (by key)."""
    if not reference:
        return []
    return [record for key in sorted(_linked_records) for record in _linked_records[key](user, reference)]

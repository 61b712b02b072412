"""What each app adds to the header navigation and the home page, registered from its `AppConfig.ready`.

`core` names no app: the header lists the entries registered here, in order, that the signed-in
person's roles allow (an entry with no roles is for everyone, signed in or not); the home page shows
the registered sections, and to staff a "Your work" list of the entries their roles allow. For example:

    register_nav_item(NavItem("Team inbox", "advice:team-inbox", order=30, roles=RoleGroup.PROVIDER))

An entry may also say how many things wait in it (`count(user)`: one query, shown as "Triage (3)" in
the header and on the staff home page) and that it is where its roles start after signing in
(`landing`: when a person's roles allow several, the lowest wins; see core.navigation.landing_url_for):

    register_nav_item(NavItem("Triage", "advice:triage", order=21, roles=RoleGroup.DCO, count=triage_count))
    register_nav_item(NavItem("DCO dashboard", "advice:dashboard", order=20, roles=RoleGroup.DCO, landing=10))

Periodic jobs are found the same way by `manage.py worker` (`PERIODIC_JOBS` in each app's tasks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.safestring import SafeString


@dataclass(frozen=True)
class NavItem:
    text: str
    viewname: str
    order: int = 100
    roles: Collection[str] = field(default_factory=frozenset)  # empty: shown to everyone
    keep_params: tuple[str, ...] = ()  # query parameters the link carries on (a shortlist in the URL)
    # How many things wait here for this person (one query whatever the data); None: show no count.
    count: Callable[[Any], int | None] | None = None
    landing: int | None = None  # where these roles start after signing in (lowest first)
    description: str = ""  # one line for the staff home page

    def shown_to(self, roles: set[str], signed_in: bool) -> bool:
        if not self.roles:
            return True
        return signed_in and bool(roles & set(self.roles))


_nav: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    """Add (or replace, by its view name) an entry in the header navigation."""
    _nav[item.viewname] = item


def nav_items() -> list[NavItem]:
    return sorted(_nav.values(), key=lambda i: (i.order, i.viewname))


@dataclass(frozen=True)
class HomeSection:
    """A part of the home page: `render(request)` returns its HTML (from an autoescaping template)
    or None to leave it out; `stylesheets` are static paths the page then links in its head."""

    key: str
    order: int
    render: Callable[[HttpRequest], SafeString | None]
    stylesheets: tuple[str, ...] = ()


_home: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    """Add (or replace, by key) a section of the home page."""
    _home[section.key] = section


def home_sections() -> list[HomeSection]:
    return sorted(_home.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class StaffSearch:
    """The search box in the staff header (finding a child or a case): the app that owns the search
    page registers it, with the roles that may use it."""

    viewname: str
    roles: Collection[str]
    placeholder: str = "Search for a child or a case"

    def shown_to(self, roles: set[str]) -> bool:
        return bool(roles & set(self.roles))


_search: list[StaffSearch] = []


def register_staff_search(search: StaffSearch) -> None:
    """Set the header's staff search (one per site: a later registration replaces it)."""
    _search[:] = [search]


def staff_search() -> StaffSearch | None:
    return _search[0] if _search else None


# --- Where a postcode is ------------------------------------------------------------------------------

# The ONS codes of the local authorities for a postcode (any spacing or case), or None when the
# postcode data does not hold it. See `register_postcode_la_codes`.
PostcodeLaCodes = Callable[[str], tuple[str, ...] | None]

_postcode_la_codes: list[PostcodeLaCodes] = []


def register_postcode_la_codes(lookup: PostcodeLaCodes) -> None:
    """Set how a postcode's local authority codes are found: the app that holds the postcode data
    (the directory's ONS Postcode Directory import) registers it, and the apps that send a child's
    record to the council where the child lives ask `postcode_la_codes`. One per site: a later
    registration replaces it.

    `lookup(postcode)` returns the ONS codes in the order to try them: in a two-tier area the
    county's first (the county council is the local authority for education and SEN), then the
    district's; elsewhere the unitary authority's, London borough's or metropolitan district's alone.
    It returns None when the postcode is not known, and () when it is known without a code."""
    _postcode_la_codes[:] = [lookup]


def postcode_la_codes(postcode: str) -> tuple[str, ...] | None:
    """The ONS local authority codes for `postcode` (see `register_postcode_la_codes`); None when the
    postcode is not known, or when no app holding postcode data is installed."""
    if not _postcode_la_codes:
        return None
    return _postcode_la_codes[0](postcode)

"""Who may manage which directory records. Every editor page and service function asks here.

Two roles manage the Local Offer (see accounts.models.Role):

- a **directory editor** (Local Offer editor) edits, directly, the services listed in the Local Offer
  of the local authority (or authorities) they are a member of, plus services listed in no area at
  all (so an unlisted record is never orphaned); they decide providers' proposals, handle problem
  reports, import and export;
- a **provider editor** is a member of an accounts organisation that a directory Provider links to
  (`Provider.account`); they see that provider's services and propose changes, which an editor
  approves or rejects. They may also confirm that a record is still correct (a review), because the
  reminder e-mails ask them to.

Outside your reach is a 404 (a stranger learns nothing); a signed-in user with neither role gets a
403 from `require_editor`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import access_rule
from accounts.models import Organisation, Role
from directory.models import (
    ChangeProposal,
    ProblemReport,
    Provider,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    Synonym,
    ZeroResultSearch,
)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_directory_editor(user: Any) -> bool:
    return _authenticated(user) and user.has_role(Role.DIRECTORY_EDITOR)


def is_provider_editor(user: Any) -> bool:
    return _authenticated(user) and user.has_role(Role.PROVIDER_EDITOR)


def can_use_editor(user: Any) -> bool:
    """Whether the user may open the editor pages at all."""
    return is_directory_editor(user) or is_provider_editor(user)


@access_rule
def require_editor(user: Any) -> None:
    """Raise 403 for a signed-in user who holds neither editor role."""
    if not can_use_editor(user):
        raise PermissionDenied("Only Local Offer editors and service provider editors may manage services.")


def can_decide_proposals(user: Any) -> bool:
    """Only directory editors approve or reject proposals (for services in their areas)."""
    return is_directory_editor(user)


def can_import_export(user: Any) -> bool:
    return is_directory_editor(user)


def editor_area_ids(user: Any) -> list[int]:
    """The local authorities whose Local Offer this directory editor looks after.

    The organisations where they hold the role, plus the areas those organisations cover (a DCO
    service lists its local authorities in `Organisation.areas`).
    """
    if not is_directory_editor(user):
        return []
    orgs = list(user.organisations_with_role(Role.DIRECTORY_EDITOR))
    ids = {o.pk for o in orgs}
    ids.update(
        Organisation.areas.through.objects.filter(from_organisation__in=orgs).values_list(
            "to_organisation_id", flat=True
        )
    )
    return sorted(ids)


def editor_areas(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=editor_area_ids(user)).order_by("name")


def provider_account_ids(user: Any) -> list[int]:
    if not is_provider_editor(user):
        return []
    return list(user.organisations_with_role(Role.PROVIDER_EDITOR).values_list("pk", flat=True))


def providers_for_provider_editor(user: Any) -> QuerySet[Provider]:
    """The directory providers whose services this provider editor may propose changes to."""
    return Provider.objects.filter(account_id__in=provider_account_ids(user)).order_by("name")


def _area_scope(area_ids: list[int]) -> Q:
    """Listed in one of these areas, or in no area at all.

    Written as IN / NOT IN subqueries, which PostgreSQL runs as hashed subplans (an OR of EXISTS
    would run per row).
    """
    through = Service.areas.through
    in_area = through.objects.filter(organisation_id__in=area_ids).values("service_id")
    listed = through.objects.values("service_id")
    return Q(pk__in=in_area) | ~Q(pk__in=listed)


def services_directly_editable_by(user: Any) -> ServiceQuerySet:
    """Services this user may change without a proposal: a directory editor's area scope."""
    area_ids = editor_area_ids(user)
    if not area_ids:
        return Service.objects.none()
    return Service.objects.filter(_area_scope(area_ids))


@access_rule
def services_editable_by(user: Any) -> ServiceQuerySet:
    """Every service this user may manage (edit directly or propose changes to)."""
    condition = Q(pk__in=[])
    area_ids = editor_area_ids(user)
    if area_ids:
        condition |= _area_scope(area_ids)
    account_ids = provider_account_ids(user)
    if account_ids:
        condition |= Q(provider__account_id__in=account_ids)
    if not area_ids and not account_ids:
        return Service.objects.none()
    return Service.objects.filter(condition)


@access_rule
def get_service_for_editor(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Service:
    """The service, if this user may manage it; 404 otherwise.

    write=True asks for direct-edit rights (directory editors in their area); a provider editor who
    may only propose gets a 404 from a direct-edit URL.
    """
    scope = services_directly_editable_by(user) if write else services_editable_by(user)
    try:
        return scope.select_related("provider").get(public_id=public_id)
    except (Service.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such service") from None


def can_edit_directly(user: Any, service: Service) -> bool:
    return services_directly_editable_by(user).filter(pk=service.pk).exists()


@access_rule
def proposals_visible_to(user: Any) -> QuerySet[ChangeProposal]:
    """Proposals this user may see.

    Directory editors: proposals about services in their scope, and proposals for new services from
    providers with a service in their scope or with no services yet. Provider editors: their
    providers' proposals.
    """
    condition = Q(pk__in=[])
    area_ids = editor_area_ids(user)
    if area_ids:
        scoped = Service.objects.filter(_area_scope(area_ids)).values("pk")
        providers_in_scope = Service.objects.filter(_area_scope(area_ids)).values("provider_id")
        has_services = Service.objects.filter(provider_id=OuterRef("provider_id"))
        condition |= Q(service_id__in=scoped)
        condition |= Q(service__isnull=True) & (
            Q(provider_id__in=providers_in_scope) | ~Q(Exists(has_services))
        )
    account_ids = provider_account_ids(user)
    if account_ids:
        condition |= Q(provider__account_id__in=account_ids)
    if not area_ids and not account_ids:
        return ChangeProposal.objects.none()
    return ChangeProposal.objects.filter(condition)


@access_rule
def get_proposal_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> ChangeProposal:
    """The proposal if the user may see it (write=True: decide on it, directory editors only); else 404."""
    if write and not can_decide_proposals(user):
        raise Http404("No such proposal")
    scope = proposals_visible_to(user)
    if write:
        area_ids = editor_area_ids(user)
        scope = scope.filter(
            Q(service__isnull=True)
            | Q(service_id__in=Service.objects.filter(_area_scope(area_ids)).values("pk"))
        )
    try:
        return scope.select_related("service", "provider", "proposed_by", "decided_by").get(
            public_id=public_id
        )
    except (ChangeProposal.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such proposal") from None


def may_withdraw(user: Any, proposal: ChangeProposal) -> bool:
    """Who may withdraw a proposal (while it waits): its proposer, or an editor at the same provider."""
    return _authenticated(user) and (
        proposal.proposed_by_id == user.pk
        or (
            proposal.provider.account_id is not None
            and proposal.provider.account_id in provider_account_ids(user)
        )
    )


def can_withdraw(user: Any, proposal: ChangeProposal) -> bool:
    """Whether to offer the withdraw button: `may_withdraw`, and it is still waiting."""
    return proposal.status == ChangeProposal.Status.PENDING and may_withdraw(user, proposal)


@access_rule
def problem_reports_visible_to(user: Any) -> QuerySet[ProblemReport]:
    """Problem reports about the services this user may manage."""
    return ProblemReport.objects.filter(service__in=services_editable_by(user).values("pk"))


@access_rule
def get_problem_report_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> ProblemReport:
    """The report if the user may see it (write=True: handle it, directory editors only); else 404."""
    scope = (
        ProblemReport.objects.filter(service__in=services_directly_editable_by(user).values("pk"))
        if write
        else problem_reports_visible_to(user)
    )
    try:
        return scope.select_related("service", "service__provider", "handled_by").get(public_id=public_id)
    except (ProblemReport.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such report") from None


# --- the public Local Offer ----------------------------------------------------------------------------


@access_rule
def public_services() -> QuerySet[Service]:
    """Services anyone may see: published ones (active or temporarily closed), never drafts or
    withdrawn records. The public pages and the shortlist list only these."""
    return Service.objects.published().select_related("provider")


@access_rule
def get_public_service(public_id: uuid.UUID | str, *, detail: bool = False) -> Service:
    """The published service with this public id, or 404 (drafts, inactive and closed ones too).
    Anyone may see it, signed in or not. `detail` prefetches what the service page shows."""
    qs = public_services()
    if detail:
        qs = qs.prefetch_related(
            "phones",
            "contacts__phones",
            "schedules",
            "cost_options",
            "languages",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses", "location__accessibility", "schedules"
                ),
            ),
            "attributes__taxonomy_term__taxonomy",
        )
    try:
        return qs.get(public_id=public_id)
    except (Service.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such service") from exc


# --- the open data API (ORUK) -------------------------------------------------------------------------

# What the open ORUK API shares with anyone: services of every status, each with its status (ADR 0009:
# consumers keep copies in step, so a service that closes or is archived must reach them as such).
# Narrower than every status, `open_data` becomes a condition on each API query and the API's searches.
OPEN_DATA_STATUSES: tuple[str, ...] = tuple(Service.Status.values)


@access_rule
def open_data(service: str = "") -> Q:
    """The condition on a service (reached through `service`, e.g. "service__" from a service at a
    location) for the open ORUK API: every query of the API is narrowed by it, and its searches ask
    for `OPEN_DATA_STATUSES`. No condition while that is every status."""
    if set(OPEN_DATA_STATUSES) >= set(Service.Status.values):
        return Q()
    return Q(**{f"{service}status__in": OPEN_DATA_STATUSES})


# --- the words the public search understands (directory/views_search_words.py) ----------------------


@access_rule
def synonyms_for_editor(user: Any) -> QuerySet[Synonym]:
    """The synonym groups, for Local Offer (directory) editors: one list for the whole directory,
    since the public search is one. Anyone else: none (their pages are a 403 before this)."""
    if not is_directory_editor(user):
        return Synonym.objects.none()
    return Synonym.objects.all()


@access_rule
def get_synonym_for_editor(user: Any, public_id: uuid.UUID | str) -> Synonym:
    """A synonym group a directory editor may change; 404 otherwise."""
    try:
        return synonyms_for_editor(user).get(public_id=public_id)
    except (Synonym.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such synonym group") from None


@access_rule
def zero_result_searches_for_editor(user: Any) -> QuerySet[ZeroResultSearch]:
    """Searches that found nothing (words only, nothing personal), for directory editors."""
    if not is_directory_editor(user):
        return ZeroResultSearch.objects.none()
    return ZeroResultSearch.objects.all()


@access_rule
def synonym_changes_for_editor(user: Any) -> QuerySet[Any]:
    """Every change to the synonym groups (deleted groups included), for directory editors."""
    if not is_directory_editor(user):
        return Synonym.history.none()
    return Synonym.history.all()

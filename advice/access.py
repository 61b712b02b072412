"""Who may see and act on EHC advice casework: the one access module of the advice app.

Views fetch every record here and decide nothing themselves. Outside reach is Http404, so a stranger
learns nothing (not even that the record exists). Lists use `AdviceRequest.objects.visible_to(user)`
and `Assignment.objects.visible_to(user)` (advice/models.py), which follow the same rules.

The parties to a request, from `accounts.access.reach_for`:

- "la": the caseworkers of the requesting local authority;
- "dco": the DCO service whose areas include that local authority;
- "team": the provider teams it was assigned to (a trust-level membership covers the trust's teams).

`acting_as` narrows a fetch to the parties that may use a page: a DCO-only page passes
`acting_as=("dco",)`, and anyone else who may merely read the record gets a 404 there too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import access_rule, reach_for
from accounts.models import ApiToken, Organisation, Role, RoleGroup, User
from advice.models import AdviceDraft, AdviceRequest, Assignment, Attachment, HealthAdvice
from audit import trail
from children.models import ChildOrYoungPerson

Party = Literal["la", "dco", "team"]
ASSIGNMENT_CHILD = "advice_request__child__public_id"  # for the access log's refusals (audit.trail)


def _out_of_reach(what: str) -> Http404:
    return Http404(f"No such {what}")


# --- pages without a record: who may open them at all ------------------------------------------------


@access_rule
def require_party(user: Any, party: Party) -> None:
    """404 unless the user acts for at least one organisation of this party (a list page's gate)."""
    reach = reach_for(user)
    ids = {"la": reach.la_ids, "dco": reach.dco_area_ids, "team": reach.team_ids}[party]
    if not ids:
        raise Http404


def is_la_for(user: Any, local_authority_id: int) -> bool:
    return local_authority_id in reach_for(user).la_ids


def is_dco_for(user: Any, advice_request: AdviceRequest) -> bool:
    return advice_request.local_authority_id in reach_for(user).dco_area_ids


def is_team_member(user: Any, assignment: Assignment) -> bool:
    return assignment.team_id in reach_for(user).team_ids


def is_team_manager(user: Any, assignment: Assignment) -> bool:
    """A manager of the assignment's team (or of its trust, which covers the trust's teams)."""
    if not getattr(user, "is_authenticated", False):
        return False
    team = assignment.team
    return user.memberships.filter(
        is_active=True,
        role=Role.PROVIDER_TEAM_MANAGER,
        organisation_id__in=[pk for pk in (team.pk, team.parent_id) if pk],
    ).exists()


def may_see_draft(user: Any, draft: AdviceDraft) -> bool:
    """A draft is its author's and the team managers' (nobody else, the DCO included: only submitted
    advice goes to the quality check)."""
    if not is_team_member(user, draft.assignment):
        return False
    return draft.created_by_id == getattr(user, "pk", None) or is_team_manager(user, draft.assignment)


def request_parties(user: Any, advice_request: AdviceRequest) -> set[Party]:
    """Which parties to this request the user acts for ("team" when any of its teams is theirs)."""
    reach = reach_for(user)
    parties: set[Party] = set()
    if advice_request.local_authority_id in reach.la_ids:
        parties.add("la")
    if advice_request.local_authority_id in reach.dco_area_ids:
        parties.add("dco")
    if reach.team_ids and advice_request.assignments.filter(team_id__in=reach.team_ids).exists():
        parties.add("team")
    return parties


def assignment_parties(user: Any, assignment: Assignment) -> set[Party]:
    """Which parties to this assignment the user acts for: its team, the area's DCO, the LA."""
    reach = reach_for(user)
    parties: set[Party] = set()
    if assignment.local_authority_id in reach.la_ids:
        parties.add("la")
    if assignment.local_authority_id in reach.dco_area_ids:
        parties.add("dco")
    if assignment.team_id in reach.team_ids:
        parties.add("team")
    return parties


# --- one record -------------------------------------------------------------------------------------


@access_rule
def get_advice_request_for_user(
    user: Any, public_id: Any, write: bool = False, *, acting_as: Iterable[Party] | None = None
) -> AdviceRequest:
    """The advice request if `user` may see it, else Http404.

    Read: the requesting LA's caseworkers; the provider teams it is assigned to; the DCO service whose
    areas include the LA. Write (change the request itself: triage, cancel): the LA's caseworkers and
    the DCO service. Teams act on their own assignment through `get_assignment_for_user`.
    `acting_as` further limits it to those parties.
    """
    try:
        advice_request = (
            AdviceRequest.objects.visible_to(user)
            .select_related("child", "local_authority", "assessment")
            .get(public_id=public_id)
        )
    except (AdviceRequest.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("advice.AdviceRequest", public_id, child_path="child__public_id")
        raise _out_of_reach("advice request") from exc
    if write or acting_as is not None:
        allowed: set[Party] = {"la", "dco"} if write else {"la", "dco", "team"}
        if acting_as is not None:
            allowed &= set(acting_as)
        if not (request_parties(user, advice_request) & allowed):
            trail.refused("advice.AdviceRequest", public_id, child_path="child__public_id")
            raise _out_of_reach("advice request")
    trail.shown(advice_request, advice_request.child)
    return advice_request


@access_rule
def get_assignment_for_user(
    user: Any, public_id: Any, write: bool = False, *, acting_as: Iterable[Party] | None = None
) -> Assignment:
    """The assignment if `user` may see it, else Http404.

    Read: the team itself, the requesting LA and the area's DCO service. Write: the team's clinicians
    and managers, and the DCO service (quality check, exceptions). The LA only reads.
    `acting_as` further limits it to those parties.
    """
    try:
        assignment = (
            Assignment.objects.visible_to(user)
            .select_related(
                "advice_request", "advice_request__child", "advice_request__local_authority", "team"
            )
            .get(public_id=public_id)
        )
    except (Assignment.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("advice.Assignment", public_id, child_path=ASSIGNMENT_CHILD)
        raise _out_of_reach("assignment") from exc
    if write or acting_as is not None:
        allowed: set[Party] = {"team", "dco"} if write else {"la", "dco", "team"}
        if acting_as is not None:
            allowed &= set(acting_as)
        if not (assignment_parties(user, assignment) & allowed):
            trail.refused("advice.Assignment", public_id, child_path=ASSIGNMENT_CHILD)
            raise _out_of_reach("assignment")
    trail.shown(assignment, assignment.advice_request.child)
    return assignment


def shows_advice(user: Any, assignment: Assignment) -> bool:
    """Whether the user may read the team's advice (and its files): the team and the area's DCO
    service always; the requesting LA only once the DCO has released it."""
    return bool(assignment_parties(user, assignment) & {"team", "dco"}) or (
        assignment.status == Assignment.Status.RELEASED
    )


@access_rule
def get_attachment_for_user(user: Any, public_id: Any) -> tuple[Attachment, ChildOrYoungPerson]:
    """A file and the child it is about, if `user` may download it, else Http404.

    A request's files: whoever may see the request (the LA, the area's DCO service, teams it was sent
    to). An advice file: the team and the DCO service, and the LA once that advice is released.
    """
    try:
        attachment = Attachment.objects.only("pk", "advice_request_id", "advice_id").get(public_id=public_id)
    except (Attachment.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("advice.Attachment", public_id)
        raise _out_of_reach("file") from exc
    if attachment.advice_request_id:
        owner = AdviceRequest.objects.only("public_id").get(pk=attachment.advice_request_id)
        child = get_advice_request_for_user(user, owner.public_id).child
    else:
        if attachment.advice_id is None:  # the database's check constraint makes this impossible
            raise _out_of_reach("file")
        advice = HealthAdvice.objects.select_related("assignment").get(pk=attachment.advice_id)
        assignment = get_assignment_for_user(user, advice.assignment.public_id)
        if not shows_advice(user, assignment):
            trail.refused("advice.Attachment", public_id, child_path=f"advice__{ASSIGNMENT_CHILD}")
            raise _out_of_reach("file")
        child = assignment.advice_request.child
    return Attachment.objects.get(pk=attachment.pk), child


# --- the LA API -------------------------------------------------------------------------------------


@access_rule
def requests_for_token(token: ApiToken) -> QuerySet[AdviceRequest]:
    """The requests an LA's API token reaches: its own LA's, and no other (a token acts for one LA)."""
    return AdviceRequest.objects.filter(local_authority_id=token.organisation_id)


# --- who may approve a reg 8(2) exception -------------------------------------------------------------


def exception_approvers(assignment: Assignment) -> QuerySet[User]:
    """Who may approve a reg 8(2) exception on this assignment: the DCOs of the request's area and the
    team's managers (active people in active memberships)."""
    dco_services = Organisation.objects.filter(
        kind=Organisation.Kind.DCO_SERVICE, areas=assignment.local_authority_id
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__organisation__in=dco_services,
                memberships__role__in=RoleGroup.DCO,
                memberships__is_active=True,
            )
            | Q(
                memberships__organisation_id=assignment.team_id,
                memberships__role=Role.PROVIDER_TEAM_MANAGER,
                memberships__is_active=True,
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def may_approve_exception(approver: Any, assignment: Assignment) -> bool:
    pk = getattr(approver, "pk", None)
    return pk is not None and exception_approvers(assignment).filter(pk=pk).exists()

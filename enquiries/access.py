"""Who may see and act on enquiries: the one access module of `enquiries`.

Views fetch every enquiry here and decide nothing themselves; outside reach is Http404. Lists use
`Enquiry.objects.visible_to(user)` (enquiries/models.py):

- the DCO service that received it (its DCOs and DCO administrators): everything, and every action;
- a provider team it is assigned to (clinicians and managers): reading it and recording contacts.

The person who asked has no account: they see only the public status page, found with the reference
and their e-mail address together (enquiries.services.public_status).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.access import access_rule, reach_for
from audit import trail
from enquiries.models import Enquiry


@access_rule
def require_dco(user: Any) -> None:
    """404 unless the user works in a DCO service (logging enquiries, the dashboard)."""
    if not reach_for(user).dco_service_ids:
        raise Http404


@access_rule
def require_enquiry_party(user: Any) -> None:
    """404 unless the user works in a DCO service or a provider team (the list page's gate)."""
    reach = reach_for(user)
    if not (reach.dco_service_ids or reach.team_ids):
        raise Http404


@access_rule
def get_enquiry_for_user(user: Any, public_id: Any, *, dco_only: bool = False) -> Enquiry:
    """The enquiry if `user` may see it, else Http404; with `dco_only`, only for the DCO service that
    received it (the triage, assignment, linking, outcome, closing and reopening pages)."""
    try:
        enquiry = (
            Enquiry.objects.visible_to(user)
            .select_related("child", "dco_service", "local_authority", "assigned_to", "assigned_team")
            .get(public_id=public_id)
        )
    except (Enquiry.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("enquiries.Enquiry", public_id, child_path="child__public_id")
        raise Http404("No such enquiry") from exc
    if dco_only and enquiry.dco_service_id not in reach_for(user).dco_service_ids:
        trail.refused("enquiries.Enquiry", public_id, child_path="child__public_id")
        raise Http404("No such enquiry")
    if enquiry.child is not None:
        trail.shown(enquiry, enquiry.child)
    return enquiry


def open_count(user: Any) -> int | None:
    """How many open enquiries wait for this person's DCO service (the header's count). Not an access
    rule: the header counts on every page, and a count is no access check for the page under it."""
    reach = reach_for(user)
    if not reach.dco_service_ids:
        return None
    return Enquiry.objects.filter(dco_service_id__in=reach.dco_service_ids).open().count()


def is_receiving_dco(user: Any, enquiry: Enquiry) -> bool:
    """Whether `user` works in the DCO service that received the enquiry (its actions are offered)."""
    return enquiry.dco_service_id in reach_for(user).dco_service_ids


def works_in_dco(user: Any) -> bool:
    return bool(reach_for(user).dco_service_ids)


@access_rule
def areas_for_logging(user: Any) -> Any:
    """The local authorities whose enquiries this DCO's services log (their areas); 404 for others."""
    from accounts.models import Organisation

    require_dco(user)
    return Organisation.objects.filter(
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        is_active=True,
        dco_services__in=reach_for(user).dco_service_ids,
    ).distinct()

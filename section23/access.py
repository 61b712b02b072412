"""Who may see and act on section 23 notifications and concerns: the one access module of section23.

Views fetch every record here and decide nothing themselves; outside reach is Http404. Lists use
`Notification.objects.visible_to(user)` and `Concern.objects.visible_to(user)` (section23/models.py).

The parties to a notification, from `accounts.access.reach_for`:

- "notifier": the team that made it (a trust-level membership covers the trust's teams), or the DCO
  service that made it for the ICB;
- "la": the caseworkers (SEN team) of the local authority it was sent to, once sent;
- "dco": the DCO service whose areas include that local authority, once sent.

Who may notify (CFA 2014 s23(1): an NHS trust, NHS foundation trust or integrated care board): the
clinicians and managers of a provider trust's teams (`Organisation.Kind.PROVIDER_TRUST` is an NHS trust
or foundation trust), and a DCO service for its ICB. A GP practice or independent provider
(`RoleGroup.CONCERNS`) raises a concern with the DCO service instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import access_rule, reach_for
from accounts.models import ApiToken, Organisation, RoleGroup
from audit import trail
from children.models import ChildOrYoungPerson
from section23.models import Attachment, Concern, Notification

Party = Literal["notifier", "la", "dco"]
ConcernParty = Literal["raiser", "dco"]


def notifying_for(user: Any) -> list[Organisation]:
    """The organisations `user` may notify through: their trusts' teams and their DCO services (for
    the ICB above each), by name."""
    reach = reach_for(user)
    teams = Organisation.objects.filter(
        pk__in=reach.team_ids, parent__kind=Organisation.Kind.PROVIDER_TRUST, is_active=True
    )
    services = Organisation.objects.filter(
        pk__in=reach.dco_service_ids, parent__kind=Organisation.Kind.INTEGRATED_CARE_BOARD, is_active=True
    )
    return sorted([*teams.select_related("parent"), *services.select_related("parent")], key=lambda o: o.name)


def concern_organisations(user: Any) -> list[Organisation]:
    """The GP practices and independent providers `user` raises concerns for."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        user.organisations_with_role(*RoleGroup.CONCERNS).filter(
            kind__in=[Organisation.Kind.GP_PRACTICE, Organisation.Kind.SERVICE_PROVIDER]
        )
    )


@access_rule
def require_notifier(user: Any) -> list[Organisation]:
    """404 unless the user may notify for at least one team or DCO service; those organisations."""
    found = notifying_for(user)
    if not found:
        raise Http404
    return found


@access_rule
def require_party(user: Any, party: Party) -> None:
    """404 unless the user acts for at least one organisation of this party (a list page's gate)."""
    reach = reach_for(user)
    ids = {
        "la": reach.la_ids,
        "dco": reach.dco_area_ids,
        "notifier": reach.team_ids | reach.dco_service_ids,
    }[party]
    if not ids:
        raise Http404


@access_rule
def require_concern_raiser(user: Any) -> list[Organisation]:
    found = concern_organisations(user)
    if not found:
        raise Http404
    return found


def notification_parties(user: Any, notification: Notification) -> set[Party]:
    reach = reach_for(user)
    parties: set[Party] = set()
    if notification.team_id in reach.team_ids or notification.dco_service_id in reach.dco_service_ids:
        parties.add("notifier")
    if not notification.is_draft:
        if notification.local_authority_id in reach.la_ids:
            parties.add("la")
        if notification.local_authority_id in reach.dco_area_ids:
            parties.add("dco")
    return parties


@access_rule
def get_notification_for_user(
    user: Any, public_id: Any, *, acting_as: Iterable[Party] | None = None
) -> Notification:
    """The notification if `user` may see it (see `NotificationQuerySet.visible_to`), else Http404.
    `acting_as` limits it to those parties (the LA's acknowledgement page: `acting_as=("la",)`)."""
    try:
        notification = (
            Notification.objects.visible_to(user)
            .select_related("child", "local_authority", "notifying_body", "team", "dco_service")
            .get(public_id=public_id)
        )
    except (Notification.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("section23.Notification", public_id, child_path="child__public_id")
        raise Http404("No such notification") from exc
    if acting_as is not None and not (notification_parties(user, notification) & set(acting_as)):
        trail.refused("section23.Notification", public_id, child_path="child__public_id")
        raise Http404("No such notification")
    trail.shown(notification, notification.child)
    return notification


def may_see_notification(user: Any, notification: Notification) -> bool:
    """Whether `user` may open the notification (`NotificationQuerySet.visible_to`): whether another
    page shows its reference as a link."""
    return Notification.objects.visible_to(user).filter(pk=notification.pk).exists()


@access_rule
def get_attachment_for_user(user: Any, public_id: Any) -> tuple[Attachment, ChildOrYoungPerson]:
    """A notification's file and its child, for whoever may see the notification; else Http404."""
    try:
        attachment = Attachment.objects.select_related("notification").get(public_id=public_id)
    except (Attachment.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("section23.Attachment", public_id, child_path="notification__child__public_id")
        raise Http404("No such file") from exc
    notification = get_notification_for_user(user, attachment.notification.public_id)
    return attachment, notification.child


def concern_parties(user: Any, concern: Concern) -> set[ConcernParty]:
    parties: set[ConcernParty] = set()
    if concern.dco_service_id in reach_for(user).dco_service_ids:
        parties.add("dco")
    if concern.raised_by_organisation_id in {o.pk for o in concern_organisations(user)}:
        parties.add("raiser")
    return parties


@access_rule
def get_concern_for_user(
    user: Any, public_id: Any, *, acting_as: Iterable[ConcernParty] | None = None
) -> Concern:
    """The concern if `user` raised it (their organisation did) or is the DCO service it was raised with."""
    try:
        concern = (
            Concern.objects.visible_to(user)
            .select_related("child", "local_authority", "dco_service", "raised_by_organisation", "team")
            .get(public_id=public_id)
        )
    except (Concern.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("section23.Concern", public_id, child_path="child__public_id")
        raise Http404("No such concern") from exc
    if acting_as is not None and not (concern_parties(user, concern) & set(acting_as)):
        trail.refused("section23.Concern", public_id, child_path="child__public_id")
        raise Http404("No such concern")
    trail.shown(concern, concern.child)
    return concern


@access_rule
def notifications_for_token(token: ApiToken) -> QuerySet[Notification]:
    """What an LA's API token reaches: the notifications sent to its own LA (never drafts)."""
    return Notification.objects.sent().filter(local_authority_id=token.organisation_id)


@access_rule
def require_any_party(user: Any) -> None:
    """404 unless the user notifies, receives or oversees notifications (the list page's gate)."""
    reach = reach_for(user)
    if not (reach.team_ids or reach.dco_service_ids or reach.la_ids):
        raise Http404


@access_rule
def require_concern_party(user: Any) -> None:
    """404 unless the user raises concerns or is a DCO service that receives them."""
    if not (concern_organisations(user) or reach_for(user).dco_service_ids):
        raise Http404


def local_authorities() -> QuerySet[Organisation]:
    """Where a child may live: every active local authority (a notification may go to any of them)."""
    return Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY, is_active=True).order_by(
        "name"
    )

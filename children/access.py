"""Who may see and change a child's record: the one access module of the children app.

Lists use `ChildOrYoungPerson.objects.visible_to(user)` (children/models.py), which follows the same
rule; one record comes from `get_child_for_user`. Outside reach is Http404, so a stranger learns
nothing, not even that the child has a record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.access import access_rule, reach_for
from audit import trail
from children.models import ChildOrYoungPerson, PossibleDuplicate

if TYPE_CHECKING:
    from accounts.models import User


@access_rule
def get_child_for_user(user: User | Any, public_id: Any, write: bool = False) -> ChildOrYoungPerson:
    """The child if `user` may see it (and, with write=True, change it), else Http404.

    Read: see `ChildOrYoungPerson.objects.visible_to`. Write: the caseworkers of its LA, and the DCO
    service of its LA's area. Nobody else: a system administrator does not read children's records.
    The access log records it (audit.trail) when the page is shown.
    """
    try:
        child = (
            ChildOrYoungPerson.objects.visible_to(user)
            .select_related("local_authority", "school")
            .get(public_id=public_id)
        )
    except (ChildOrYoungPerson.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("children.ChildOrYoungPerson", public_id, child_path="public_id")
        raise Http404("No such child or young person") from exc
    if write and not can_change_child(user, child):
        trail.refused("children.ChildOrYoungPerson", public_id, child_path="public_id")
        raise Http404("No such child or young person")
    trail.shown(child, child)
    return child


def can_change_child(user: User | Any, child: ChildOrYoungPerson) -> bool:
    """The caseworkers of the child's LA and the DCO service whose areas include it."""
    reach = reach_for(user)
    return child.local_authority_id in (reach.la_ids | reach.dco_area_ids)


@access_rule
def get_possible_duplicate_for_user(user: User | Any, public_id: Any) -> PossibleDuplicate:
    """A possible duplicate the user's DCO service resolves (the LA that sent the details is in its
    areas), else Http404. The LA itself, provider teams and system administrators: 404."""
    try:
        duplicate = (
            PossibleDuplicate.objects.visible_to(user)
            .select_related("new_record__local_authority", "existing__local_authority", "local_authority")
            .get(public_id=public_id)
        )
    except (PossibleDuplicate.DoesNotExist, ValidationError, ValueError) as exc:
        trail.refused("children.PossibleDuplicate", public_id, child_path="existing__public_id")
        raise Http404("No such check") from exc
    trail.shown(duplicate, duplicate.new_record)
    trail.shown(duplicate, duplicate.existing)
    return duplicate


def record_kept_for_user(user: User | Any, public_id: Any) -> ChildOrYoungPerson | None:
    """For a record the DCO service merged into another (ADR 0013): the record kept, if `user` may see
    it, so old links lead there; else None."""
    kept = (
        ChildOrYoungPerson.objects.filter(public_id=public_id, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    if kept is None:
        return None
    return ChildOrYoungPerson.objects.visible_to(user).filter(pk=kept).first()


@access_rule
def possible_duplicates_for_user(user: User | Any) -> Any:
    """The possible duplicates the user's DCO services resolve (an empty list is still a list), else
    Http404 for anyone who is not a DCO or DCO administrator."""
    if not reach_for(user).dco_area_ids:
        raise Http404("No such page")
    return PossibleDuplicate.objects.visible_to(user)

"""Who an e-mail to an organisation goes to: its shared mailbox, or its members in given roles."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from accounts.models import Membership, Organisation


def addresses_of(
    organisations: Iterable[Organisation], roles: Collection[str], *, shared_mailbox: bool = True
) -> list[str]:
    """Each organisation's shared mailbox (Organisation.email) if it has one and `shared_mailbox`,
    otherwise the active members with one of `roles`. Sorted, without repeats."""
    addresses: list[str] = []
    without_mailbox = []
    for organisation in organisations:
        if shared_mailbox and organisation.email:
            addresses.append(organisation.email)
        else:
            without_mailbox.append(organisation.pk)
    if without_mailbox:
        addresses += list(
            Membership.objects.filter(
                organisation_id__in=without_mailbox, role__in=roles, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    return sorted(set(addresses))

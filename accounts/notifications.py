"""Who an event's e-mail goes to, and how, honouring each organisation's and each person's preferences.

Two plain functions, used by every app that e-mails people about their work:

    from accounts.notifications import notify, recipients_for
    notify(
        event=NotificationEvent.ASSIGNMENT,
        to=recipients_for(NotificationEvent.ASSIGNMENT, [team], RoleGroup.PROVIDER),
        subject=..., body=...,
    )

- `recipients_for(event, organisations, roles)` says *whom*: for each organisation, its administrator's
  choice for the event (OrganisationNotification.SendTo; by default its shared mailbox if it has one,
  otherwise its active members with one of `roles`, as accounts.mailboxes.addresses_of), leaving out
  people who turned the event off.
- `notify(event, to, subject, body)` says *how*: an address whose person chose a daily digest for the
  event (or a shared mailbox whose organisation did) gets the e-mail held for the digest
  (accounts.tasks.send_daily_digests, once a day); the rest are sent at once (core.email.send_email);
  a person who turned the event off gets nothing. It can be given addresses chosen earlier (a reminder
  row's recipient) and still honours what the person chooses now.

E-mails carry a reference and a link, never a child's name or health details, and digests the same.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import (
    DigestItem,
    Membership,
    NotificationEvent,
    Organisation,
    OrganisationNotification,
    PersonalNotification,
    RoleGroup,
    User,
)
from audit.context import AuditContext
from audit.models import Action
from audit.services import record_access
from core.concurrency import require_version
from core.email import send_email

SendTo = OrganisationNotification.SendTo
Delivery = PersonalNotification.Delivery

# event -> the roles whose holders it may e-mail (for each person's own settings page) and the kinds of
# organisation it goes to (for the administrator's page).
EVENT_ROLES: dict[str, frozenset[str]] = {
    NotificationEvent.NEW_REQUEST: RoleGroup.DCO,
    NotificationEvent.TEAM_DECLINED: RoleGroup.DCO,
    NotificationEvent.ADVICE_SUBMITTED: RoleGroup.DCO,
    NotificationEvent.ASSIGNMENT: RoleGroup.PROVIDER,
    NotificationEvent.ADVICE_RETURNED: RoleGroup.PROVIDER,
    NotificationEvent.REQUEST_CANCELLED: RoleGroup.PROVIDER,
    NotificationEvent.ADVICE_RELEASED: RoleGroup.LA,
    NotificationEvent.REMINDER: RoleGroup.PROVIDER | RoleGroup.DCO,
    NotificationEvent.S23_NOTIFICATION: RoleGroup.LA,
    NotificationEvent.S23_OBJECTION: RoleGroup.DCO,
    # To whoever notified: a trust team or the DCO service notifying for the ICB.
    NotificationEvent.S23_RESPONSE: RoleGroup.PROVIDER | RoleGroup.DCO,
    NotificationEvent.S23_CONSIDER: RoleGroup.PROVIDER,
    NotificationEvent.S23_REMINDER: RoleGroup.LA | RoleGroup.DCO,
    NotificationEvent.CONCERN_RAISED: RoleGroup.DCO,
    NotificationEvent.CONCERN_DECIDED: RoleGroup.CONCERNS,
    NotificationEvent.NEW_ENQUIRY: RoleGroup.DCO,
    # To a provider team, or to a colleague in the DCO service by name.
    NotificationEvent.ENQUIRY_ASSIGNED: RoleGroup.PROVIDER | RoleGroup.DCO,
    NotificationEvent.ENQUIRY_REMINDER: RoleGroup.DCO,
}
EVENT_KINDS: dict[str, frozenset[str]] = {
    NotificationEvent.NEW_REQUEST: frozenset({Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.TEAM_DECLINED: frozenset({Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.ADVICE_SUBMITTED: frozenset({Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.ASSIGNMENT: frozenset({Organisation.Kind.PROVIDER_TEAM}),
    NotificationEvent.ADVICE_RETURNED: frozenset({Organisation.Kind.PROVIDER_TEAM}),
    NotificationEvent.REQUEST_CANCELLED: frozenset({Organisation.Kind.PROVIDER_TEAM}),
    NotificationEvent.ADVICE_RELEASED: frozenset({Organisation.Kind.LOCAL_AUTHORITY}),
    NotificationEvent.REMINDER: frozenset({Organisation.Kind.PROVIDER_TEAM, Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.S23_NOTIFICATION: frozenset({Organisation.Kind.LOCAL_AUTHORITY}),
    NotificationEvent.S23_OBJECTION: frozenset({Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.S23_RESPONSE: frozenset(
        {Organisation.Kind.PROVIDER_TEAM, Organisation.Kind.DCO_SERVICE}
    ),
    NotificationEvent.S23_CONSIDER: frozenset({Organisation.Kind.PROVIDER_TEAM}),
    NotificationEvent.S23_REMINDER: frozenset(
        {Organisation.Kind.LOCAL_AUTHORITY, Organisation.Kind.DCO_SERVICE}
    ),
    NotificationEvent.CONCERN_RAISED: frozenset({Organisation.Kind.DCO_SERVICE}),
    NotificationEvent.CONCERN_DECIDED: frozenset(
        {Organisation.Kind.GP_PRACTICE, Organisation.Kind.SERVICE_PROVIDER}
    ),
    NotificationEvent.NEW_ENQUIRY: frozenset({Organisation.Kind.DCO_SERVICE}),
    # A colleague in the DCO service is e-mailed by name, so only a team's administrator chooses.
    NotificationEvent.ENQUIRY_ASSIGNED: frozenset({Organisation.Kind.PROVIDER_TEAM}),
    NotificationEvent.ENQUIRY_REMINDER: frozenset({Organisation.Kind.DCO_SERVICE}),
}


def events_for_kind(kind: str) -> list[str]:
    """The events an organisation of this kind is e-mailed about, in the order of NotificationEvent."""
    return [event for event in NotificationEvent.values if kind in EVENT_KINDS[event]]


def events_for_person(user: User) -> list[str]:
    """The events this person's roles may e-mail them about."""
    roles = user.role_names()
    return [event for event in NotificationEvent.values if roles & set(EVENT_ROLES[event])]


def _switched_off(event: str) -> set[int]:
    return set(
        PersonalNotification.objects.filter(event=event, delivery=Delivery.OFF).values_list(
            "user_id", flat=True
        )
    )


def recipients_for(
    event: str,
    organisations: Iterable[Organisation],
    roles: Collection[str],
    *,
    shared_mailbox: bool = True,
) -> list[str]:
    """The addresses `event`'s e-mail goes to for these organisations: each organisation's shared mailbox
    and/or its active members with one of `roles`, as its administrator chose for the event (by default
    the mailbox if it has one, otherwise the people), without people who turned the event off. With
    `shared_mailbox=False`, people only (for example a team's managers). Sorted, without repeats."""
    organisations = list(organisations)
    chosen = {
        row.organisation_id: row.send_to
        for row in OrganisationNotification.objects.filter(event=event, organisation__in=organisations)
    }
    addresses: set[str] = set()
    people_of: list[int] = []
    for organisation in organisations:
        send_to = chosen.get(organisation.pk, SendTo.USUAL)
        if send_to == SendTo.NOBODY:
            continue
        mailbox = organisation.email if shared_mailbox else ""
        if mailbox and send_to in (SendTo.USUAL, SendTo.MAILBOX, SendTo.BOTH):
            addresses.add(mailbox)
        if send_to in (SendTo.PEOPLE, SendTo.BOTH) or not mailbox:
            people_of.append(organisation.pk)
    if people_of:
        off = _switched_off(event)
        addresses |= {
            email
            for user_id, email in Membership.objects.filter(
                organisation_id__in=people_of, role__in=roles, is_active=True, user__is_active=True
            ).values_list("user_id", "user__email")
            if user_id not in off
        }
    return sorted(addresses)


def _digest_and_off(event: str, addresses: list[str]) -> tuple[set[str], set[str]]:
    """Of these addresses (lower case): those to hold for the daily digest, and those to leave out."""
    lowered = {a.lower() for a in addresses}
    choices = (
        PersonalNotification.objects.annotate(address=Lower("user__email"))
        .filter(event=event, address__in=lowered, delivery__in=[Delivery.DIGEST, Delivery.OFF])
        .values_list("address", "delivery")
    )
    digest = {address for address, delivery in choices if delivery == Delivery.DIGEST}
    off = {address for address, delivery in choices if delivery == Delivery.OFF}
    mailboxes = (
        Organisation.objects.annotate(address=Lower("email"))
        .filter(
            address__in=lowered - digest - off,
            notification_settings__event=event,
            notification_settings__mailbox_digest=True,
        )
        .values_list("address", flat=True)
    )
    return digest | set(mailboxes), off


def notify(*, event: str, to: Iterable[str], subject: str, body: str) -> None:
    """Send `event`'s e-mail to `to`: at once to most, held for the daily digest of those who chose one,
    not at all to people who turned it off. Held e-mails are rows in the caller's transaction."""
    addresses = sorted({a.strip() for a in to if a and a.strip()})
    if not addresses:
        return
    digest, off = _digest_and_off(event, addresses)
    now: list[str] = []
    for address in addresses:
        if address.lower() in off:
            continue
        if address.lower() in digest:
            DigestItem.objects.create(address=address, event=event, subject=subject[:300], body=body)
        else:
            now.append(address)
    send_email(to=now, subject=subject, body=body)


# --- changing the preferences (accounts/views_notifications.py) -------------------------------------


def organisation_choices(organisation: Organisation) -> dict[str, tuple[str, bool]]:
    """event -> (send_to, mailbox_digest) for each event the organisation is e-mailed about."""
    rows = {r.event: r for r in OrganisationNotification.objects.filter(organisation=organisation)}
    return {
        event: (rows[event].send_to, rows[event].mailbox_digest) if event in rows else (SendTo.USUAL, False)
        for event in events_for_kind(organisation.kind)
    }


def personal_choices(user: User) -> dict[str, str]:
    """event -> delivery for each event the person's roles may e-mail them about."""
    rows = dict(PersonalNotification.objects.filter(user=user).values_list("event", "delivery"))
    return {event: rows.get(event, Delivery.EACH) for event in events_for_person(user)}


def set_organisation_notifications(
    *,
    user: User,
    context: AuditContext,
    organisation: Organisation,
    version: int,
    email: str,
    choices: dict[str, tuple[str, bool]],
) -> None:
    """The organisation's shared mailbox and, for each event, who gets it and whether the mailbox gets
    a daily digest instead."""
    with transaction.atomic():
        row = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require_version(row, version)
        before = organisation_choices(row)
        old_email = row.email
        row.email = email.strip()
        row.version += 1
        row.updated_at = timezone.now()
        row.save(update_fields=["email", "version", "updated_at"])
        changed = [] if old_email == row.email else [f"shared mailbox {old_email!r} -> {row.email!r}"]
        labels = dict(NotificationEvent.choices)
        for event, (send_to, digest) in choices.items():
            if event not in before:
                continue
            OrganisationNotification.objects.update_or_create(
                organisation=row, event=event, defaults={"send_to": send_to, "mailbox_digest": digest}
            )
            if before[event] != (send_to, digest):
                changed.append(
                    f"{labels[event]}: {SendTo(send_to).label}{' (daily digest)' if digest else ''}"
                )
        if changed:
            record_access(
                user=user,
                action=Action.ACCOUNT,
                obj=row,
                context=context,
                detail=f"Notification settings of {row.name} changed: " + "; ".join(changed),
            )


def set_personal_notifications(
    *, user: User, context: AuditContext, version: int, choices: dict[str, str]
) -> None:
    """How the person gets each event's e-mails: each time, in a daily digest, or not at all."""
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        require_version(row, version)
        before = personal_choices(row)
        User.objects.filter(pk=row.pk).update(version=row.version + 1, updated_at=timezone.now())
        user.version = row.version + 1
        labels = dict(NotificationEvent.choices)
        changed = []
        for event, delivery in choices.items():
            if event not in before:
                continue
            PersonalNotification.objects.update_or_create(
                user=row, event=event, defaults={"delivery": delivery}
            )
            if before[event] != delivery:
                changed.append(f"{labels[event]}: {Delivery(delivery).label}")
        if changed:
            record_access(
                user=user,
                action=Action.ACCOUNT,
                obj=row,
                context=context,
                detail=f"{row.email} changed their notification settings: " + "; ".join(changed),
            )

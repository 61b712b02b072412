"""Everything that changes an enquiry: plain functions taking (user, AuditContext), each in one
transaction with its involvement rows, reminders, history and access-log event, so nothing is half-saved.

Targets are counted in working days (casework.targets; England and Wales bank holidays): acknowledged
within ENQUIRY_ACKNOWLEDGE_WORKING_DAYS (default 3) and answered within ENQUIRY_RESPOND_WORKING_DAYS
(default 20) of the day it was received. Reminders go to the DCO service the working day before each
target and the working day after it is missed (casework.reminders), and stop when the step is done.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.access import dco_services_for, reach_for
from accounts.models import NotificationEvent as Event
from accounts.models import Organisation, RoleGroup, User
from accounts.notifications import notify, recipients_for
from audit.context import AuditContext
from audit.services import record_access
from casework import reminders
from casework.targets import due_after
from children.involvements import record_involvement
from children.models import ChildOrYoungPerson
from children.search import records_with_reference
from children.services import record_child
from core.concurrency import check_version, save_if_version
from core.email import send_email
from enquiries.models import (
    Channel,
    EnquirerRole,
    Enquiry,
    EnquiryContact,
    EnquiryEvent,
    Kind,
    Need,
    Outcome,
    ReplyBy,
    Theme,
)
from lib.calendar import is_working_day

REASON = "enquiry"
REASON_LABEL = "Enquiry to the DCO service (single point of contact)"
ACKNOWLEDGE_DUE, ACKNOWLEDGE_OVERDUE = "acknowledge_due", "acknowledge_overdue"
RESPOND_DUE, RESPOND_OVERDUE = "respond_due", "respond_overdue"

# Field limits, the same on the public form, the staff form and here.
LIMITS = {
    "enquirer_name": 200,
    "relationship": 200,
    "organisation_name": 200,
    "email": 254,
    "phone": 30,
    "language": 60,
    "other_adjustments": 500,
    "child_name": 200,
    "service_name": 200,
    "details": 5000,
    "tried": 3000,
}


class InvalidTransition(Exception):
    """The enquiry is not in a state where this can be done (shown to the person as it is)."""


def acknowledge_working_days() -> int:
    return int(getattr(settings, "ENQUIRY_ACKNOWLEDGE_WORKING_DAYS", 3))


def respond_working_days() -> int:
    return int(getattr(settings, "ENQUIRY_RESPOND_WORKING_DAYS", 20))


def link(public_id: Any) -> str:
    return f"{settings.SITE_URL}{reverse('enquiries:detail', args=[public_id])}"


def _dco_addresses(enquiry: Enquiry, event: str) -> list[str]:
    """Who in the enquiry's DCO service gets `event`'s e-mail, as the service and each person chose."""
    return recipients_for(event, [enquiry.dco_service], RoleGroup.DCO)


def _history(enquiry: Enquiry, user: Any, text: str) -> None:
    EnquiryEvent.objects.create(
        enquiry=enquiry, text=text[:500], by=user if getattr(user, "is_authenticated", False) else None
    )


# What each check says, to the person on the public form and to staff logging an enquiry for someone.
MESSAGES = {
    "enquirer_role": ("Choose who you are", "Choose who is asking"),
    "enquirer_name": ("Enter your name", "Enter their name"),
    "relationship": (
        "Enter your relationship to the child or young person",
        "Enter their relationship to the child or young person",
    ),
    "reply_by": (
        "Choose how we should reply: e-mail or phone",
        "Choose how we should reply to them: e-mail or phone",
    ),
    "email": (
        "Enter your e-mail address, so we can reply by e-mail",
        "Enter their e-mail address, so we can reply by e-mail",
    ),
    "phone": (
        "Enter your phone number, so we can reply by phone",
        "Enter their phone number, so we can reply by phone",
    ),
    "language": (
        "Enter the language you need an interpreter for",
        "Enter the language they need an interpreter for",
    ),
    "service_name": (
        "Enter the service or organisation your enquiry is about",
        "Enter the service or organisation the enquiry is about",
    ),
    "theme": ("Choose what your enquiry is about", "Choose what the enquiry is about"),
    "details": (
        "Tell us what your enquiry is about (at least 10 characters)",
        "Enter what the enquiry is about (at least 10 characters)",
    ),
}


def clean_details(data: Mapping[str, Any], *, staff: bool = False) -> dict[str, Any]:
    """The enquiry's details checked together: every error at once, by field, in the form's words (the
    person's own on the public form, about them when `staff` log it for them)."""
    clean: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors: dict[str, str] = {}

    def say(field: str) -> str:
        return MESSAGES[field][1 if staff else 0]

    def choose(field: str, choices: Any, message: str) -> None:
        if clean.get(field) not in choices.values:
            errors[field] = message

    choose("enquirer_role", EnquirerRole, say("enquirer_role"))
    if not clean.get("enquirer_name"):
        errors["enquirer_name"] = say("enquirer_name")
    role = clean.get("enquirer_role")
    if role in {EnquirerRole.PARENT, EnquirerRole.CARER, EnquirerRole.PROFESSIONAL} and not clean.get(
        "relationship"
    ):
        errors["relationship"] = say("relationship")
    choose("reply_by", ReplyBy, say("reply_by"))
    if clean.get("reply_by") == ReplyBy.EMAIL and not clean.get("email"):
        errors["email"] = say("email")
    if clean.get("reply_by") == ReplyBy.PHONE and not clean.get("phone"):
        errors["phone"] = say("phone")
    phone = clean.get("phone") or ""
    if phone and (sum(c.isdigit() for c in phone) < 10 or any(c not in "0123456789 +()-" for c in phone)):
        errors["phone"] = "Enter a phone number, like 01632 960 001 or 07700 900 982"
    if clean.get("interpreter") and not clean.get("language"):
        errors["language"] = say("language")
    dob = clean.get("child_date_of_birth")
    if dob and dob > timezone.localdate():
        errors["child_date_of_birth"] = "The child's date of birth must be today or in the past"
    if not clean.get("service_name"):
        errors["service_name"] = say("service_name")
    choose("kind", Kind, "Choose whether this is a question or a concern")
    choose("theme", Theme, say("theme"))
    if clean.get("need", Need.NOT_SAID) not in Need.values:
        errors["need"] = "Choose the child's main need from the list"
    if len(clean.get("details") or "") < 10:
        errors["details"] = say("details")
    for field, limit in LIMITS.items():
        if len(clean.get(field) or "") > limit and field not in errors:
            errors[field] = f"Use {limit} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return clean


def dco_service_for(local_authority: Organisation) -> Organisation:
    found = (
        dco_services_for(local_authority.pk)
        if local_authority.kind == Organisation.Kind.LOCAL_AUTHORITY
        else []
    )
    if not found:
        raise ValidationError({"local_authority": "Choose the local authority area where the child lives"})
    return sorted(found, key=lambda o: o.pk)[0]


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The n-th working day before `day` (a reminder ahead of a target)."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _schedule_targets(enquiry: Enquiry, *, acknowledge: bool) -> None:
    to = _dco_addresses(enquiry, Event.ENQUIRY_REMINDER)
    round_ = f":{enquiry.reopen_count}" if enquiry.reopen_count else ""
    if acknowledge:
        reminders.schedule(
            record=enquiry,
            kind=ACKNOWLEDGE_DUE,
            recipients=to,
            due_at=reminders.at_start_of(working_days_before(enquiry.acknowledge_by, 1)),
        )
        reminders.schedule(
            record=enquiry,
            kind=ACKNOWLEDGE_OVERDUE,
            recipients=to,
            due_at=reminders.at_start_of(due_after(enquiry.acknowledge_by, 1)),
        )
    reminders.schedule(
        record=enquiry,
        kind=RESPOND_DUE + round_,
        recipients=to,
        due_at=reminders.at_start_of(working_days_before(enquiry.respond_by, 3)),
    )
    reminders.schedule(
        record=enquiry,
        kind=RESPOND_OVERDUE + round_,
        recipients=to,
        due_at=reminders.at_start_of(due_after(enquiry.respond_by, 1)),
    )


def check_enquiry(
    *,
    user: Any,
    local_authority: Organisation,
    details: Mapping[str, Any],
    channel: str = Channel.ONLINE,
    received_on: dt.date | None = None,
) -> tuple[dict[str, Any], Organisation, dt.date]:
    """Every check a new enquiry must pass, all at once (a ValidationError by field): its details
    (in staff's words unless it came through the public form), how and when it arrived, and the DCO
    service of the area. Returns the clean details, that DCO service and the day it was received. Staff
    may log enquiries only for their own DCO service (PermissionDenied)."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = "Choose how the enquiry arrived"
    signed_in = getattr(user, "is_authenticated", False)
    if channel != Channel.ONLINE and not signed_in:
        raise PermissionDenied("Only staff log enquiries that arrived another way.")
    if received_on is None and channel != Channel.ONLINE:
        errors["received_on"] = "Enter the date the enquiry was received"
    received_on = received_on or today
    if received_on > today or received_on < today - dt.timedelta(days=365):
        errors["received_on"] = "The date received must be today or within the last year"
    try:
        clean = clean_details(details, staff=channel != Channel.ONLINE)
    except ValidationError as exc:
        errors = {**{k: v[0] for k, v in exc.message_dict.items()}, **errors}
        clean = {}
    try:
        dco_service = dco_service_for(local_authority)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    if signed_in and dco_service.pk not in reach_for(user).dco_service_ids:
        raise PermissionDenied("Only the DCO service of the child's area logs its enquiries.")
    return clean, dco_service, received_on


@transaction.atomic
def submit_enquiry(
    *,
    user: Any,
    context: AuditContext,
    local_authority: Organisation,
    details: Mapping[str, Any],
    channel: str = Channel.ONLINE,
    received_on: dt.date | None = None,
    sent_quickly: int = 0,
) -> Enquiry:
    """A new enquiry, from the public form (`user` anonymous, channel online) or logged by the DCO
    service from a phone call, letter or e-mail. It gets its reference at once, targets in working days
    from the day received, reminders for the DCO service, and an acknowledgement e-mail to the person
    (when they gave an address). `sent_quickly`: the public form came back faster than a person could
    type it (a spam signal, noted in its history for the DCO service, never a refusal)."""
    clean, dco_service, received_on = check_enquiry(
        user=user, local_authority=local_authority, details=details, channel=channel, received_on=received_on
    )
    signed_in = getattr(user, "is_authenticated", False)
    fields = {k: clean.get(k) for k in (*LIMITS, "enquirer_role", "reply_by", "kind", "theme")}
    enquiry = Enquiry.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by SPC- and the id just below
        dco_service=dco_service,
        local_authority=local_authority,
        channel=channel,
        logged_by=user if signed_in else None,
        interpreter=bool(clean.get("interpreter")),
        easy_read=bool(clean.get("easy_read")),
        child_date_of_birth=clean.get("child_date_of_birth"),
        need=clean.get("need") or Need.NOT_SAID,
        urgent=bool(clean.get("urgent")),
        consent_to_share=bool(clean.get("consent_to_share")),
        received_on=received_on,
        acknowledge_by=due_after(received_on, acknowledge_working_days()),
        respond_by=due_after(received_on, respond_working_days()),
        **{k: v or "" for k, v in fields.items()},
    )
    enquiry.reference = f"SPC-{enquiry.pk:07d}"
    enquiry.save(update_fields=["reference"])
    _history(
        enquiry,
        user,
        f"Received ({enquiry.get_channel_display().lower()})"
        + (
            f", sent within {sent_quickly} seconds of opening the form: check it is not spam"
            if sent_quickly
            else ""
        ),
    )
    _schedule_targets(enquiry, acknowledge=True)
    record_access(
        user=user, action="create", obj=enquiry, context=context, detail=f"enquiry {enquiry.reference}"
    )
    if enquiry.email:
        send_email(
            to=[enquiry.email],
            subject=f"We have your enquiry {enquiry.reference}",
            body=(
                f"Thank you for contacting the {dco_service.name}.\n\n"
                f"Your reference is {enquiry.reference}. We will contact you by "
                f"{enquiry.acknowledge_by:%-d %B %Y} and aim to give you a full response by "
                f"{enquiry.respond_by:%-d %B %Y}.\n\n"
                "You can check its progress at any time with your reference and this e-mail address: "
                f"{settings.SITE_URL}{reverse('enquiries:status')}\n\n"
                "If a child is at immediate risk, call 999. For urgent medical help, call 111.\n"
            ),
        )
    notify(
        event=Event.NEW_ENQUIRY,
        to=_dco_addresses(enquiry, Event.NEW_ENQUIRY),
        subject=f"New enquiry {enquiry.reference}" + (" (urgent)" if enquiry.urgent else ""),
        body=f"A new enquiry has arrived for your DCO service.\n\n{link(enquiry.public_id)}\n",
    )
    return enquiry


def _require_dco(user: Any, enquiry: Enquiry) -> None:
    if enquiry.dco_service_id not in reach_for(user).dco_service_ids:
        raise PermissionDenied("Only the DCO service that received it can do this.")


def _require_open(enquiry: Enquiry) -> None:
    if enquiry.status == Enquiry.Status.CLOSED:
        raise InvalidTransition("This enquiry is closed. Reopen it first.")


def _change(
    enquiry: Enquiry, expected_version: int, *, user: Any, context: AuditContext, history: str, **fields: Any
) -> Enquiry:
    save_if_version(enquiry, expected_version, **fields)
    _history(enquiry, user, history)
    _update_involvements(enquiry)
    record_access(
        user=user, action="change", obj=enquiry, child=enquiry.child, context=context, detail=history[:200]
    )
    return enquiry


def _update_involvements(enquiry: Enquiry) -> None:
    """The DCO service (and the provider team it is assigned to) are involved with the linked child
    while the enquiry is open (ADR 0018), written in the same transaction as the change."""
    if enquiry.child_id is None:
        return
    ended = enquiry.closed_on if enquiry.status == Enquiry.Status.CLOSED else None
    assert enquiry.child is not None  # noqa: S101 - child_id is set
    record_involvement(
        child=enquiry.child,
        organisation_id=enquiry.dco_service_id,
        reason=REASON,
        record=enquiry,
        started_on=enquiry.received_on,
        ended_on=ended,
    )
    if enquiry.assigned_team_id:
        record_involvement(
            child=enquiry.child,
            organisation_id=enquiry.assigned_team_id,
            reason=REASON,
            record=enquiry,
            started_on=enquiry.received_on,
            ended_on=ended,
        )


@transaction.atomic
def acknowledge(
    *,
    user: Any,
    context: AuditContext,
    enquiry: Enquiry,
    expected_version: int,
    triage_note: str = "",
    need: str = "",
) -> Enquiry:
    """The DCO service triages the enquiry and acknowledges it (the person has been contacted)."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    if enquiry.status != Enquiry.Status.NEW:
        raise InvalidTransition("This enquiry has already been acknowledged.")
    if need and need not in Need.values:
        raise ValidationError({"need": "Choose the child's main need from the list"})
    reminders.cancel(record=enquiry, kinds=[ACKNOWLEDGE_DUE, ACKNOWLEDGE_OVERDUE])
    return _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history="Acknowledged and triaged",
        status=Enquiry.Status.ACKNOWLEDGED,
        acknowledged_on=timezone.localdate(),
        triage_note=triage_note.strip()[:5000],
        need=need or enquiry.need,
    )


def assignable_people(enquiry: Enquiry) -> list[User]:
    """The DCO service's own members (DCOs and DCO administrators), by name."""
    return list(
        User.objects.filter(
            memberships__organisation=enquiry.dco_service,
            memberships__role__in=RoleGroup.DCO,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def assignable_teams() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER_TEAM, is_active=True)
        .select_related("parent")
        .order_by("name")
    )


@transaction.atomic
def assign(
    *,
    user: Any,
    context: AuditContext,
    enquiry: Enquiry,
    expected_version: int,
    person: User | None = None,
    team: Organisation | None = None,
) -> Enquiry:
    """Give the enquiry to a colleague in the DCO service or to a provider team (who then see it)."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    _require_open(enquiry)
    if person is None and team is None:
        raise ValidationError({"person": "Choose a colleague or a provider team"})
    if person is not None and person.pk not in {p.pk for p in assignable_people(enquiry)}:
        raise ValidationError({"person": "Choose a colleague in your DCO service"})
    if team is not None and team.kind != Organisation.Kind.PROVIDER_TEAM:
        raise ValidationError({"team": "Choose a provider team"})
    if enquiry.status == Enquiry.Status.NEW:
        reminders.cancel(record=enquiry, kinds=[ACKNOWLEDGE_DUE, ACKNOWLEDGE_OVERDUE])
    who = ", ".join(x for x in [person.get_full_name() if person else "", team.name if team else ""] if x)
    changed = _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history=f"Assigned to {who}",
        status=Enquiry.Status.ASSIGNED,
        assigned_to=person,
        assigned_team=team,
        acknowledged_on=enquiry.acknowledged_on or timezone.localdate(),
    )
    if team is not None:
        notify(
            event=Event.ENQUIRY_ASSIGNED,
            to=recipients_for(Event.ENQUIRY_ASSIGNED, [team], RoleGroup.PROVIDER),
            subject=f"Enquiry {enquiry.reference} assigned to your team",
            body=f"The {enquiry.dco_service.name} has asked your team to help with an enquiry.\n\n{link(enquiry.public_id)}\n",
        )
    if person is not None and person.email and person.pk != getattr(user, "pk", None):
        notify(
            event=Event.ENQUIRY_ASSIGNED,
            to=[person.email],
            subject=f"Enquiry {enquiry.reference} assigned to you",
            body=f"An enquiry has been assigned to you.\n\n{link(enquiry.public_id)}\n",
        )
    return changed


@transaction.atomic
def record_contact(
    *,
    user: Any,
    context: AuditContext,
    enquiry: Enquiry,
    service_name: str,
    method: str,
    contacted_on: dt.date | None,
    summary: str,
) -> EnquiryContact:
    """A contact with a service about the enquiry, by the DCO service or the team it is assigned to.
    Adds to the record without changing the enquiry itself, so it needs no version."""
    reach = reach_for(user)
    if enquiry.dco_service_id not in reach.dco_service_ids and enquiry.assigned_team_id not in reach.team_ids:
        raise PermissionDenied("Only the DCO service or the assigned team records contacts.")
    _require_open(enquiry)
    errors: dict[str, str] = {}
    if not service_name.strip():
        errors["service_name"] = "Enter the service you contacted"
    if method not in EnquiryContact.Method.values:
        errors["method"] = "Choose how you contacted them"
    if contacted_on is None:
        errors["contacted_on"] = "Enter the date of the contact"
    elif contacted_on > timezone.localdate() or contacted_on < enquiry.received_on:
        errors["contacted_on"] = "The date must be between the day the enquiry arrived and today"
    if not summary.strip():
        errors["summary"] = "Enter what was said or agreed"
    if errors:
        raise ValidationError(errors)
    assert contacted_on is not None  # noqa: S101 - checked above
    contact = EnquiryContact.objects.create(
        enquiry=enquiry,
        service_name=service_name.strip()[:200],
        method=method,
        contacted_on=contacted_on,
        summary=summary.strip(),
        recorded_by=user,
    )
    _history(enquiry, user, f"Contact with {contact.service_name} recorded")
    record_access(
        user=user,
        action="change",
        obj=enquiry,
        child=enquiry.child,
        context=context,
        detail="contact recorded",
    )
    return contact


def _find_reference(user: Any, label: str, reference: str) -> bool:
    """Whether `user` can see the record of that model with that reference (advice requests and
    section 23 notifications are named by reference, not imported)."""
    try:
        model = apps.get_model(label)
    except LookupError:  # pragma: no cover - the app is not installed
        return False
    return bool(model.objects.visible_to(user).filter(reference__iexact=reference).exists())


def _child_of(user: Any, reference: str) -> ChildOrYoungPerson | None:
    """The child of the record `user` may see with this reference (children.search's registry of
    reference lookups, so no other app is named), or None."""
    if not reference:
        return None
    found = {hit.child_public_id for hit in records_with_reference(user, reference) if hit.child_public_id}
    if len(found) != 1:
        return None
    return ChildOrYoungPerson.objects.visible_to(user).filter(public_id=found.pop()).first()


@transaction.atomic
def link_records(
    *,
    user: Any,
    context: AuditContext,
    enquiry: Enquiry,
    expected_version: int,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    nhs_number: str = "",
    advice_reference: str = "",
    notification_reference: str = "",
) -> Enquiry:
    """Link the enquiry to the child's record (found or recorded through children.services.record_child,
    with the enquiry's LA) and to an advice request or section 23 notification by its reference. A
    record's child becomes the enquiry's child when none is linked; a record about another child is
    refused."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    errors: dict[str, str] = {}
    wants_child = bool(given_name.strip() or family_name.strip() or date_of_birth or nhs_number.strip())
    if wants_child:
        if not given_name.strip():
            errors["given_name"] = "Enter the child's first name"
        if not family_name.strip():
            errors["family_name"] = "Enter the child's last name"
        if date_of_birth is None:
            errors["date_of_birth"] = "Enter the child's date of birth"
    advice_reference = advice_reference.strip().upper()
    notification_reference = notification_reference.strip().upper()
    if advice_reference and not _find_reference(user, "advice.AdviceRequest", advice_reference):
        errors["advice_reference"] = "No advice request you can see has this reference"
    if notification_reference and not _find_reference(user, "section23.Notification", notification_reference):
        errors["notification_reference"] = "No section 23 notification you can see has this reference"
    if not (wants_child or advice_reference or notification_reference):
        errors["given_name"] = "Enter the child's details or a reference to link"
    if errors:
        raise ValidationError(errors)
    child = enquiry.child
    if wants_child and date_of_birth is not None:
        child, _ = record_child(
            user=user,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            nhs_number=nhs_number,
            local_authority=enquiry.local_authority,
            context=context,
        )
    for field, reference, what in [
        ("advice_reference", advice_reference, "advice request"),
        ("notification_reference", notification_reference, "notification"),
    ]:
        theirs = _child_of(user, reference)
        if theirs is None:
            continue
        if child is None:
            child = theirs  # the record's child is the enquiry's child
        elif child.pk != theirs.pk:
            errors[field] = f"This {what} is about another child: check the reference" + (
                " or the child's details" if wants_child else ""
            )
    if errors:
        raise ValidationError(errors)
    linked = [
        x
        for x in ["the child's record" if wants_child else "", advice_reference, notification_reference]
        if x
    ]
    return _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history="Linked to " + ", ".join(linked),
        child=child,
        advice_reference=advice_reference or enquiry.advice_reference,
        notification_reference=notification_reference or enquiry.notification_reference,
    )


@transaction.atomic
def record_outcome(
    *, user: Any, context: AuditContext, enquiry: Enquiry, expected_version: int, outcome: str, detail: str
) -> Enquiry:
    """What the DCO service did: answered, signposted, passed to a provider's complaints process, or
    escalated. The response targets' reminders stop."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    _require_open(enquiry)
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome"
    if not detail.strip():
        errors["outcome_detail"] = "Enter what you told the person, or where it was passed"
    if errors:
        raise ValidationError(errors)
    reminders.cancel(record=enquiry)
    today = timezone.localdate()
    return _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history=f"Outcome recorded: {Outcome(outcome).label}",
        status=Enquiry.Status.ANSWERED,
        outcome=outcome,
        outcome_detail=detail.strip(),
        responded_on=today,
        acknowledged_on=enquiry.acknowledged_on or today,
    )


@transaction.atomic
def close(*, user: Any, context: AuditContext, enquiry: Enquiry, expected_version: int) -> Enquiry:
    """Close an enquiry whose outcome is recorded. The involvements end today."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    if enquiry.status != Enquiry.Status.ANSWERED:
        raise InvalidTransition("Record the outcome before closing the enquiry.")
    reminders.cancel(record=enquiry)
    return _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history="Closed",
        status=Enquiry.Status.CLOSED,
        closed_on=timezone.localdate(),
    )


@transaction.atomic
def reopen(
    *, user: Any, context: AuditContext, enquiry: Enquiry, expected_version: int, reason: str
) -> Enquiry:
    """Reopen a closed enquiry, with the reason. A new full-response target runs from today."""
    _require_dco(user, enquiry)
    check_version(enquiry, expected_version)
    if enquiry.status != Enquiry.Status.CLOSED:
        raise InvalidTransition("Only a closed enquiry can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the enquiry is being reopened"})
    today = timezone.localdate()
    changed = _change(
        enquiry,
        expected_version,
        user=user,
        context=context,
        history=f"Reopened: {reason.strip()}",
        status=Enquiry.Status.REOPENED,
        reopen_count=enquiry.reopen_count + 1,
        reopen_reason=reason.strip(),
        closed_on=None,
        outcome="",
        responded_on=None,
        respond_by=due_after(today, respond_working_days()),
    )
    _schedule_targets(changed, acknowledge=False)
    return changed


def reference_links(user: Any, enquiry: Enquiry) -> dict[str, str]:
    """The addresses of the advice request and notification the enquiry is linked to, by reference,
    for those of them `user` may see (the others are shown as their reference only)."""
    links: dict[str, str] = {}
    for reference in (enquiry.advice_reference, enquiry.notification_reference):
        if reference and (hits := records_with_reference(user, reference)):
            links[reference] = hits[0].url
    return links


def public_status(reference: str, email: str) -> Enquiry | None:
    """The enquiry with this reference whose e-mail address is this one (case-insensitive), else None:
    the same None for a wrong reference and for a wrong address."""
    reference = reference.strip().upper()
    email = email.strip()
    if not reference or not email:
        return None
    return Enquiry.objects.filter(reference=reference, email__iexact=email).first()


def public_stage(enquiry: Enquiry) -> str:
    """What the person is told: the stage in plain words, nothing about staff or other people."""
    if enquiry.status == Enquiry.Status.NEW:
        return "Received: we have your enquiry and will contact you soon"
    if enquiry.status in {Enquiry.Status.ACKNOWLEDGED, Enquiry.Status.ASSIGNED, Enquiry.Status.REOPENED}:
        return "In progress: we are looking into your enquiry"
    if enquiry.status == Enquiry.Status.ANSWERED:
        return "Responded: we have sent you our response"
    return "Closed"

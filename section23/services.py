"""Every change to section 23 notifications and concerns, as named keyword-only functions.

Each takes the acting user (None when an LA's API token acts; the token is then in the context) and an
`audit.context.AuditContext`, runs in one transaction, writes its audit event and involvements in that
transaction, and queues e-mails on commit, to whom and how each organisation and person chose
(accounts.notifications). Functions that change an existing record take `expected_version` and check it
before the record's state (core.concurrency). Bad input raises ValidationError (by field, every mistake
at once); wrong-state calls raise InvalidTransition; wrong-role calls raise PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.access import dco_services_for, reach_for
from accounts.models import NotificationEvent as Event
from accounts.models import Organisation, RoleGroup
from accounts.notifications import notify, recipients_for
from audit.context import AuditContext
from audit.services import record_access
from casework import reminders, targets
from children import search as child_search
from children.models import ChildOrYoungPerson, ParentCarer
from children.services import record_child
from core.concurrency import check_version, save_if_version
from core.uploads import check_upload
from section23 import areas, rules
from section23.access import concern_organisations, notifying_for
from section23.involvements import record_concern_involvement, record_involvements
from section23.models import AreaOfNeed, Attachment, Concern, Notification, Profession

ACKNOWLEDGE_OVERDUE = "acknowledge_overdue"

# The notification's own fields that the notifier fills in (everything but the child, the LA and state).
DETAIL_FIELDS = (
    "professional_name",
    "profession",
    "registration_number",
    "parent_name",
    "parent_relationship",
    "parent_phone",
    "parent_email",
    "parent_address",
    "parent_language",
    "interpreter_needed",
    "opinion",
    "areas_of_need",
    "opinion_formed_on",
    "parent_told_on",
    "discussion",
    "discussion_on",
    "discussion_with",
    "parent_view",
    "parent_views",
    "voluntary_organisations",
    "no_voluntary_organisation",
    "referral_consent",
    "referral_consent_on",
    "referral_consent_detail",
)
TEXT_FIELDS = {
    "professional_name",
    "registration_number",
    "parent_name",
    "parent_phone",
    "parent_email",
    "parent_address",
    "parent_language",
    "opinion",
    "discussion_with",
    "parent_views",
    "voluntary_organisations",
    "referral_consent_detail",
}


# A choice that is not one of the options (a stale page, or the API), named by its field.
CHOICE_ERRORS = {
    "profession": "Select the profession of the person who formed the opinion from the list",
    "parent_relationship": "Select the relationship to the child from the list",
    "discussion": "Select whether a discussion with the parent was held or offered",
    "parent_view": "Select the parent's view from the list",
    "referral_consent": "Select whether consent to an onward referral was given",
}


class InvalidTransition(Exception):
    """The record is not in a state where this can happen (str() says why, in plain words)."""


def link(viewname: str, public_id: Any) -> str:
    return f"{settings.SITE_URL}{reverse(viewname, args=[public_id])}"


def acknowledge_working_days() -> int:
    return int(getattr(settings, "S23_ACKNOWLEDGE_WORKING_DAYS", 10))


def _clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """The detail fields given, trimmed, with their choices checked (every mistake at once)."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not notification fields: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in details.items():
        if name in TEXT_FIELDS:
            clean[name] = str(value or "").strip()
        else:
            clean[name] = value
    # A draft may leave each of these empty; sending needs some of them (rules.missing_steps).
    choices = {
        "profession": ["", *Profession.values],
        "parent_relationship": ["", *ParentCarer.Relationship.values],
        "discussion": ["", *Notification.Discussion.values],
        "parent_view": ["", *Notification.ParentView.values],
        "referral_consent": Notification.ReferralConsent.values,
    }
    for name, allowed in choices.items():
        if name in clean and (clean[name] or "") not in allowed:
            errors[name] = CHOICE_ERRORS[name]
    if "areas_of_need" in clean:
        areas = list(dict.fromkeys(clean["areas_of_need"] or []))
        if any(a not in AreaOfNeed.values for a in areas):
            errors["areas_of_need"] = "Choose areas of need from the list"
        clean["areas_of_need"] = areas
    for name in ("interpreter_needed", "no_voluntary_organisation"):
        if name in clean:
            clean[name] = bool(clean[name])
    today = timezone.localdate()
    for name in ("opinion_formed_on", "parent_told_on", "discussion_on", "referral_consent_on"):
        value = clean.get(name)
        if value is not None and value > today:
            errors[name] = "The date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    return clean


def _attach(notification: Notification, uploads: Sequence[Any], user: Any) -> None:
    for upload in uploads:
        checked = check_upload(upload)  # type by content, virus scan when configured
        Attachment.objects.create(
            notification=notification,
            file=upload,
            name=os.path.basename(checked.name)[:200],
            content_type=checked.content_type,
            size=getattr(upload, "size", 0) or 0,
            uploaded_by=user,
        )


def _age_errors(child_dob: dt.date, on: dt.date) -> dict[str, str]:
    check = rules.age_check(child_dob, on)
    return {} if check.eligible else {"date_of_birth": check.message}


@transaction.atomic
def create_notification(
    *,
    user: Any,
    context: AuditContext,
    acting_for: Organisation,
    local_authority: Organisation | None = None,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    nhs_number: str = "",
    child_postcode: str = "",
    details: Mapping[str, Any],
    attachments: Sequence[Any] = (),
    send: bool = False,
    concern: Concern | None = None,
) -> Notification:
    """A new notification by `acting_for` (a trust's team, or a DCO service for its ICB), as a draft,
    or sent at once (`send`) when every statutory step is recorded. The child must be under
    compulsory school age; the child's record is found or made through children.services. It goes to
    the LA where the child lives: the council for `child_postcode` when it is one of this deployment's,
    else the `local_authority` the notifier chose (section23.areas)."""
    if acting_for.pk not in {o.pk for o in notifying_for(user)}:
        raise PermissionDenied("Only an NHS trust's teams or the ICB's DCO service can notify.")
    today = timezone.localdate()
    local_authority, child_postcode, errors = areas.choose_local_authority(
        child_postcode=child_postcode, chosen=local_authority
    )
    if date_of_birth > today:
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    else:
        errors |= _age_errors(date_of_birth, today)
    try:
        clean = _clean_details(details)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
        clean = {}
    if send and clean:
        errors |= rules.missing_steps(clean, today=today)
    if errors or local_authority is None:
        raise ValidationError(errors)
    child, _ = record_child(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nhs_number=nhs_number,
        local_authority=local_authority,
        context=context,
    )
    is_team = acting_for.kind == Organisation.Kind.PROVIDER_TEAM
    body_id = acting_for.parent_id  # the trust above the team, or the ICB above the DCO service
    if body_id is None:
        raise PermissionDenied("Only an NHS trust's teams or the ICB's DCO service can notify.")
    notification = Notification.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        child=child,
        child_postcode=child_postcode[:10],
        local_authority=local_authority,
        notifying_body_id=body_id,
        team=acting_for if is_team else None,
        dco_service=None if is_team else acting_for,
        created_by=user,
        concern=concern,
        **clean,
    )
    notification.reference = f"S23-{notification.pk:06d}"
    notification.save(update_fields=["reference"])
    _attach(notification, attachments, user)
    record_access(user=user, action="create", obj=notification, child=child, context=context, detail="draft")
    if send:
        _send(notification, user=user, context=context, today=today)
    record_involvements(notification)
    return notification


@transaction.atomic
def update_draft(
    *,
    user: Any,
    context: AuditContext,
    notification: Notification,
    expected_version: int,
    details: Mapping[str, Any],
    attachments: Sequence[Any] = (),
    send: bool = False,
) -> Notification:
    """Change a draft (and send it, with `send`, once every statutory step is recorded)."""
    reach = reach_for(user)
    if (
        notification.team_id not in reach.team_ids
        and notification.dco_service_id not in reach.dco_service_ids
    ):
        raise PermissionDenied("Only the team or DCO service that drafted it can change it.")
    check_version(notification, expected_version)
    if not notification.is_draft:
        raise InvalidTransition("This notification has been sent: it can no longer be changed.")
    today = timezone.localdate()
    clean = _clean_details(details)
    errors: dict[str, str] = {}
    if send:
        merged = {name: getattr(notification, name) for name in DETAIL_FIELDS} | clean
        errors |= rules.missing_steps(merged, today=today)
        errors |= _age_errors(notification.child.date_of_birth, today)
    if errors:
        raise ValidationError(errors)
    save_if_version(notification, expected_version, **clean)
    _attach(notification, attachments, user)
    _record_change(notification, user=user, context=context)
    if send:
        _send(notification, user=user, context=context, today=today)
    record_involvements(notification)
    return notification


def _send(notification: Notification, *, user: Any, context: AuditContext, today: dt.date) -> None:
    """Send to the LA: the acknowledgement target in working days, the chase reminder, the e-mails."""
    acknowledge_by = targets.due_after(today, acknowledge_working_days())
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_on=today, sent_by=user, acknowledge_by=acknowledge_by
    )
    notification.status = Notification.Status.SENT
    notification.sent_on, notification.sent_by, notification.acknowledge_by = today, user, acknowledge_by
    la = notification.local_authority
    dco = dco_services_for(la.pk)
    _record_change(notification, user=user, context=context, detail="sent to the LA")
    reminders.schedule(
        record=notification,
        kind=ACKNOWLEDGE_OVERDUE,
        recipients=recipients_for(Event.S23_REMINDER, [la], RoleGroup.LA)
        + recipients_for(Event.S23_REMINDER, dco, RoleGroup.DCO),
        due_at=reminders.at_start_of(targets.due_after(acknowledge_by, 1)),
    )
    notify(
        event=Event.S23_NOTIFICATION,
        to=recipients_for(Event.S23_NOTIFICATION, [la], RoleGroup.LA),
        subject=f"New section 23 notification {notification.reference}",
        body=(
            "A health body has told you about a young child who may have special educational needs or a "
            "disability (Children and Families Act 2014, section 23).\n\n"
            f"Reference: {notification.reference}\nPlease acknowledge it by {acknowledge_by:%-d %B %Y}.\n\n"
            f"{link('section23:notification-detail', notification.public_id)}\n"
        ),
    )
    if notification.objection:
        notify(
            event=Event.S23_OBJECTION,
            to=recipients_for(Event.S23_OBJECTION, dco, RoleGroup.DCO),
            subject=f"Parent objection recorded on section 23 notification {notification.reference}",
            body=(
                "The parent disagreed with or objected to this notification. Their views are recorded; they "
                "do not stop the notification, but the DCO service should know.\n\n"
                f"{link('section23:notification-detail', notification.public_id)}\n"
            ),
        )


def _record_change(notification: Notification, *, user: Any, context: AuditContext, detail: str = "") -> None:
    """The access log's entry for a change to the notification, naming its child."""
    record_access(
        user=user, action="change", obj=notification, child=notification.child, context=context, detail=detail
    )


def _acts_for_la(user: Any, context: AuditContext, local_authority_id: int) -> bool:
    if user is not None:
        return local_authority_id in reach_for(user).la_ids
    token = context.token
    return token is not None and token.organisation_id == local_authority_id


def _tell_notifier(notification: Notification, subject: str, body: str) -> None:
    roles = RoleGroup.PROVIDER if notification.team_id else RoleGroup.DCO
    notify(
        event=Event.S23_RESPONSE,
        to=recipients_for(Event.S23_RESPONSE, [notification.notifier], roles),
        subject=subject,
        body=body + f"\n\n{link('section23:notification-detail', notification.public_id)}\n",
    )


@transaction.atomic
def acknowledge(
    *,
    user: Any,
    context: AuditContext,
    notification: Notification,
    expected_version: int,
    la_reference: str = "",
    acknowledged_on: dt.date | None = None,
    decision: str = "",
    decision_detail: str = "",
) -> Notification:
    """The LA's SEN team acknowledges the notification (its pages or its API token), optionally with
    its decision at the same time. The chase reminder stops; the notifier is told."""
    if not _acts_for_la(user, context, notification.local_authority_id):
        raise PermissionDenied("Only the local authority it was sent to can acknowledge it.")
    check_version(notification, expected_version)
    if notification.status != Notification.Status.SENT:
        raise InvalidTransition("This notification has already been acknowledged.")
    today = timezone.localdate()
    acknowledged_on = acknowledged_on or today
    errors: dict[str, str] = {}
    if acknowledged_on > today or (notification.sent_on and acknowledged_on < notification.sent_on):
        errors["acknowledged_on"] = "The date must be between the day it was sent and today"
    errors |= _decision_errors(decision, decision_detail, required=False)
    if errors:
        raise ValidationError(errors)
    fields: dict[str, Any] = {
        "status": Notification.Status.ACKNOWLEDGED,
        "acknowledged_on": acknowledged_on,
        "acknowledged_by": user,
        "acknowledged_via_api": context.via == "api",
        "la_reference": la_reference.strip()[:50] or notification.la_reference,
    }
    if decision:
        fields |= {
            "status": Notification.Status.DECIDED,
            "decision": decision,
            "decision_detail": decision_detail.strip(),
            "decided_on": today,
        }
    save_if_version(notification, expected_version, **fields)
    reminders.cancel(record=notification, kinds=[ACKNOWLEDGE_OVERDUE])
    record_involvements(notification)
    _record_change(
        notification,
        user=user,
        context=context,
        detail="acknowledged"
        + (f"; decision: {decision}" if decision else "")
        + (" via API" if context.via == "api" else ""),
    )
    _tell_notifier(
        notification,
        f"Section 23 notification {notification.reference} acknowledged",
        f"{notification.local_authority.name} has acknowledged notification {notification.reference}."
        + (f"\nTheir decision: {notification.get_decision_display()}." if decision else ""),
    )
    return notification


ADVICE = "advice"  # the advice app's reference lookup (children.search), named, never imported


def advice_requests_for(user: Any, notification: Notification) -> list[child_search.ReferenceHit]:
    """The notified child's advice requests (EHC needs assessments) that `user` may see."""
    return child_search.records_for_child(user, ADVICE, notification.child)


def linked_advice_request(user: Any, notification: Notification) -> child_search.ReferenceHit | None:
    """The advice request the notification is linked to, if `user` may see it (for a link)."""
    if not notification.advice_reference:
        return None
    found = child_search.find_by_reference(user, ADVICE, notification.advice_reference)
    return next(
        (
            hit
            for hit in found
            if hit.reference == notification.advice_reference
            and hit.child_public_id == notification.child.public_id
        ),
        None,
    )


@transaction.atomic
def link_advice_request(
    *, user: Any, context: AuditContext, notification: Notification, expected_version: int, reference: str
) -> Notification:
    """The LA links the notification to the advice request for the EHC needs assessment it went on to
    (issue 11: "to consider an EHC needs assessment, which then links to that casework"): one of the
    same child's requests that the LA may see, by its reference or the LA's own reference for it."""
    if not _acts_for_la(user, context, notification.local_authority_id):
        raise PermissionDenied("Only the local authority it was sent to can link it.")
    check_version(notification, expected_version)
    if notification.is_draft:
        raise InvalidTransition("A draft has not been sent to the local authority.")
    reference = " ".join(reference.split())
    if not reference:
        raise ValidationError({"reference": "Choose the advice request, or enter its reference"})
    found = [
        hit
        for hit in child_search.find_by_reference(user, ADVICE, reference)
        if hit.child_public_id == notification.child.public_id
    ]
    if not found:
        raise ValidationError(
            {
                "reference": f"No advice request for {notification.child.full_name} that you can see has this reference"
            }
        )
    save_if_version(notification, expected_version, advice_reference=found[0].reference)
    _record_change(
        notification, user=user, context=context, detail=f"linked to advice request {found[0].reference}"
    )
    return notification


def _decision_errors(decision: str, detail: str, *, required: bool) -> dict[str, str]:
    if not decision:
        return {"decision": "Choose what the local authority decided"} if required else {}
    if decision not in Notification.Decision.values:
        return {"decision": "Select what the local authority decided from the list"}
    if decision == Notification.Decision.OTHER and not detail.strip():
        return {"decision_detail": "Say what was decided"}
    return {}


@transaction.atomic
def record_decision(
    *,
    user: Any,
    context: AuditContext,
    notification: Notification,
    expected_version: int,
    decision: str,
    decision_detail: str = "",
    la_reference: str = "",
) -> Notification:
    """The LA records what it decided (acknowledging it too, if it had not). The notifier sees it."""
    if not _acts_for_la(user, context, notification.local_authority_id):
        raise PermissionDenied("Only the local authority it was sent to can record a decision.")
    check_version(notification, expected_version)
    if notification.status not in (Notification.Status.SENT, Notification.Status.ACKNOWLEDGED):
        raise InvalidTransition("A decision has already been recorded for this notification.")
    errors = _decision_errors(decision, decision_detail, required=True)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "status": Notification.Status.DECIDED,
        "decision": decision,
        "decision_detail": decision_detail.strip(),
        "decided_on": today,
        "la_reference": la_reference.strip()[:50] or notification.la_reference,
    }
    if notification.acknowledged_on is None:
        fields |= {
            "acknowledged_on": today,
            "acknowledged_by": user,
            "acknowledged_via_api": context.via == "api",
        }
    save_if_version(notification, expected_version, **fields)
    reminders.cancel(record=notification, kinds=[ACKNOWLEDGE_OVERDUE])
    record_involvements(notification)
    _record_change(notification, user=user, context=context, detail=f"decision: {decision}")
    _tell_notifier(
        notification,
        f"Decision on section 23 notification {notification.reference}",
        f"{notification.local_authority.name} has recorded its decision: {notification.get_decision_display()}.",
    )
    return notification


# --- concerns from outside the bodies section 23 names ------------------------------------------------


@transaction.atomic
def raise_concern(
    *,
    user: Any,
    context: AuditContext,
    organisation: Organisation,
    local_authority: Organisation | None = None,
    child_postcode: str = "",
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    nhs_number: str = "",
    professional_name: str,
    profession: str,
    concern: str,
    areas_of_need: Sequence[str] = (),
    parent_aware: bool = False,
) -> Concern:
    """A GP practice or independent provider raises a concern about a young child with the DCO service
    covering the LA where the child lives (the council for `child_postcode` when it is one of this
    deployment's, else the `local_authority` chosen: section23.areas); the DCO service decides whether
    the trust or ICB notifies."""
    if organisation.pk not in {o.pk for o in concern_organisations(user)}:
        raise PermissionDenied("Only GP practices and independent providers raise concerns here.")
    today = timezone.localdate()
    local_authority, child_postcode, errors = areas.choose_local_authority(
        child_postcode=child_postcode, chosen=local_authority
    )
    services = dco_services_for(local_authority.pk) if local_authority is not None else []
    if local_authority is not None and not services:
        # Next to the postcode when it gave this LA (the list of LAs is not on the page then).
        from_postcode = (
            bool(child_postcode) and areas.local_authority_for_postcode(child_postcode) == local_authority
        )
        errors["child_postcode" if from_postcode else "local_authority"] = (
            f"No DCO service here covers {local_authority.name}, the local authority where the child "
            "lives: contact the DCO service for the child's area directly"
        )
    if date_of_birth > today:
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    else:
        errors |= _age_errors(date_of_birth, today)
    if profession not in Profession.values:
        errors["profession"] = "Choose your profession"
    if not professional_name.strip():
        errors["professional_name"] = "Enter your name"
    if len(concern.strip()) < 10:
        errors["concern"] = "Describe the concern and what it is based on"
    needs = list(dict.fromkeys(areas_of_need))
    if any(a not in AreaOfNeed.values for a in needs):
        errors["areas_of_need"] = "Choose areas of need from the list"
    if errors or local_authority is None:
        raise ValidationError(errors)
    child, _ = record_child(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nhs_number=nhs_number,
        local_authority=local_authority,
        context=context,
    )
    row = Concern.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        child=child,
        local_authority=local_authority,
        dco_service=services[0],
        raised_by_organisation=organisation,
        raised_by=user,
        professional_name=professional_name.strip(),
        profession=profession,
        concern=concern.strip(),
        areas_of_need=needs,
        parent_aware=parent_aware,
        child_postcode=child_postcode,
    )
    row.reference = f"DC-{row.pk:06d}"
    row.save(update_fields=["reference"])
    record_concern_involvement(row)
    record_access(user=user, action="create", obj=row, child=child, context=context)
    notify(
        event=Event.CONCERN_RAISED,
        to=recipients_for(Event.CONCERN_RAISED, [row.dco_service], RoleGroup.DCO),
        subject=f"Concern about a young child {row.reference}",
        body=f"{organisation.name} has raised a concern for you to decide whether a section 23 notification is needed.\n\n"
        f"{link('section23:concern-detail', row.public_id)}\n",
    )
    return row


@transaction.atomic
def decide_concern(
    *,
    user: Any,
    context: AuditContext,
    concern: Concern,
    expected_version: int,
    decision: str,
    reason: str = "",
    team: Organisation | None = None,
) -> Concern:
    """The DCO service decides: the ICB notifies (a draft notification for the DCO service, filled in
    from the concern), a trust team is asked to consider notifying (a draft for that team), or no
    notification (the reason is required). The practice or provider that raised it sees the decision."""
    if concern.dco_service_id not in reach_for(user).dco_service_ids:
        raise PermissionDenied("Only the DCO service the concern was raised with can decide.")
    check_version(concern, expected_version)
    if concern.status != Concern.Status.OPEN:
        raise InvalidTransition("This concern has already been decided.")
    errors: dict[str, str] = {}
    if decision not in Concern.Decision.values:
        errors["decision"] = "Choose what happens next"
    if decision == Concern.Decision.TRUST_NOTIFIES and (
        team is None
        or team.kind != Organisation.Kind.PROVIDER_TEAM
        or team.parent is None
        or team.parent.kind != Organisation.Kind.PROVIDER_TRUST
    ):
        errors["team"] = "Choose the trust team to ask"
    if decision == Concern.Decision.NO_NOTIFICATION and not reason.strip():
        errors["reason"] = "Say why no notification is needed"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    save_if_version(
        concern,
        expected_version,
        status=Concern.Status.DECIDED,
        decision=decision,
        decision_reason=reason.strip(),
        team=team if decision == Concern.Decision.TRUST_NOTIFIES else None,
        decided_by=user,
        decided_on=today,
    )
    if decision != Concern.Decision.NO_NOTIFICATION:
        by_team = decision == Concern.Decision.TRUST_NOTIFIES and team is not None
        acting_for = team if by_team and team is not None else concern.dco_service
        body_id = acting_for.parent_id
        if body_id is None:
            raise ValidationError({"team": "Choose a team of an NHS trust"})
        draft = Notification.objects.create(
            reference=f"tmp-c-{concern.pk}",
            child=concern.child,
            child_postcode=concern.child_postcode,
            local_authority=concern.local_authority,
            notifying_body_id=body_id,
            team=acting_for if by_team else None,
            dco_service=None if by_team else acting_for,
            created_by=user,
            concern=concern,
            professional_name="",
            profession=Profession.OTHER,
            opinion=f"Concern raised by {concern.raised_by_organisation.name} ({concern.reference}): {concern.concern}",
            areas_of_need=concern.areas_of_need,
        )
        draft.reference = f"S23-{draft.pk:06d}"
        draft.save(update_fields=["reference"])
        record_involvements(draft)
        record_access(
            user=user,
            action="create",
            obj=draft,
            child=concern.child,
            context=context,
            detail="draft from a concern",
        )
        if by_team and team is not None:
            notify(
                event=Event.S23_CONSIDER,
                to=recipients_for(Event.S23_CONSIDER, [team], RoleGroup.PROVIDER),
                subject=f"Please consider a section 23 notification {draft.reference}",
                body="The DCO service has asked your team to consider notifying the local authority about a young "
                "child, after a concern from outside the NHS trust. A draft is ready for you.\n\n"
                f"{link('section23:notification-detail', draft.public_id)}\n",
            )
    record_concern_involvement(concern)
    record_access(
        user=user,
        action="change",
        obj=concern,
        child=concern.child,
        context=context,
        detail=f"decision: {decision}",
    )
    notify(
        event=Event.CONCERN_DECIDED,
        to=recipients_for(Event.CONCERN_DECIDED, [concern.raised_by_organisation], RoleGroup.CONCERNS),
        subject=f"Your concern {concern.reference}: the DCO service has decided",
        body=f"Decision: {concern.get_decision_display()}.\n\n{link('section23:concern-detail', concern.public_id)}\n",
    )
    return concern


def draft_count(user: Any) -> int:
    """How many drafts the user's teams and DCO services have (for the notifier's list)."""
    return Notification.objects.visible_to(user).filter(status=Notification.Status.DRAFT).count()


__all__ = [
    "ChildOrYoungPerson",
    "InvalidTransition",
    "acknowledge",
    "create_notification",
    "decide_concern",
    "raise_concern",
    "record_decision",
    "update_draft",
]

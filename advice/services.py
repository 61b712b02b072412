"""Every change to EHC health advice casework, as named functions (see advice/README.md).

Each function is keyword-only and takes the acting user (None when an LA's API token acts; the
token is then in the context) and an `audit.context.AuditContext`, never the HTTP request; it runs
inside `transaction.atomic`, writes an audit event in the same transaction, and queues e-mails with
`transaction.on_commit`. Functions that change an existing row take `expected_version` (the
`version` the person saw) and check it before anything about the record's state, raising
`core.concurrency.ConcurrentUpdate` when someone else changed it first (views show that as
"someone else changed this", with what was typed kept). Wrong-state calls on an up-to-date page
raise `InvalidTransition`; wrong-role calls raise `PermissionDenied`; bad input raises
`ValidationError`.

Statutory dates come from `lib.clocks` and are stored when their start event is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.access import dco_services_for
from accounts.models import NotificationEvent as Event
from accounts.models import Organisation, Role, RoleGroup
from accounts.notifications import notify, recipients_for
from advice.access import (
    is_dco_for,
    is_la_for,
    is_team_member,
    may_approve_exception,
    may_see_draft,
)
from advice.involvements import record_involvements
from advice.models import (
    MAY_NOT_APPLY,
    NOT_APPLICABLE,
    QUALITY_CRITERIA,
    AdviceDraft,
    AdviceRequest,
    Assignment,
    Attachment,
    EHCNeedsAssessment,
    HealthAdvice,
    QualityCheck,
    ReminderKind,
    TimeLimitException,
)
from audit.context import AuditContext
from audit.services import record_access
from casework import reminders
from children.models import ChildOrYoungPerson
from core.concurrency import ConcurrentUpdate as ConcurrentUpdate  # callers catch it from here
from core.concurrency import check_version, require_version, save_if_version
from core.uploads import content_type_for
from lib import clocks, inputs

logger = logging.getLogger(__name__)

# Reminder timing (local choices, not statutory): days before / after the reg 8 due date.
DUE_SOON_DAYS_BEFORE = 14
AT_RISK_DAYS_BEFORE = clocks.DEFAULT_AT_RISK_DAYS
OVERDUE_DAYS_AFTER = 1


class InvalidTransition(Exception):
    """The record is not in a state where this can happen (str() says why, in plain words)."""


# --- helpers -----------------------------------------------------------------------------------------


def _lock_request(advice_request: AdviceRequest) -> AdviceRequest:
    """Serialise changes to one request's assignments (PostgreSQL row lock; SQLite writes are serial)."""
    return AdviceRequest.objects.select_for_update().get(pk=advice_request.pk)


def request_status_from(statuses: Iterable[str], current: str) -> str:
    """The request's status follows its assignments: any still with a team -> routed; else any
    advice awaiting the DCO's check -> quality check; else every team has answered -> complete."""
    statuses = list(statuses)
    if current == AdviceRequest.Status.CANCELLED:
        return current
    if not statuses:
        return AdviceRequest.Status.SUBMITTED
    if any(s in Assignment.OPEN_STATUSES for s in statuses):
        return AdviceRequest.Status.ROUTED
    if any(s == Assignment.Status.ADVICE_SUBMITTED for s in statuses):
        return AdviceRequest.Status.QUALITY_CHECK
    return AdviceRequest.Status.COMPLETE


def _refresh_request(advice_request: AdviceRequest, *, today: dt.date | None = None) -> None:
    """Recompute the request's status from its assignments and mark it updated (for API polling)."""
    status = request_status_from(
        advice_request.assignments.values_list("status", flat=True), advice_request.status
    )
    fields: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status == AdviceRequest.Status.COMPLETE and advice_request.completed_on is None:
        fields["completed_on"] = today or timezone.localdate()
    AdviceRequest.objects.filter(pk=advice_request.pk).update(version=F("version") + 1, **fields)
    for name, value in fields.items():
        setattr(advice_request, name, value)
    advice_request.version += 1
    record_involvements(advice_request)


def link_to(viewname: str, public_id: Any) -> str:
    """An absolute link for e-mails."""
    return f"{settings.SITE_URL}{reverse(viewname, args=[public_id])}"


def request_link(advice_request: AdviceRequest) -> str:
    return link_to("advice:request-detail", advice_request.public_id)


def assignment_link(assignment: Assignment) -> str:
    return link_to("advice:assignment-detail", assignment.public_id)


# --- the LA's assessment and request ------------------------------------------------------------


def _assessment_dates(clock_start_date: dt.date) -> dict[str, dt.date]:
    dates = clocks.assessment_dates(clock_start_date)
    return {
        "decision_due": dates.decision_due,
        "no_plan_notice_due": dates.no_plan_notice_due,
        "final_plan_due": dates.final_plan_due,
    }


@transaction.atomic
def change_assessment_clock(
    *,
    user: Any,
    assessment: EHCNeedsAssessment,
    expected_version: int,
    clock_start_type: str,
    clock_start_date: dt.date,
    reason: str,
    context: AuditContext,
) -> EHCNeedsAssessment:
    """Correct the clock start (the start event changed): the stored LA dates are recomputed here,
    and only here. Why it changed is required and kept in the access log with the change (what it
    was, what it is now)."""
    if not _acts_for_la(user, context, assessment.local_authority_id):
        raise PermissionDenied("Only the LA's caseworkers can change its assessment.")
    check_version(assessment, expected_version)
    if clock_start_type not in EHCNeedsAssessment.ClockStart.values:
        raise ValidationError({"clock_start_type": "Choose what started the 20-week clock."})
    if clock_start_date > timezone.localdate():
        raise ValidationError({"clock_start_date": "The clock start date must be today or in the past."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the clock start is changing."})
    before = f"{assessment.get_clock_start_type_display()}, {assessment.clock_start_date:%-d %B %Y}"
    fields: dict[str, Any] = {
        "clock_start_type": clock_start_type,
        "clock_start_date": clock_start_date,
        **_assessment_dates(clock_start_date),
    }
    save_if_version(assessment, expected_version, **fields)
    after = f"{assessment.get_clock_start_type_display()}, {assessment.clock_start_date:%-d %B %Y}"
    record_access(
        user=user,
        action="change",
        obj=assessment,
        child=assessment.child,
        context=context,
        detail=f"clock start changed from {before} to {after}; reason: {reason.strip()}",
    )
    return assessment


def _acts_for_la(user: Any, context: AuditContext, local_authority_id: int) -> bool:
    """Whether the actor speaks for this LA: one of its caseworkers, or (with no person) the LA's own
    API token carried by the context."""
    if user is not None:
        return is_la_for(user, local_authority_id)
    token = context.token
    return token is not None and token.organisation_id == local_authority_id


@transaction.atomic
def request_advice(
    *,
    user: Any,
    context: AuditContext,
    local_authority: Organisation,
    child: ChildOrYoungPerson,
    request_received_on: dt.date,
    questions: str,
    clock_start_type: str = EHCNeedsAssessment.ClockStart.S36_REQUEST,
    clock_start_date: dt.date | None = None,
    decision_to_assess_on: dt.date | None = None,
    la_reference: str = "",
    is_reassessment: bool = False,
    known_health_involvement: str = "",
    sent_on: dt.date | None = None,
    received_by_health: dt.date | None = None,
    attachments: Sequence[Any] = (),
) -> AdviceRequest:
    """The LA asks health for advice on an EHC needs assessment: the one way in, for the LA's pages
    and for the LA API (`user` None, the LA's token in `context`).

    Records the assessment as the LA reports it, with its reg 4/5 (6-week), reg 10 (16-week) and
    reg 13 (20-week) dates from the clock start (by default the day the s36 request was received),
    and the request for advice: status "awaiting triage", due date from reg 8(1) counted from the
    day health received it (by default today, the day it arrives here). All or nothing: every
    mistake is reported at once and nothing is recorded. `attachments` are uploaded files (Django
    File objects). The area's DCO service is told on commit.
    """
    if not _acts_for_la(user, context, local_authority.pk):
        raise PermissionDenied("Only the LA's caseworkers can ask for advice for its assessments.")
    today = timezone.localdate()
    clock_start_date = clock_start_date or request_received_on
    sent_on = sent_on or today
    received_by_health = received_by_health or today
    errors: dict[str, str] = {}
    if clock_start_type not in EHCNeedsAssessment.ClockStart.values:
        errors["clock_start_type"] = "Choose how the clock started."
    if request_received_on > today:
        errors["request_received_on"] = "The date the request was received must be today or in the past."
    if clock_start_date > today:
        errors["clock_start_date"] = "The clock start must be today or in the past."
    if decision_to_assess_on and decision_to_assess_on < clock_start_date:
        errors["decision_to_assess_on"] = "The decision to assess cannot be before the clock start."
    if not questions.strip():
        errors["questions"] = "Say what you would like health to advise on."
    if received_by_health < sent_on:
        errors["received_by_health"] = "Health cannot receive the request before it was sent."
    if received_by_health > today or sent_on > today:
        errors["sent_on"] = "Dates must be today or in the past."
    if errors:
        raise ValidationError(errors)
    via_api = context.via == "api"
    assessment = EHCNeedsAssessment.objects.create(
        child=child,
        local_authority=local_authority,
        la_reference=la_reference.strip(),
        is_reassessment=is_reassessment,
        request_received_on=request_received_on,
        clock_start_type=clock_start_type,
        clock_start_date=clock_start_date,
        decision_to_assess_on=decision_to_assess_on,
        created_by=user,
        **_assessment_dates(clock_start_date),
    )
    record_access(user=user, action="create", obj=assessment, child=child, context=context)
    advice_request = AdviceRequest.objects.create(
        reference=f"tmp-{assessment.public_id.hex[:16]}",
        assessment=assessment,
        child=child,
        local_authority_id=local_authority.pk,
        questions=questions.strip(),
        known_health_involvement=known_health_involvement.strip(),
        sent_on=sent_on,
        received_by_health=received_by_health,
        due_on=clocks.health_advice_due(received_by_health),
        requested_by=user,
        created_via_api=via_api,
    )
    advice_request.reference = f"HA{advice_request.pk:07d}"
    advice_request.save(update_fields=["reference"])
    record_involvements(advice_request)
    for upload in attachments:
        Attachment.objects.create(
            advice_request=advice_request,
            file=upload,
            name=getattr(upload, "name", "attachment")[:200],
            content_type=content_type_for(os.path.basename(upload.name), upload),  # by content
            size=getattr(upload, "size", 0) or 0,
            uploaded_by=user,
        )
    record_access(
        user=user,
        action="create",
        obj=advice_request,
        child=child,
        context=context,
        detail="via API" if via_api else "",
    )
    notify(
        event=Event.NEW_REQUEST,
        to=recipients_for(
            Event.NEW_REQUEST, dco_services_for(advice_request.local_authority_id), RoleGroup.DCO
        ),
        subject=f"New health advice request {advice_request.reference}",
        body=f"A local authority has asked for EHC needs assessment health advice.\n\n"
        f"Reference: {advice_request.reference}\nAdvice due: {advice_request.due_on:%-d %B %Y}\n\n"
        f"Triage it here: {request_link(advice_request)}\n",
    )
    return advice_request


@transaction.atomic
def cancel_request(
    *,
    user: Any,
    advice_request: AdviceRequest,
    expected_version: int,
    reason: str,
    context: AuditContext,
) -> AdviceRequest:
    """The LA withdraws its request (for example the assessment stopped). Open teams are told."""
    if not _acts_for_la(user, context, advice_request.local_authority_id):
        raise PermissionDenied("Only the requesting LA can cancel its request.")
    check_version(advice_request, expected_version)
    if advice_request.status in (AdviceRequest.Status.COMPLETE, AdviceRequest.Status.CANCELLED):
        raise InvalidTransition("This request is already finished.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is cancelled."})
    teams = [a.team for a in advice_request.assignments.open().select_related("team")]
    save_if_version(
        advice_request,
        expected_version,
        status=AdviceRequest.Status.CANCELLED,
        cancelled_reason=reason.strip(),
    )
    # Work still with a team, or waiting for the DCO, stops: it leaves every list and reminder.
    advice_request.assignments.filter(
        status__in=[*Assignment.OPEN_STATUSES, Assignment.Status.ADVICE_SUBMITTED]
    ).update(status=Assignment.Status.CANCELLED, version=F("version") + 1, updated_at=timezone.now())
    record_involvements(advice_request)
    record_access(
        user=user,
        action="change",
        obj=advice_request,
        child=advice_request.child,
        context=context,
        detail="cancelled",
    )
    notify(
        event=Event.REQUEST_CANCELLED,
        to=recipients_for(Event.REQUEST_CANCELLED, teams, RoleGroup.PROVIDER),
        subject=f"Health advice request {advice_request.reference} cancelled",
        body=f"The local authority has cancelled request {advice_request.reference}. No advice is needed.\n\n"
        f"{request_link(advice_request)}\n",
    )
    return advice_request


# --- the DCO routes it ----------------------------------------------------------------------------

# The lawful bases the DCO may confirm before routing a request with a sharing warning
# (statutory.md 9.1: a reasoned proposal that needs the area's legal sign-off). The wording shown is
# what the access log records.
LAWFUL_BASES: dict[str, str] = {
    "legal_obligation": (
        "Legal obligation: health must give advice for the EHC needs assessment (Children and Families "
        "Act 2014 section 31, SEND Regulations 2014 regulation 8; UK GDPR articles 6(1)(c) and 9(2)(h))"
    ),
    "public_task": "Public task: the NHS's statutory functions (UK GDPR articles 6(1)(e) and 9(2)(h))",
    "consent_elsewhere": (
        "Consent given and recorded outside this system (record it on the child's record as well)"
    ),
}


def sharing_warnings(child: ChildOrYoungPerson) -> list[str]:
    """What every page handling a request about this child warns of (wording from settings): no
    current consent to share, no parent or carer recorded. Empty when neither applies."""
    warnings = []
    if not any(c.is_active for c in child.consents.all()):
        warnings.append(settings.ADVICE_NO_CONSENT_WARNING)
    if not child.parent_carers.exists():
        warnings.append(settings.ADVICE_NO_PARENT_WARNING)
    return warnings


@transaction.atomic
def triage_and_route(
    *,
    user: Any,
    advice_request: AdviceRequest,
    expected_version: int,
    teams: Sequence[Organisation],
    triage_notes: str = "",
    received_on: dt.date | None = None,
    lawful_basis: str = "",
    context: AuditContext,
) -> list[Assignment]:
    """The DCO routes the request to one or more provider teams (more may be added later).

    Each team's reg 8 clock starts on the day it receives the request: `received_on`, by default
    today. Reminder rows are scheduled for each new assignment; the teams are e-mailed on commit.
    A team already assigned is not assigned twice. When the child has a sharing warning (no current
    consent, no parent or carer: `sharing_warnings`), the DCO must confirm `lawful_basis` (a key of
    LAWFUL_BASES); the warnings and the basis, as worded on the page, go in the access log.
    """
    if not is_dco_for(user, advice_request):
        raise PermissionDenied("Only the area's DCO service can route requests.")
    check_version(advice_request, expected_version)
    if advice_request.status == AdviceRequest.Status.CANCELLED:
        raise InvalidTransition("This request was cancelled by the LA.")
    if not teams:
        raise ValidationError({"teams": "Choose at least one provider team."})
    if any(team.kind != Organisation.Kind.PROVIDER_TEAM for team in teams):
        raise ValidationError({"teams": "Requests can only be routed to provider teams."})
    warnings = sharing_warnings(advice_request.child)
    if warnings and lawful_basis not in LAWFUL_BASES:
        raise ValidationError(
            {"lawful_basis": "Confirm the lawful basis for sharing before you route this request"}
        )
    received_on = received_on or timezone.localdate()
    if received_on < advice_request.received_by_health or received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": "The team cannot receive it before health did, or in the future."}
        )
    save_if_version(
        advice_request,
        expected_version,
        triage_notes=triage_notes.strip() or advice_request.triage_notes,
        triaged_by=user,
        triaged_at=timezone.now(),
    )
    already = set(advice_request.assignments.values_list("team_id", flat=True))
    created = []
    for team in teams:
        if team.pk in already:
            continue
        assignment = Assignment.objects.create(
            advice_request=advice_request,
            local_authority_id=advice_request.local_authority_id,
            team=team,
            received_on=received_on,
            due_on=clocks.health_advice_due(received_on),
            routed_by=user,
        )
        schedule_reminders(assignment)
        created.append(assignment)
        notify(
            event=Event.ASSIGNMENT,
            to=recipients_for(Event.ASSIGNMENT, [team], RoleGroup.PROVIDER),
            subject=f"Health advice request {advice_request.reference} for your team",
            body=f"The DCO service has sent your team a request for EHC needs assessment health advice.\n\n"
            f"Reference: {advice_request.reference}\nReceived: {received_on:%-d %B %Y}\n"
            f"Advice due (6 weeks, SEND Regulations 2014 reg 8): {assignment.due_on:%-d %B %Y}\n\n"
            f"Accept it or tell us it is not known to your service: {assignment_link(assignment)}\n",
        )
    _refresh_request(advice_request)
    record_access(
        user=user,
        action="change",
        obj=advice_request,
        child=advice_request.child,
        context=context,
        detail="routed to "
        + ", ".join(t.name for t in teams)
        + (
            f"; warnings shown: {' '.join(warnings)} Lawful basis confirmed: {LAWFUL_BASES[lawful_basis]}"
            if warnings
            else ""
        ),
    )
    return created


def schedule_reminders(assignment: Assignment) -> int:
    """Reminder rows for one assignment (casework's shared reminders, sent by advice.reminders.HANDLER):
    to the team before the deadline; to the team manager and the DCO when at risk and when overdue, at
    the start of the day (casework.reminders.at_start_of). Idempotent (one row per assignment, kind and
    recipient; one already sent stays sent). Returns how many rows were asked for."""
    advice_request = assignment.advice_request
    team_emails = recipients_for(Event.REMINDER, [assignment.team], RoleGroup.PROVIDER)
    managers = recipients_for(
        Event.REMINDER, [assignment.team], (Role.PROVIDER_TEAM_MANAGER,), shared_mailbox=False
    )
    dco = recipients_for(Event.REMINDER, dco_services_for(advice_request.local_authority_id), RoleGroup.DCO)
    plan = [
        (ReminderKind.DUE_SOON, assignment.due_on - dt.timedelta(days=DUE_SOON_DAYS_BEFORE), team_emails),
        (ReminderKind.AT_RISK, assignment.due_on - dt.timedelta(days=AT_RISK_DAYS_BEFORE), managers + dco),
        (ReminderKind.OVERDUE, assignment.due_on + dt.timedelta(days=OVERDUE_DAYS_AFTER), managers + dco),
    ]
    return sum(
        reminders.schedule(record=assignment, kind=kind, recipients=emails, due_at=reminders.at_start_of(day))
        for kind, day, emails in plan
    )


# --- the provider team answers ------------------------------------------------------------------


def _team_change(
    user: Any, assignment: Assignment, expected_version: int, allowed: Sequence[str], what: str
) -> AdviceRequest:
    """Who, then the version the person saw, then the state (in that order: a stale page is always
    "someone else changed this")."""
    if not is_team_member(user, assignment):
        raise PermissionDenied(f"Only the team the request was sent to can {what}.")
    advice_request = _lock_request(assignment.advice_request)
    check_version(assignment, expected_version)
    if advice_request.status == AdviceRequest.Status.CANCELLED:
        raise InvalidTransition("The LA cancelled this request.")
    if assignment.status not in allowed:
        raise InvalidTransition(f"You cannot {what} now: this is {assignment.get_status_display().lower()}.")
    return advice_request


@transaction.atomic
def accept_assignment(
    *, user: Any, assignment: Assignment, expected_version: int, context: AuditContext
) -> Assignment:
    """The team accepts the request: the child is known to it and it will give advice."""
    advice_request = _team_change(
        user, assignment, expected_version, [Assignment.Status.ROUTED], "accept this request"
    )
    save_if_version(
        assignment,
        expected_version,
        status=Assignment.Status.ACCEPTED,
        accepted_by=user,
        accepted_at=timezone.now(),
    )
    _refresh_request(advice_request)
    record_access(
        user=user,
        action="change",
        obj=assignment,
        child=advice_request.child,
        context=context,
        detail="accepted",
    )
    return assignment


@transaction.atomic
def decline_not_known(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    reason: str,
    context: AuditContext,
) -> Assignment:
    """The team answers "not known to this service", saying what it did (rubric Q13). This is a nil
    return: it is released to the LA straight away and counts as the team's response."""
    advice_request = _team_change(
        user,
        assignment,
        expected_version,
        [Assignment.Status.ROUTED, Assignment.Status.ACCEPTED],
        "say the child is not known",
    )
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "Explain why, and what was done (for example a health assessment offered)."}
        )
    today = timezone.localdate()
    save_if_version(
        assignment,
        expected_version,
        status=Assignment.Status.NOT_KNOWN,
        not_known_reason=reason.strip(),
        submitted_on=today,
        returned_on=today,
    )
    _refresh_request(advice_request)
    record_access(
        user=user,
        action="change",
        obj=assignment,
        child=advice_request.child,
        context=context,
        detail="not known",
    )
    notify(
        event=Event.TEAM_DECLINED,
        to=recipients_for(
            Event.TEAM_DECLINED, dco_services_for(advice_request.local_authority_id), RoleGroup.DCO
        ),
        subject=f"Health advice request {advice_request.reference}: not known to {assignment.team.name}",
        body=f"{assignment.team.name} has said the child is not known to the service.\n\n{request_link(advice_request)}\n",
    )
    return assignment


# --- drafts ----------------------------------------------------------------------------------------

DRAFT_MAX_KEYS = 800  # the advice form with 30 rows in each set has about 400 fields
DRAFT_MAX_KEY_LENGTH = 60
DRAFT_MAX_VALUE_LENGTH = 10000  # the longest field on the advice form
DRAFT_MAX_CHARACTERS = 500_000


def _clean_draft_data(data: dict[str, Any]) -> dict[str, list[str]]:
    """What a draft may hold: field names and the text typed, within the input limits (lib.inputs)."""
    if not isinstance(data, dict) or len(data) > DRAFT_MAX_KEYS:
        raise ValidationError({"__all__": "This draft is too big to save."})
    clean: dict[str, list[str]] = {}
    total = 0
    for key, values in data.items():
        values = values if isinstance(values, list | tuple) else [values]
        if not isinstance(key, str) or len(key) > DRAFT_MAX_KEY_LENGTH or len(values) > 30:
            raise ValidationError({"__all__": "This draft is too big to save."})
        texts = []
        for value in values:
            if not isinstance(value, str):
                raise ValidationError({"__all__": "A draft holds only text."})
            if inputs.has_nul(value):
                raise ValidationError({"__all__": f"The text {inputs.NUL_MESSAGE}."})
            if len(value) > DRAFT_MAX_VALUE_LENGTH:
                raise ValidationError({"__all__": "A field is too long to save."})
            total += len(value)
            texts.append(value)
        clean[key] = texts
    if total > DRAFT_MAX_CHARACTERS:
        raise ValidationError({"__all__": "This draft is too big to save."})
    return clean


@transaction.atomic
def save_advice_draft(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    data: dict[str, Any],
    automatic: bool = False,
    context: AuditContext,
) -> AdviceDraft:
    """Save the advice as typed, nothing required (input limits still apply): by the person's "Save as
    draft" button, or `automatic`ally by the page before the session ends. `expected_version` is the
    draft's version the page saw (0: no draft yet); a stale page raises ConcurrentUpdate. Only the
    draft's author and the team's managers may save over it; the draft never reaches the DCO."""
    advice_request = _team_change(
        user,
        assignment,
        assignment.version,  # a draft does not change the assignment: only the draft's version counts
        list(Assignment.OPEN_STATUSES),
        "save a draft of this advice",
    )
    clean = _clean_draft_data(data)
    draft = AdviceDraft.objects.select_for_update().filter(assignment=assignment).first()
    now = timezone.now()
    if draft is None:
        if expected_version != 0:  # the draft this page saw was submitted meanwhile
            raise ConcurrentUpdate(current_version=0)
        draft = AdviceDraft.objects.create(
            assignment=assignment, data=clean, created_by=user, saved_by=user, saved_at=now
        )
        detail = "advice draft started"
    else:
        if not may_see_draft(user, draft):
            who = draft.created_by.get_full_name() if draft.created_by else "Someone else"
            raise InvalidTransition(
                f"{who} is writing a draft of this advice. Ask them, or your team manager, to carry on."
            )
        require_version(draft, expected_version)
        save_if_version(draft, expected_version, data=clean, saved_by=user, saved_at=now)
        detail = "advice draft saved"
    record_access(
        user=user,
        action="change",
        obj=draft,
        child=advice_request.child,
        context=context,
        detail=detail + (" automatically" if automatic else ""),
    )
    return draft


PROVISION_FIELDS = ("what", "who", "how_often", "how_long")


def clean_advice(
    *, needs: Sequence[dict], outcomes: Sequence[dict], provision: Sequence[dict]
) -> dict[str, list]:
    """Check structured advice: at least one need and one outcome; every provision specific and
    quantified (what, who, how often, how long) and aimed at section F or G (statutory.md 5.2, 5.3)."""
    errors: dict[str, str] = {}
    clean_needs = [
        {
            "description": str(n.get("description", "")).strip(),
            "relates_to_sen": bool(n.get("relates_to_sen", True)),
        }
        for n in needs
        if str(n.get("description", "")).strip()
    ]
    clean_outcomes = [
        {"outcome": str(o.get("outcome", "")).strip(), "by_when": str(o.get("by_when", "")).strip()}
        for o in outcomes
        if str(o.get("outcome", "")).strip()
    ]
    clean_provision = []
    for index, item in enumerate(provision, start=1):
        row: dict[str, Any] = {key: str(item.get(key, "")).strip() for key in (*PROVISION_FIELDS, "where")}
        row["section"] = str(item.get("section", "")).strip().upper()
        row["commissioned"] = bool(item.get("commissioned", True))
        if not any(row[key] for key in PROVISION_FIELDS):
            continue
        missing = [key.replace("_", " ") for key in PROVISION_FIELDS if not row[key]]
        if missing:
            errors[f"provision_{index}"] = f"Enter {', '.join(missing)} for provision {index}"
        if row["section"] not in ("F", "G"):
            errors[f"provision_{index}_section"] = (
                f"Choose section F (educates or trains) or section G for provision {index}"
            )
        clean_provision.append(row)
    if not clean_needs:
        errors["needs"] = "Enter at least one health need"
    if not clean_outcomes:
        errors["outcomes"] = "Enter at least one outcome"
    if errors:
        raise ValidationError(errors)
    return {"needs": clean_needs, "outcomes": clean_outcomes, "provision": clean_provision}


@transaction.atomic
def submit_advice(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    needs: Sequence[dict],
    outcomes: Sequence[dict],
    provision: Sequence[dict],
    author_name: str,
    author_profession: str,
    author_registration_number: str,
    author_registration_body: str = "",
    advice_date: dt.date | None = None,
    views_and_aspirations: str = "",
    strengths: str = "",
    preparing_for_adulthood: str = "",
    related_plans: str = "",
    attachments: Sequence[Any] = (),
    response: str = "",
    context: AuditContext,
) -> HealthAdvice:
    """The team submits structured advice for the DCO's quality check (a new revision each time,
    including after rework). The author must be a registered health care professional (reg 6(1)(c)):
    profession and registration number are required. Accepting first is implied. After the DCO
    returned it, `response` (the answer to the reasons) is required and recorded on that check."""
    advice_request = _team_change(
        user,
        assignment,
        expected_version,
        [Assignment.Status.ROUTED, Assignment.Status.ACCEPTED, Assignment.Status.REWORK_REQUESTED],
        "submit advice",
    )
    errors: dict[str, Any] = {}
    content: dict[str, list] = {}
    try:
        content = clean_advice(needs=needs, outcomes=outcomes, provision=provision)
    except ValidationError as exc:  # reported with the author's details, all at once
        errors.update(exc.message_dict)
    for name, value, message in (
        ("author_name", author_name, "Enter the name of the professional who gave the advice"),
        ("author_profession", author_profession, "Enter their profession"),
        (
            "author_registration_number",
            author_registration_number,
            "Enter their professional registration number",
        ),
    ):
        if not value.strip():
            errors[name] = message
    returned = None
    if assignment.status == Assignment.Status.REWORK_REQUESTED:
        returned = assignment.quality_checks.filter(outcome=QualityCheck.Outcome.REWORK).first()
        if returned is not None and not response.strip():
            errors["response"] = "Answer the DCO service's reasons for returning the advice"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    revision = (assignment.advice.aggregate(m=models.Max("revision"))["m"] or 0) + 1
    save_if_version(
        assignment,
        expected_version,
        status=Assignment.Status.ADVICE_SUBMITTED,
        submitted_on=assignment.submitted_on or today,
        accepted_by=assignment.accepted_by or user,
        accepted_at=assignment.accepted_at or timezone.now(),
    )
    advice = HealthAdvice.objects.create(
        assignment=assignment,
        revision=revision,
        author_name=author_name.strip(),
        author_profession=author_profession.strip(),
        author_registration_number=author_registration_number.strip(),
        author_registration_body=author_registration_body.strip(),
        advice_date=advice_date or today,
        views_and_aspirations=views_and_aspirations.strip(),
        strengths=strengths.strip(),
        preparing_for_adulthood=preparing_for_adulthood.strip(),
        related_plans=related_plans.strip(),
        submitted_by=user,
        **content,
    )
    AdviceDraft.objects.filter(assignment=assignment).delete()  # submitted: the draft is done
    if returned is not None:
        QualityCheck.objects.filter(pk=returned.pk).update(
            author_response=response.strip(), responded_by=user, responded_at=timezone.now()
        )
    for upload in attachments:
        Attachment.objects.create(
            advice=advice,
            file=upload,
            name=getattr(upload, "name", "attachment")[:200],
            content_type=content_type_for(os.path.basename(upload.name), upload),  # by content
            size=getattr(upload, "size", 0) or 0,
            uploaded_by=user,
        )
    _refresh_request(advice_request)
    record_access(
        user=user,
        action="change",
        obj=advice,
        child=advice_request.child,
        context=context,
        detail=f"advice revision {revision} submitted",
    )
    notify(
        event=Event.ADVICE_SUBMITTED,
        to=recipients_for(
            Event.ADVICE_SUBMITTED, dco_services_for(advice_request.local_authority_id), RoleGroup.DCO
        ),
        subject=f"Health advice {advice_request.reference} ready for quality check",
        body=f"{assignment.team.name} has submitted advice for {advice_request.reference}.\n\n"
        f"Check it here: {assignment_link(assignment)}\n",
    )
    return advice


# --- the DCO checks and releases ------------------------------------------------------------------


def may_not_apply(child: ChildOrYoungPerson, on: dt.date | None = None) -> set[str]:
    """The criteria this child's advice may mark "does not apply" (`MAY_NOT_APPLY`): Q10 only before
    Year 9 (preparing for adulthood is required from Year 9, reg 6(1)(g))."""
    keys = set(MAY_NOT_APPLY)
    if child.pfa_required(on):
        keys.discard("Q10")
    return keys


def clean_scores(
    scores: dict[str, Any], *, not_applicable: Iterable[str] = tuple(MAY_NOT_APPLY), complete: bool = False
) -> dict[str, int | str]:
    """Rubric scores: known criteria (Q1 to Q13) only, each 0, 1 or 2, or "n/a" (NOT_APPLICABLE) for
    the criteria in `not_applicable`. `complete` (a release): every criterion scored or marked as not
    applicable, each one left out named in its own error. Every mistake is reported at once."""
    allowed = set(not_applicable)
    clean: dict[str, int | str] = {}
    errors: dict[str, str] = {}
    for key, value in scores.items():
        if key not in QUALITY_CRITERIA:
            raise ValidationError({"scores": f"{key} is not a quality criterion."})
        if value in (None, ""):
            continue
        if value == NOT_APPLICABLE:
            if key in allowed:
                clean[key] = NOT_APPLICABLE
            else:
                errors[key] = f"{key} applies to this advice: score it 0, 1 or 2"
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number not in (0, 1, 2):
            errors[key] = f"Score {key} 0, 1 or 2"
            continue
        clean[key] = number
    if complete:
        for key in QUALITY_CRITERIA:
            if key not in clean and key not in errors:
                errors[key] = f"Score {key}" + (" or choose Does not apply" if key in allowed else "")
    if errors:
        raise ValidationError(errors)
    return clean


def unscored(scores: dict[str, Any]) -> list[str]:
    """The criteria with neither a score nor "does not apply", in rubric order."""
    return [key for key in QUALITY_CRITERIA if scores.get(key) in (None, "")]


def _quality_check(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    outcome: str,
    scores: dict[str, Any],
    comments: str,
    context: AuditContext,
) -> QualityCheck:
    if not is_dco_for(user, assignment.advice_request):
        raise PermissionDenied("Only the area's DCO service can quality-check advice.")
    advice_request = _lock_request(assignment.advice_request)
    check_version(assignment, expected_version)
    if assignment.status != Assignment.Status.ADVICE_SUBMITTED:
        raise InvalidTransition("There is no advice waiting for a quality check.")
    errors: dict[str, Any] = {}
    clean: dict[str, int | str] = {}
    try:
        clean = clean_scores(
            scores,
            not_applicable=may_not_apply(advice_request.child),
            complete=outcome == QualityCheck.Outcome.RELEASE,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if outcome == QualityCheck.Outcome.REWORK and not comments.strip():
        errors["comments"] = "Give the reasons for returning the advice to the author"
    if errors:
        raise ValidationError(errors)
    numbers = [value for value in clean.values() if isinstance(value, int)]
    advice = assignment.advice.order_by("-revision").first()
    if advice is None:
        raise InvalidTransition("There is no advice to check.")
    today = timezone.localdate()
    if outcome == QualityCheck.Outcome.RELEASE:
        save_if_version(assignment, expected_version, status=Assignment.Status.RELEASED, returned_on=today)
    else:
        save_if_version(assignment, expected_version, status=Assignment.Status.REWORK_REQUESTED)
        # Back with the team: its reminders again (the shared scan dropped those that fell due while
        # the advice waited for this check; those already sent stay sent).
        schedule_reminders(assignment)
    check = QualityCheck.objects.create(
        assignment=assignment,
        advice=advice,
        scores=clean,
        total=sum(numbers),
        maximum=2 * len(numbers),
        outcome=outcome,
        comments=comments.strip(),
        checked_by=user,
    )
    _refresh_request(advice_request, today=today)
    record_access(
        user=user,
        action="change",
        obj=check,
        child=advice_request.child,
        context=context,
        detail=f"quality check: {outcome}",
    )
    return check


@transaction.atomic
def request_rework(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    scores: dict[str, Any],
    comments: str,
    context: AuditContext,
) -> QualityCheck:
    """The DCO returns the advice to its author with the reasons (`comments`, required); scoring may be
    partial. The team sees the reasons on the assignment and answers them when it resubmits
    (`submit_advice(response=...)`). The reg 8 due date does not change."""
    check = _quality_check(
        user=user,
        assignment=assignment,
        expected_version=expected_version,
        outcome=QualityCheck.Outcome.REWORK,
        scores=scores,
        comments=comments,
        context=context,
    )
    notify(
        event=Event.ADVICE_RETURNED,
        to=recipients_for(Event.ADVICE_RETURNED, [assignment.team], RoleGroup.PROVIDER),
        subject=f"Health advice {assignment.advice_request.reference}: returned to you with reasons",
        body=f"The DCO service has returned your advice for {assignment.advice_request.reference} with its "
        f"reasons. Read them, answer them and send the advice again.\n"
        f"It is still due on {assignment.due_on:%-d %B %Y}.\n\n{assignment_link(assignment)}\n",
    )
    return check


@transaction.atomic
def release_advice(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    scores: dict[str, Any],
    comments: str = "",
    context: AuditContext,
) -> QualityCheck:
    """The DCO releases the checked advice to the LA: the day of release is the day the advice was
    given for reg 8 timeliness (`returned_on`). The LA is told when the whole request is complete."""
    check = _quality_check(
        user=user,
        assignment=assignment,
        expected_version=expected_version,
        outcome=QualityCheck.Outcome.RELEASE,
        scores=scores,
        comments=comments,
        context=context,
    )
    advice_request = assignment.advice_request
    la = Organisation.objects.get(pk=advice_request.local_authority_id)
    recipients = recipients_for(Event.ADVICE_RELEASED, [la], (Role.LA_CASEWORKER,))
    if advice_request.requested_by_id and advice_request.requested_by:
        recipients.append(advice_request.requested_by.email)
    notify(
        event=Event.ADVICE_RELEASED,
        to=sorted(set(recipients)),
        subject=f"Health advice released for {advice_request.reference}",
        body=f"Health advice from {assignment.team.name} for request {advice_request.reference} is ready.\n\n"
        f"{request_link(advice_request)}\n",
    )
    return check


@transaction.atomic
def record_exception(
    *,
    user: Any,
    assignment: Assignment,
    expected_version: int,
    code: str,
    start_on: dt.date,
    reason: str,
    approved_by: Any,
    end_on: dt.date | None = None,
    context: AuditContext,
) -> TimeLimitException:
    """Record a reg 8(2) exception beside the assignment's deadline (never moving it).

    Checked by `lib.clocks.check_health_exception`: the circumstance must fall within the 6-week
    period (and an absence must cover 4 weeks of it). The team or the DCO may record it; the approver
    must be a DCO of the area or a manager of the team.
    """
    if not (is_team_member(user, assignment) or is_dco_for(user, assignment.advice_request)):
        raise PermissionDenied("Only the team or the area's DCO service can record an exception.")
    check_version(assignment, expected_version)
    if not may_approve_exception(approved_by, assignment):
        raise ValidationError({"approved_by": "The approver must be the area's DCO or the team's manager."})
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the circumstance made the 6 weeks impractical."})
    check = clocks.check_health_exception(
        code=code,
        received_by_health=assignment.received_on,
        start=start_on,
        end=end_on,
        today=timezone.localdate(),
    )
    if not check:
        raise ValidationError({"start_on": check.reason})
    exception = TimeLimitException.objects.create(
        assignment=assignment,
        code=code,
        start_on=start_on,
        end_on=end_on,
        reason=reason.strip(),
        approved_by=approved_by,
        recorded_by=user,
    )
    save_if_version(assignment, expected_version, has_exception=True)
    AdviceRequest.objects.filter(pk=assignment.advice_request_id).update(updated_at=timezone.now())
    record_access(
        user=user,
        action="change",
        obj=exception,
        child=assignment.advice_request.child,
        context=context,
        detail=f"exception {code}",
    )
    return exception

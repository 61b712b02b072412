"""Section 23 notifications in the LA casework API (/api/casework/v1/notifications), with the same LA
tokens, scope rule, problem documents and OpenAPI document as advice requests (casework/api.py): this
module is a router that `Section23Config.ready` adds to that API.

A token acts for its LA only and reaches the notifications sent to that LA (never drafts). It can list
them (paginated; filter by status and `updated_since`), read one, and acknowledge one, optionally with
the LA's decision. Every read and change of a child's record is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from accounts.models import ApiToken
from casework import api as casework
from casework.api import ERRORS, Problem, api, problem
from core.inputs import InputSchema
from section23 import access, services
from section23.models import Notification

router = Router(tags=["Section 23 notifications"])
RESPONSES: dict[int, Any] = {**ERRORS, 409: Problem}


class NotificationSummaryOut(Schema):
    id: uuid.UUID
    reference: str
    status: str
    child_id: uuid.UUID
    notifying_body: str
    sent_on: dt.date
    acknowledge_by: dt.date | None = Field(None, description="The local target for acknowledging it")
    acknowledged_on: dt.date | None
    decision: str
    advice_request_reference: str | None = Field(
        description="The reference of the EHC needs assessment's health advice request the LA linked it to "
        "(null when none)"
    )
    objection: bool = Field(description="The parent disagrees (recorded; never a veto)")
    version: int = Field(description="Send it back as expected_version to acknowledge")
    updated_at: dt.datetime


class NotificationChildOut(casework.ChildOut):
    """The child in a notification: the shared child block and the postcode the council was chosen by.
    Its own name, so the OpenAPI document does not give advice requests' child a postcode."""

    postcode: str


class ParentOut(Schema):
    name: str
    relationship: str
    phone: str
    email: str
    address: str
    language: str
    interpreter_needed: bool


class NotificationOut(NotificationSummaryOut):
    child: NotificationChildOut
    parent: ParentOut
    team_or_service: str
    professional_name: str
    profession: str
    opinion: str
    areas_of_need: list[str]
    opinion_formed_on: dt.date | None
    parent_told_on: dt.date | None = Field(None, description="CFA 2014 s23(2)(a)")
    discussion: str = Field(description="held or offered (s23(2)(b))")
    discussion_on: dt.date | None
    discussion_with: str
    parent_view: str
    parent_views: str
    voluntary_organisations: str = Field(description="s23(4): named to the parent")
    no_voluntary_organisation: bool = Field(description="s23(4): none considered likely to help")
    referral_consent: str
    referral_consent_on: dt.date | None
    referral_consent_detail: str
    la_reference: str
    decision_detail: str
    decided_on: dt.date | None
    attachments: list[str] = Field(description="File names; download them from the notification's page")


class NotificationPage(casework.Page):
    results: list[NotificationSummaryOut]


class NotificationFilters(casework.ListFilters):
    status: Literal["sent", "acknowledged", "decided"] | None = None
    updated_since: dt.datetime | None = Field(
        None, description="ISO 8601; only notifications changed since then"
    )


class AcknowledgeIn(InputSchema):
    expected_version: int | None = Field(
        None, ge=1, description="The version you read; a different version now answers 409 Conflict"
    )
    la_reference: str = Field("", max_length=50)
    decision: (
        Literal["consider_assessment", "early_years", "already_known", "information", "other"] | None
    ) = None
    decision_detail: str = Field("", max_length=3000)


def _summary(n: Notification) -> dict[str, Any]:
    return {
        "id": n.public_id,
        "reference": n.reference,
        "status": n.status,
        "child_id": n.child.public_id,
        "notifying_body": n.notifying_body.name,
        "sent_on": n.sent_on,
        "acknowledge_by": n.acknowledge_by,
        "acknowledged_on": n.acknowledged_on,
        "decision": n.decision,
        "advice_request_reference": n.advice_reference or None,
        "objection": n.objection,
        "version": n.version,
        "updated_at": n.updated_at,
    }


def _detail(n: Notification) -> dict[str, Any]:
    return {
        **_summary(n),
        "child": {**casework.child_out(n.child), "postcode": n.child_postcode},
        "parent": {
            "name": n.parent_name,
            "relationship": n.parent_relationship,
            "phone": n.parent_phone,
            "email": n.parent_email,
            "address": n.parent_address,
            "language": n.parent_language,
            "interpreter_needed": n.interpreter_needed,
        },
        "team_or_service": n.notifier.name,
        **{
            name: getattr(n, name)
            for name in (
                "professional_name",
                "profession",
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
                "la_reference",
                "decision_detail",
                "decided_on",
            )
        },
        "attachments": [a.name for a in n.attachments.all()],
    }


def _own(token: ApiToken) -> Any:
    return access.notifications_for_token(token).select_related(
        "child", "notifying_body", "team", "dco_service", "local_authority"
    )


def _get(token: ApiToken, notification_id: str) -> Notification:
    found: Notification = casework.one_of(_own(token), notification_id)
    return found


@router.get(
    "/notifications",
    response={200: NotificationPage, **RESPONSES},
    summary="List the section 23 notifications sent to this LA",
)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    """Newest change first. Shows no names: read one notification for the child's details."""
    token = casework.token_of(request)
    return casework.list_page(
        request,
        filters,
        rows=access.notifications_for_token(token),
        shown=_own(token),
        serialise=_summary,
        listing="section 23 list",
        noun="notifications",
    )


@router.get(
    "/notifications/{notification_id}",
    response={200: NotificationOut, **RESPONSES},
    summary="Read one section 23 notification",
)
def read_notification(request: HttpRequest, notification_id: str) -> dict[str, Any]:
    """The child, who holds parental responsibility, the opinion and the statutory steps recorded."""
    notification = _get(casework.token_of(request), notification_id)
    casework.record_read(request, notification, notification.child)
    return _detail(notification)


@router.post(
    "/notifications/{notification_id}/acknowledge",
    response={200: NotificationOut, **RESPONSES},
    summary="Acknowledge a section 23 notification (optionally with the LA's decision)",
)
def acknowledge_notification(
    request: HttpRequest, notification_id: str, payload: AcknowledgeIn
) -> dict[str, Any]:
    """The notifier sees the acknowledgement and decision. Already acknowledged: 409 Conflict."""
    token = casework.token_of(request)
    notification = _get(token, notification_id)
    services.acknowledge(
        user=None,
        context=casework.call_context(request),
        notification=notification,
        expected_version=payload.expected_version or notification.version,
        la_reference=payload.la_reference,
        decision=payload.decision or "",
        decision_detail=payload.decision_detail,
    )
    return _detail(_get(token, notification_id))


def invalid_transition(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(request, 409, "Conflict", str(exc))


def mount() -> None:
    """Add this router to the casework API once (from Section23Config.ready)."""
    if getattr(api, "_section23_mounted", False):
        return
    api.add_exception_handler(services.InvalidTransition, invalid_transition)
    api.add_router("/", router)
    api._section23_mounted = True  # type: ignore[attr-defined]

"""EHC needs assessment advice in the LA casework API (casework/api.py, mounted at
/api/casework/v1/): the endpoints are added to that API when `AdviceConfig.ready` imports this module.

A token acts for its LA only: it can record an EHC needs assessment with a request for health advice,
list the LA's requests (paginated; filter by status and `updated_since`), and read one request's
status, due dates and released advice. Every read or change of a child's record is written to the
audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from accounts.models import ApiToken
from advice import access, services
from advice.models import AdviceRequest, Assignment, EHCNeedsAssessment, HealthAdvice
from casework import api as casework
from casework.api import ERRORS, api
from children.services import record_child
from core.inputs import InputSchema

# --- schemas --------------------------------------------------------------------------------------


class ChildIn(InputSchema):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    nhs_number: str = Field("", description="10 digits; spaces allowed; validated with its check digit")
    school_or_setting: str = Field("", max_length=200)


class AssessmentIn(InputSchema):
    la_reference: str = Field("", max_length=50)
    request_received_on: dt.date = Field(description="The day the LA received the request for assessment")
    clock_start_type: Literal["s36_request", "s24_became_responsible"] = "s36_request"
    clock_start_date: dt.date | None = Field(None, description="Defaults to request_received_on")
    decision_to_assess_on: dt.date | None = None
    is_reassessment: bool = False


class RequestIn(InputSchema):
    child: ChildIn
    assessment: AssessmentIn
    questions: str = Field(min_length=1, max_length=10000)
    known_health_involvement: str = Field("", max_length=10000)
    sent_on: dt.date | None = Field(None, description="The day the LA sent the request; defaults to today")


class ProvisionOut(Schema):
    what: str
    who: str
    how_often: str
    how_long: str
    where: str = ""
    section: str
    commissioned: bool = True


class AdviceOut(Schema):
    revision: int
    advice_date: dt.date
    author_name: str
    author_profession: str
    author_registration_body: str
    author_registration_number: str
    views_and_aspirations: str
    strengths: str
    needs: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    provision: list[ProvisionOut]
    preparing_for_adulthood: str
    related_plans: str


class AssignmentOut(Schema):
    id: uuid.UUID
    team: str
    status: str
    received_on: dt.date
    due_on: dt.date = Field(description="SEND Regs 2014 reg 8(1): 6 weeks from received_on")
    returned_on: dt.date | None
    has_exception: bool
    not_known_reason: str = ""
    advice: AdviceOut | None = Field(None, description="Only once released to the LA")


class AssessmentOut(Schema):
    id: uuid.UUID
    la_reference: str
    clock_start_type: str
    clock_start_date: dt.date
    decision_due: dt.date
    no_plan_notice_due: dt.date
    final_plan_due: dt.date


class RequestSummaryOut(Schema):
    id: uuid.UUID
    reference: str
    status: str
    child_id: uuid.UUID
    la_reference: str
    received_by_health: dt.date
    due_on: dt.date
    completed_on: dt.date | None
    updated_at: dt.datetime
    assignments: list[AssignmentOut]


class RequestOut(RequestSummaryOut):
    child: casework.ChildOut
    assessment: AssessmentOut
    questions: str
    known_health_involvement: str
    sent_on: dt.date
    created_at: dt.datetime


class RequestPage(casework.Page):
    results: list[RequestSummaryOut]


class ListFilters(casework.ListFilters):
    status: Literal["submitted", "routed", "quality_check", "complete", "cancelled"] | None = None
    updated_since: dt.datetime | None = Field(None, description="ISO 8601; only requests changed since then")


# --- serialising ----------------------------------------------------------------------------------


def _assignment_out(assignment: Assignment) -> dict[str, Any]:
    advice = None
    if assignment.status == Assignment.Status.RELEASED:
        released: list[HealthAdvice] = list(assignment.advice.all())  # prefetched, newest first
        if released:
            a = released[0]
            advice = {
                name: getattr(a, name)
                for name in (
                    "revision",
                    "advice_date",
                    "author_name",
                    "author_profession",
                    "author_registration_body",
                    "author_registration_number",
                    "views_and_aspirations",
                    "strengths",
                    "needs",
                    "outcomes",
                    "provision",
                    "preparing_for_adulthood",
                    "related_plans",
                )
            }
    return {
        "id": assignment.public_id,
        "team": assignment.team.name,
        "status": assignment.status,
        "received_on": assignment.received_on,
        "due_on": assignment.due_on,
        "returned_on": assignment.returned_on,
        "has_exception": assignment.has_exception,
        "not_known_reason": assignment.not_known_reason
        if assignment.status == Assignment.Status.NOT_KNOWN
        else "",
        "advice": advice,
    }


def _summary_out(advice_request: AdviceRequest) -> dict[str, Any]:
    return {
        "id": advice_request.public_id,
        "reference": advice_request.reference,
        "status": advice_request.status,
        "child_id": advice_request.child.public_id,
        "la_reference": advice_request.assessment.la_reference,
        "received_by_health": advice_request.received_by_health,
        "due_on": advice_request.due_on,
        "completed_on": advice_request.completed_on,
        "updated_at": advice_request.updated_at,
        "assignments": [_assignment_out(a) for a in advice_request.assignments.all()],
    }


def _detail_out(advice_request: AdviceRequest) -> dict[str, Any]:
    assessment = advice_request.assessment
    return {
        **_summary_out(advice_request),
        "child": casework.child_out(advice_request.child),
        "assessment": {
            "id": assessment.public_id,
            "la_reference": assessment.la_reference,
            "clock_start_type": assessment.clock_start_type,
            "clock_start_date": assessment.clock_start_date,
            "decision_due": assessment.decision_due,
            "no_plan_notice_due": assessment.no_plan_notice_due,
            "final_plan_due": assessment.final_plan_due,
        },
        "questions": advice_request.questions,
        "known_health_involvement": advice_request.known_health_involvement,
        "sent_on": advice_request.sent_on,
        "created_at": advice_request.created_at,
    }


def _own(token: ApiToken) -> Any:
    """The LA's own requests: the scope of every endpoint (advice.access.requests_for_token)."""
    return access.requests_for_token(token)


def _requests_for(token: ApiToken) -> Any:
    """The LA's own requests, with everything the response shows fetched in a fixed number of queries."""
    return (
        _own(token)
        .select_related("child", "assessment")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("team")
                .prefetch_related(Prefetch("advice", queryset=HealthAdvice.objects.order_by("-revision")))
                .order_by("pk"),
            )
        )
    )


# --- endpoints ------------------------------------------------------------------------------------


@api.post(
    "/requests", response={201: RequestOut, **ERRORS}, summary="Ask health for EHC needs assessment advice"
)
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    """Records the child (or finds the existing record: one record per child), the EHC needs
    assessment with its statutory dates, and the request for advice. The health advice due date is
    6 weeks from the day health receives the request (SEND Regs 2014 reg 8)."""
    token = casework.token_of(request)
    la = token.organisation
    with transaction.atomic():
        child, _ = record_child(
            user=None,
            given_name=payload.child.given_name,
            family_name=payload.child.family_name,
            date_of_birth=payload.child.date_of_birth,
            nhs_number=payload.child.nhs_number,
            school_or_setting_name=payload.child.school_or_setting,
            local_authority=la,
            context=casework.call_context(request),
        )
        created = services.request_advice(
            user=None,
            context=casework.call_context(request),
            local_authority=la,
            child=child,
            request_received_on=payload.assessment.request_received_on,
            clock_start_type=payload.assessment.clock_start_type,
            clock_start_date=payload.assessment.clock_start_date,
            decision_to_assess_on=payload.assessment.decision_to_assess_on,
            la_reference=payload.assessment.la_reference,
            is_reassessment=payload.assessment.is_reassessment,
            questions=payload.questions,
            known_health_involvement=payload.known_health_involvement,
            sent_on=payload.sent_on,
        )
    return Status(201, _detail_out(_requests_for(token).get(pk=created.pk)))


@api.get("/requests", response={200: RequestPage, **ERRORS}, summary="List this LA's requests")
def list_requests(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    """Newest change first. Shows no names: fetch one request to see the child's details."""
    token = casework.token_of(request)
    return casework.list_page(
        request,
        filters,
        rows=_own(token),
        shown=_requests_for(token),
        serialise=_summary_out,
        listing="list",
        noun="requests",
    )


@api.get("/requests/{request_id}", response={200: RequestOut, **ERRORS}, summary="Read one request")
def read_request(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """Status, statutory due dates, each team's response and the advice released to the LA."""
    advice_request = casework.one_of(_requests_for(casework.token_of(request)), request_id)
    casework.record_read(request, advice_request, advice_request.child)
    return _detail_out(advice_request)


__all__ = ["EHCNeedsAssessment", "api"]

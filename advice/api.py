"""The casework API for LA case-management systems, mounted at /api/casework/v1/ (django-ninja).

Each LA has its own bearer tokens (`accounts.ApiToken`, `Authorization: Bearer <token>`). A token
acts for its LA only: it can record an EHC needs assessment with a request for health advice, list the
LA's requests (paginated; filter by status and `updated_since`), and read one request's status, due
dates and released advice. Errors are problem documents (RFC 9457, `application/problem+json`).
Every read or change of a child's record is written to the audit log. The OpenAPI document is at
`openapi.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accounts.models import ApiToken, Organisation
from advice import access, services
from advice.models import AdviceRequest, Assignment, EHCNeedsAssessment, HealthAdvice
from audit.context import AuditContext, audit_context
from audit.services import record_access
from children.services import record_child
from core.concurrency import ConcurrentUpdate
from core.inputs import BodyRejected, InputSchema, LimitedJsonParser
from lib.inputs import MAX_PAGE

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 1024 * 1024
MAX_BODY_DEPTH = 10


class LaToken(HttpBearer):
    """A live token belonging to an active local authority."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.authenticate(token)
        if found is None or found.organisation.kind != Organisation.Kind.LOCAL_AUTHORITY:
            return None
        return found


api = NinjaAPI(
    title="SEND Health Hub casework API",
    version="1.0.0",
    description=(
        "For local authority case-management systems: ask health for EHC needs assessment advice and read "
        "back status, statutory due dates and released advice. Authenticate with `Authorization: Bearer "
        "<token>` (one or more tokens per LA). Errors are problem documents (application/problem+json)."
    ),
    auth=LaToken(),
    urls_namespace="casework-api",
    docs_url=None,  # the interactive page loads scripts from a CDN, which the CSP forbids; use openapi.json
    # A request is a few kilobytes nested three deep; anything far bigger or deeper is refused unread.
    parser=LimitedJsonParser(max_bytes=MAX_BODY_BYTES, max_depth=MAX_BODY_DEPTH),
)


def problem(request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        **({"detail": detail} if detail else {}),
        **extra,
    }
    response = HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="casework"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 401, "Unauthorised", "Send a valid LA token: Authorization: Bearer <token>.")


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    def field(loc: Any) -> str | None:
        parts = list(loc or [])
        while parts and parts[0] in ("body", "query", "path", "payload", "filters"):
            parts.pop(0)
        return ".".join(str(p) for p in parts) or None

    def message(error: dict[str, Any]) -> str:
        return str(error.get("msg", "")).removeprefix("Value error, ")

    errors = [{"field": field(e.get("loc")), "message": message(e)} for e in exc.errors]
    return problem(request, 422, "Invalid request", "Some fields are missing or invalid.", errors=errors)


@api.exception_handler(DjangoValidationError)
def _rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": m} for field, messages in exc.message_dict.items() for m in messages
        ]
    else:
        errors = [{"field": None, "message": m} for m in exc.messages]
    return problem(
        request, 422, "Invalid request", str(errors[0]["message"]) if errors else "", errors=errors
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "Not found", "There is no such record for this LA.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 403, "Forbidden", str(exc))


@api.exception_handler(ConcurrentUpdate)
def _conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 409, "Conflict", str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyRejected):  # ninja wraps every body parsing error in a 400
        rejected = exc.__cause__
        title = "Request body too large" if rejected.status == 413 else "Invalid request body"
        return problem(request, rejected.status, title, str(rejected))
    return problem(request, exc.status_code, "Error", str(exc))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    """What Django itself answers with a 400 outside the API (a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    among them), as a problem document rather than a 500."""
    if isinstance(exc, RequestDataTooBig):
        return problem(
            request, 413, "Request body too large", f"The body must be at most {MAX_BODY_BYTES:,} bytes."
        )
    return problem(request, 400, "Bad request", "The request could not be read.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Casework API error")
    return problem(request, 500, "Server error", "Something went wrong on our side. Try again later.")


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


class ChildOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str


class RequestOut(RequestSummaryOut):
    child: ChildOut
    assessment: AssessmentOut
    questions: str
    known_health_involvement: str
    sent_on: dt.date
    created_at: dt.datetime


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[RequestSummaryOut]


class ListFilters(InputSchema):
    status: Literal["submitted", "routed", "quality_check", "complete", "cancelled"] | None = None
    updated_since: dt.datetime | None = Field(None, description="ISO 8601; only requests changed since then")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


ERRORS: dict[int, type[Schema]] = {400: Problem, 401: Problem, 404: Problem, 413: Problem, 422: Problem}


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
    child = advice_request.child
    assessment = advice_request.assessment
    return {
        **_summary_out(advice_request),
        "child": {
            "id": child.public_id,
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth,
            "nhs_number": child.nhs_number,
        },
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


def _context(request: HttpRequest) -> AuditContext:
    """The audit context of an API call: the token acting for its LA."""
    return audit_context(request, token=request.auth)  # type: ignore[attr-defined]


def _who(token: ApiToken) -> str:
    return f"API token {token.prefix} ({token.name}) for {token.organisation.name}"


# --- endpoints ------------------------------------------------------------------------------------


@api.post(
    "/requests", response={201: RequestOut, **ERRORS}, summary="Ask health for EHC needs assessment advice"
)
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    """Records the child (or finds the existing record: one record per child), the EHC needs
    assessment with its statutory dates, and the request for advice. The health advice due date is
    6 weeks from the day health receives the request (SEND Regs 2014 reg 8)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
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
            context=_context(request),
        )
        created = services.request_advice(
            user=None,
            context=_context(request),
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
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    queryset = _own(token)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gt=filters.updated_since)
    count = queryset.count()
    start = (filters.page - 1) * filters.page_size
    # The page's ids come from the (LA, updated_at, id) index alone; the rows and their details are
    # then fetched by id, so no join runs over the whole list before the LIMIT (national scale).
    ids = list(
        queryset.order_by("-updated_at", "-pk").values_list("pk", flat=True)[
            start : start + filters.page_size
        ]
    )
    rows = {r.pk: r for r in _requests_for(token).filter(pk__in=ids)} if ids else {}
    page = [rows[pk] for pk in ids if pk in rows]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    record_access(
        user=None,
        action="search",
        obj=None,
        context=_context(request),
        detail=f"{_who(token)}: list page {filters.page} ({len(page)} requests)",
    )
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "next": link(filters.page + 1) if start + len(page) < count else None,
        "previous": link(filters.page - 1) if filters.page > 1 else None,
        "results": [_summary_out(r) for r in page],
    }


@api.get("/requests/{request_id}", response={200: RequestOut, **ERRORS}, summary="Read one request")
def read_request(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """Status, statutory due dates, each team's response and the advice released to the LA."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    try:
        advice_request = _requests_for(token).get(public_id=uuid.UUID(request_id))
    except (ValueError, AdviceRequest.DoesNotExist) as exc:
        raise Http404 from exc
    record_access(
        user=None,
        action="view",
        obj=advice_request,
        child=advice_request.child,
        context=_context(request),
        detail=_who(token),
    )
    return _detail_out(advice_request)


__all__ = ["EHCNeedsAssessment", "api"]

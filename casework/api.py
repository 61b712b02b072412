"""The casework API for LA case-management systems, mounted at /api/casework/v1/ (django-ninja): what
every kind of case's endpoints share. Each kind adds its own endpoints to `api` when its app is ready
(advice requests: advice/api.py; section 23 notifications: section23/api.py), so there is one token,
one set of problem documents and one OpenAPI document (`openapi.json`).

Each LA has its own bearer tokens (`accounts.ApiToken`, `Authorization: Bearer <token>`). A token
acts for its LA only: each kind scopes its rows to the token's LA. Errors are problem documents
(RFC 9457, `application/problem+json`). Every read or change of a child's record is written to the
audit log; a list is logged as a search.

    @api.get("/things", response={200: ThingPage, **ERRORS})
    def list_things(request, filters: Query[ThingFilters]):
        token = token_of(request)
        return list_page(request, filters, rows=own(token), shown=own_with_details(token),
                         serialise=summary, listing="things list", noun="things")
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accounts.models import ApiToken, Organisation
from audit.context import AuditContext, audit_context
from audit.services import record_access
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


# --- problem documents ----------------------------------------------------------------------------


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


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


ERRORS: dict[int, type[Schema]] = {400: Problem, 401: Problem, 404: Problem, 413: Problem, 422: Problem}


# --- lists: filters, pages --------------------------------------------------------------------------


class ListFilters(InputSchema):
    """What every list takes. A kind's own filters narrow `status` to its states and say what
    `updated_since` counts (the fields keep this order in the OpenAPI document)."""

    status: str | None = None
    updated_since: dt.datetime | None = Field(None, description="ISO 8601; only records changed since then")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema):
    """One page of a list; a kind's own page adds `results`, a list of its summaries."""

    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


def list_page(
    request: HttpRequest,
    filters: ListFilters,
    *,
    rows: QuerySet[Any],
    shown: QuerySet[Any],
    serialise: Callable[[Any], dict[str, Any]],
    listing: str,
    noun: str,
) -> dict[str, Any]:
    """One page of the LA's records, newest change first, with links to the pages either side;
    logged as a search ("<token>: <listing> page 2 (50 <noun>)").

    rows: the token's own records (scoped by the kind's access rule); shown: the same with what
    `serialise` reads fetched alongside (select_related, prefetch_related)."""
    token = token_of(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.updated_since:
        rows = rows.filter(updated_at__gt=filters.updated_since)
    count = rows.count()
    start = (filters.page - 1) * filters.page_size
    # The page's ids come from the (LA, updated_at, id) index alone; the rows and their details are
    # then fetched by id, so no join runs over the whole list before the LIMIT (national scale).
    ids = list(
        rows.order_by("-updated_at", "-pk").values_list("pk", flat=True)[start : start + filters.page_size]
    )
    found = {r.pk: r for r in shown.filter(pk__in=ids)} if ids else {}
    page = [found[pk] for pk in ids if pk in found]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    record_access(
        user=None,
        action="search",
        obj=None,
        context=call_context(request),
        detail=f"{who(token)}: {listing} page {filters.page} ({len(page)} {noun})",
    )
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "next": link(filters.page + 1) if start + len(page) < count else None,
        "previous": link(filters.page - 1) if filters.page > 1 else None,
        "results": [serialise(r) for r in page],
    }


# --- one record -------------------------------------------------------------------------------------


class ChildOut(Schema):
    """The child a record is about, as every kind's full record shows it (never in a list)."""

    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str


def child_out(child: Any) -> dict[str, Any]:
    return {
        "id": child.public_id,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
        "nhs_number": child.nhs_number,
    }


def one_of[M: Model](rows: QuerySet[M], public_id: str) -> M:
    """The record with this public id among the token's own rows; 404 for any other id."""
    try:
        return rows.get(public_id=uuid.UUID(public_id))
    except (ValueError, ObjectDoesNotExist) as exc:
        raise Http404 from exc


def record_read(request: HttpRequest, obj: Model, child: Any) -> None:
    """Log that the calling LA's system read a child's record."""
    record_access(
        user=None,
        action="view",
        obj=obj,
        child=child,
        context=call_context(request),
        detail=who(token_of(request)),
    )


# --- the caller ---------------------------------------------------------------------------------------


def token_of(request: HttpRequest) -> ApiToken:
    """The LA token the call was authenticated with."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def call_context(request: HttpRequest) -> AuditContext:
    """The audit context of an API call: the token acting for its LA."""
    return audit_context(request, token=token_of(request))


def who(token: ApiToken) -> str:
    return f"API token {token.prefix} ({token.name}) for {token.organisation.name}"

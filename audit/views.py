"""The access log pages: search, who has looked at a child, and CSV exports (themselves logged).

Who may see them: DCOs, DCO administrators and system administrators (see audit.scope). Anyone else
signed in gets 404; anyone signed out is sent to sign in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import naming, scope, trail
from audit.forms import AuditSearchForm
from audit.models import Action, AuditEvent, AuditEventQuerySet
from audit.services import record_access
from audit.trail import shows_children
from core.exports import csv_response

PAGE_SIZE = 50
CSV_HEADER = [
    "when (UTC)",
    "email",
    "name",
    "organisations",
    "roles",
    "action",
    "record type",
    "record id",
    "child public id",
    "ip address",
    "user agent",
    "path",
    "detail",
]


def audit_reader_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in DCOs, DCO administrators and system administrators only; 404 for other staff."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scope.can_search(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_events(events: AuditEventQuerySet, data: dict[str, Any]) -> AuditEventQuerySet:
    if data.get("person"):
        events = events.filter(user_email__icontains=data["person"])
    child = data.get("child")
    if child:
        if len(child) == 10 and child.isdigit():
            events = events.filter(child_public_id__in=scope.children_by_nhs_number(child))
        else:
            events = events.filter(child_public_id=uuid.UUID(child))
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    return events


def _page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"?{params.urlencode()}"


@shows_children
@require_GET
@audit_reader_required
def search(request: HttpRequest) -> HttpResponse:
    """Search the access log. Who may see it: DCOs, DCO administrators, system administrators."""
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.visible_to(request.user).select_related("user")
    if form.is_bound and form.is_valid():
        events = filtered_events(events, form.cleaned_data)
        if form.cleaned_data.get("child"):
            record_access(
                user=request.user,
                action=Action.SEARCH,
                obj=None,
                request=request,
                detail=f"Searched the access log: {form.describe()}",
            )
    elif form.is_bound:
        events = events.none()
    paginator = Paginator(events, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    pagination: dict[str, Any] = {}
    if page.has_previous():
        pagination["previous"] = {
            "href": _page_link(request, page.previous_page_number()),
            "labelText": "Newer",
        }
    if page.has_next():
        pagination["next"] = {"href": _page_link(request, page.next_page_number()), "labelText": "Older"}
    export_query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "names": _names(request, page),
            "page_links": pagination,
            "export_query": export_query,
            "page_has_errors": form.is_bound and bool(form.errors),
        },
    )


def _names(request: HttpRequest, page: Any) -> naming.EventNames:
    """The page's records as people know them (audit.naming); the children it names are noted for
    the access log like any page that shows a child."""
    names = naming.describe(request.user, page.object_list)
    trail.shown_children(names.named_children)
    return names


def _csv_rows(events: AuditEventQuerySet) -> Iterator[tuple[Any, ...]]:
    for event in events.iterator(chunk_size=2000):
        name = event.user.get_full_name() if event.user_id and event.user else ""
        yield (
            event.at.astimezone(dt.UTC).isoformat(),
            event.user_email,
            name,
            event.organisation_names,
            event.role_names,
            event.action,
            event.object_type,
            event.object_id,
            event.child_public_id or "",
            event.ip_address or "",
            event.user_agent,
            event.path,
            event.detail,
        )


def _csv_response(events: AuditEventQuerySet, filename: str) -> StreamingHttpResponse:
    """The events as CSV (core.exports: no cell runs as a formula), without a byte-order mark as it
    has always been, and never kept in a browser's cache."""
    response = csv_response(filename, CSV_HEADER, _csv_rows(events), byte_order_mark=False)
    response["Cache-Control"] = "no-store"
    return response


@shows_children
@require_GET
@audit_reader_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The search results as CSV; the export is itself logged. Who may see it: as `search`."""
    form = AuditSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404
    data = form.cleaned_data if form.is_bound else {}
    events = filtered_events(AuditEvent.objects.visible_to(request.user), data).select_related("user")
    count = events.count()
    record_access(
        user=request.user,
        action=Action.EXPORT,
        obj=None,
        request=request,
        detail=f"Exported {count} access log events as CSV: {form.describe() if form.is_bound else 'no filters'}",
    )
    return _csv_response(events, f"access-log-{timezone.localdate():%Y-%m-%d}.csv")


@shows_children
@require_GET
@audit_reader_required
def child(request: HttpRequest, child_public_id: uuid.UUID) -> HttpResponse:
    """Who has looked at this child's records. Who may see it: system administrators, and DCOs and DCO
    administrators for children in their areas."""
    events = scope.get_child_events_for_user(request.user, child_public_id)
    record_access(
        user=request.user,
        action=Action.VIEW,
        obj=None,
        child=child_public_id,
        request=request,
        detail="Looked at who has accessed this child's records",
    )
    people = (
        events.values("user_email", "user__first_name", "user__last_name")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")
    )
    paginator = Paginator(events.select_related("user"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    pagination: dict[str, Any] = {}
    if page.has_previous():
        pagination["previous"] = {"href": f"?page={page.previous_page_number()}", "labelText": "Newer"}
    if page.has_next():
        pagination["next"] = {"href": f"?page={page.next_page_number()}", "labelText": "Older"}
    return render(
        request,
        "audit/child.html",
        {
            "child_public_id": child_public_id,
            "child_name": naming.child_name(request.user, child_public_id),
            "people": people,
            "page": page,
            "page_links": pagination,
            "names": _names(request, page),
        },
    )


@shows_children
@require_GET
@audit_reader_required
def child_export(request: HttpRequest, child_public_id: uuid.UUID) -> HttpResponse | StreamingHttpResponse:
    """Every access to one child's records as CSV (for subject access requests); logged. Who may see it:
    as `child`."""
    events = scope.get_child_events_for_user(request.user, child_public_id).select_related("user")
    count = events.count()
    record_access(
        user=request.user,
        action=Action.EXPORT,
        obj=None,
        child=child_public_id,
        request=request,
        detail=f"Exported {count} access log events about this child as CSV",
    )
    return _csv_response(events, f"access-log-child-{child_public_id}.csv")

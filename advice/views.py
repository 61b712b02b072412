"""The casework pages: thin views that parse a form, fetch through the one access function, call one
service and render or redirect.

Access: every record is fetched with `get_advice_request_for_user`, `get_assignment_for_user` or a
`visible_to(user)` list; anything outside reach is a 404. Signed-out people are sent to sign in.
Every page that shows or exports a child's record writes `audit.services.record_access` (changes
are audited by the services themselves). Each view's docstring says who may see it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.forms.utils import ErrorDict
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import reach_for
from accounts.models import Organisation
from advice import access, dashboard, services
from advice.forms import (
    AdviceForm,
    AssessmentRequestForm,
    ExceptionForm,
    ListFilterForm,
    NotKnownForm,
    QualityCheckForm,
    RequestListForm,
    RouteForm,
    VersionForm,
    add_service_errors,
    row_formsets,
    typed_rows,
    typed_values,
)
from advice.models import (
    QUALITY_CRITERIA,
    AdviceDraft,
    AdviceRequest,
    Assignment,
    EHCNeedsAssessment,
    HealthAdvice,
    QualityCheck,
)
from audit import trail
from audit.context import audit_context
from audit.services import record_access
from audit.trail import shows_children
from casework.dashboard import csv_response
from children.forms import FindChildForm, SameChildForm
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer, PossibleDuplicate
from children.services import match_child, record_child
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view
from core.date_input import DateField
from core.exports import ExportReasonForm
from core.formatting import clock_time, plural
from core.uploads import servable_type

PAGE_SIZE = 50
NEW_CHILD_DETAILS = "advice_new_child_details"  # session: what the caseworker typed about the child
NEW_CHILD = "advice_new_child"  # session: the child record chosen or created for the new request

STATUS_TAG_CLASSES = {
    AdviceRequest.Status.SUBMITTED: "nhsuk-tag--blue",
    AdviceRequest.Status.ROUTED: "nhsuk-tag--purple",
    AdviceRequest.Status.QUALITY_CHECK: "nhsuk-tag--yellow",
    AdviceRequest.Status.COMPLETE: "nhsuk-tag--green",
    AdviceRequest.Status.CANCELLED: "nhsuk-tag--grey",
    Assignment.Status.ACCEPTED: "nhsuk-tag--aqua-green",
    Assignment.Status.NOT_KNOWN: "nhsuk-tag--grey",
    Assignment.Status.ADVICE_SUBMITTED: "nhsuk-tag--yellow",
    Assignment.Status.REWORK_REQUESTED: "nhsuk-tag--orange",
    Assignment.Status.RELEASED: "nhsuk-tag--green",
}


# --- helpers ------------------------------------------------------------------------------------


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render with the shared context: `page_has_errors` when any form or formset on it has errors."""
    has_errors = False
    for value in context.values():
        if hasattr(value, "is_bound") and value.is_bound:
            errors = value.errors
            if isinstance(errors, list):  # a formset
                has_errors = has_errors or any(errors) or bool(value.non_form_errors())
            else:
                has_errors = has_errors or bool(errors)
    context.setdefault("page_has_errors", has_errors)
    context.setdefault("concurrent", CONFLICT_MESSAGE if in_conflict(request) else "")
    context.setdefault("today", timezone.localdate())
    context.setdefault("status_classes", STATUS_TAG_CLASSES)
    return render(request, template, context, status=status)


def _page(request: HttpRequest, rows: Any) -> tuple[Any, dict[str, Any]]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    links: dict[str, Any] = {}

    def href(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    if page.has_previous():
        links["previous"] = {"href": href(page.previous_page_number()), "labelText": "Previous page"}
    if page.has_next():
        links["next"] = {"href": href(page.next_page_number()), "labelText": "Next page"}
    return page, links


def _page_of_ids(request: HttpRequest, rows: Any) -> tuple[Any, dict[str, Any]]:
    """Paginate on the ids alone (sorted and limited without joins, from the indexes), then fetch
    just that page's rows with their related records: fast however many rows match."""
    page, links = _page(request, rows.values_list("pk", flat=True))
    ids = dashboard.page_ids(rows, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    found = {row.pk: row for row in rows.model.objects.filter(pk__in=ids).select_related(*_related(rows))}
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page, links


def _related(rows: Any) -> list[str]:
    related = rows.query.select_related
    names: list[str] = []

    def walk(tree: Any, prefix: str = "") -> None:
        for name, sub in (tree or {}).items():
            names.append(prefix + name)
            walk(sub, prefix + name + "__")

    if isinstance(related, dict):
        walk(related)
    return names


def _require(condition: bool) -> None:
    """Outside reach is a 404, so a stranger learns nothing."""
    if not condition:
        raise Http404


def _view_audit(request: HttpRequest, obj: Any, child: Any, detail: str = "") -> None:
    record_access(user=request.user, action="view", obj=obj, child=child, request=request, detail=detail)


def _note_children(rows: Any) -> None:
    """The access log gets an event for each child on a list page (audit.trail): one query, however
    many rows."""
    rows = list(rows)
    if not rows:
        return
    model = type(rows[0])
    path = "child__public_id" if model is AdviceRequest else "advice_request__child__public_id"
    trail.shown_children(model.objects.filter(pk__in=[r.pk for r in rows]).values_list(path, flat=True))


# --- the LA asks for advice ---------------------------------------------------------------------


def _la_organisations(user: Any) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=reach_for(user).la_ids).order_by("name"))


@shows_children
@login_required
@require_GET
def la_requests(request: HttpRequest) -> HttpResponse:
    """The LA's requests with status, due dates and released advice.
    Who may see it: LA SEN caseworkers (their own LAs' requests); anyone else 404."""
    access.require_party(request.user, "la")
    reach = reach_for(request.user)
    form = RequestListForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = (
        AdviceRequest.objects.visible_to(request.user)
        .filter(local_authority_id__in=reach.la_ids)
        .select_related("child", "local_authority")
        .annotate(
            teams=Count("assignments"),
            answered=Count(
                "assignments",
                filter=Q(assignments__status__in=[Assignment.Status.RELEASED, Assignment.Status.NOT_KNOWN]),
            ),
        )
        .order_by("-received_by_health", "-pk")
    )
    if status:
        rows = rows.filter(status=status)
    page, links = _page(request, rows)
    _note_children(page)
    return _render(
        request,
        "advice/la_requests.html",
        {"page": page, "page_links": links, "status": status, "form": form, "page_has_errors": False},
    )


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Request health advice, step 1: find or record the child.
    Who may see it: LA SEN caseworkers; anyone else 404."""
    access.require_party(request.user, "la")
    las = _la_organisations(request.user)
    initial = None
    if request.GET.get("change") and request.session.get(NEW_CHILD_DETAILS):
        initial = dict(request.session[NEW_CHILD_DETAILS])
        initial["date_of_birth"] = dt.date.fromisoformat(initial["date_of_birth"])
    form = FindChildForm(request.POST or None, initial=initial, local_authorities=las)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        request.session[NEW_CHILD_DETAILS] = {
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"].isoformat(),
            "nhs_number": data["nhs_number"],
            "school_or_setting_name": data["school_or_setting_name"],
            "local_authority": data["local_authority"].pk,
        }
        match = match_child(
            local_authority=data["local_authority"],
            nhs_number=data["nhs_number"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
        # Only the LA's own record is ever offered (ADR 0013): the next page is the same whether or
        # not anyone else holds this child.
        if match.own is not None:
            return redirect("advice:request-new-match")
        return _record_child_and_continue(request)
    return _render(request, "advice/request_new.html", {"form": form})


def _details_from_session(request: HttpRequest) -> dict[str, Any]:
    details = request.session.get(NEW_CHILD_DETAILS)
    if not details:
        raise Http404
    details = dict(details)
    details["date_of_birth"] = dt.date.fromisoformat(details["date_of_birth"])
    return details


def _session_la(request: HttpRequest, details: dict[str, Any]) -> Organisation:
    las = {la.pk: la for la in _la_organisations(request.user)}
    local_authority = las.get(details["local_authority"])
    if local_authority is None:
        raise Http404
    return local_authority


def _record_child_and_continue(
    request: HttpRequest, confirmed: ChildOrYoungPerson | None = None
) -> HttpResponse:
    details = _details_from_session(request)
    local_authority = _session_la(request, details)
    del details["local_authority"]
    child, _ = record_child(
        user=request.user,
        local_authority=local_authority,
        context=audit_context(request),
        confirmed=confirmed,
        **details,
    )
    # The server chose this record (matched or created) for this caseworker's new request.
    request.session[NEW_CHILD] = {"child": str(child.public_id), "local_authority": local_authority.pk}
    return redirect("advice:request-new-details")


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def request_new_match(request: HttpRequest) -> HttpResponse:
    """Request health advice: "Is this the same child?" when the LA already holds a likely match.
    Who may see it: LA SEN caseworkers who have just typed the child's details; anyone else 404.
    Only the LA's own records are ever offered (`children.services.match_child`, ADR 0013)."""
    access.require_party(request.user, "la")
    details = _details_from_session(request)
    match = match_child(
        local_authority=_session_la(request, details),
        nhs_number=details["nhs_number"],
        given_name=details["given_name"],
        family_name=details["family_name"],
        date_of_birth=details["date_of_birth"],
    )
    if match.own is None:
        return _record_child_and_continue(request)
    form = SameChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["same"] == "yes":
            return _record_child_and_continue(request, confirmed=match.own)
        messages.info(
            request,
            "Check the child's details. If they are a different child with the same name and date of birth, "
            "enter their NHS number so the two records can be told apart. If the NHS number is right, the "
            "record shown has it: check that record's details.",
        )
        return redirect(f"{reverse('advice:request-new')}?change=1")
    _view_audit(request, match.own, match.own, detail="possible match shown while requesting advice")
    return _render(
        request,
        "advice/request_match.html",
        {"form": form, "match": match.own, "exact": match.own_is_exact},
    )


def _new_request_child(request: HttpRequest) -> tuple[ChildOrYoungPerson, Organisation]:
    access.require_party(request.user, "la")
    chosen = request.session.get(NEW_CHILD)
    if not chosen:
        raise Http404
    las = {la.pk: la for la in _la_organisations(request.user)}
    local_authority = las.get(chosen["local_authority"])
    if local_authority is None:
        raise Http404
    try:
        # Not a lookup by what the browser sent: the server put this id in the session itself, after
        # record_child matched or created the record for this caseworker's request.
        child = ChildOrYoungPerson.objects.select_related("local_authority").get(public_id=chosen["child"])
    except ChildOrYoungPerson.DoesNotExist as exc:
        raise Http404 from exc
    return child, local_authority


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def request_new_details(request: HttpRequest) -> HttpResponse:
    """Request health advice, step 2: the EHC needs assessment, the questions and attachments.
    Who may see it: LA SEN caseworkers with a child chosen in step 1; anyone else 404."""
    child, local_authority = _new_request_child(request)
    form = AssessmentRequestForm(
        request.POST or None, request.FILES or None, date_of_birth=child.date_of_birth
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice_request = services.request_advice(
                user=request.user,
                context=audit_context(request),
                local_authority=local_authority,
                child=child,
                request_received_on=data["request_received_on"],
                clock_start_type=data["clock_start_type"],
                clock_start_date=data["clock_start_date"],
                decision_to_assess_on=data["decision_to_assess_on"],
                la_reference=data["la_reference"],
                questions=data["questions"],
                known_health_involvement=data["known_health_involvement"],
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"sent_on": "questions", "received_by_health": "questions"})
        else:
            request.session.pop(NEW_CHILD, None)
            request.session.pop(NEW_CHILD_DETAILS, None)
            return redirect("advice:request-sent", advice_request.public_id)
    if request.method == "GET":
        _view_audit(request, child, child, detail="requesting advice")
    return _render(
        request,
        "advice/request_details.html",
        {"form": form, "child": child, "local_authority": local_authority},
    )


@shows_children
@login_required
@require_GET
def request_sent(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirmation with the reference and the due date.
    Who may see it: whoever may see the request (the LA, its DCO service, teams it is assigned to)."""
    advice_request = access.get_advice_request_for_user(request.user, public_id)
    return _render(request, "advice/request_sent.html", {"advice_request": advice_request})


# --- the request page (everyone in reach) and the DCO's routing -----------------------------------


def _provider_teams() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER_TEAM, is_active=True)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def _request_context(request: HttpRequest, advice_request: AdviceRequest) -> dict[str, Any]:
    reach = reach_for(request.user)
    is_dco = advice_request.local_authority_id in reach.dco_area_ids
    is_la = advice_request.local_authority_id in reach.la_ids
    released = [Assignment.Status.RELEASED, Assignment.Status.NOT_KNOWN]
    assignments = list(
        advice_request.assignments.select_related("team", "team__parent")
        .prefetch_related(
            Prefetch("advice", queryset=HealthAdvice.objects.order_by("-revision")),
            "exceptions",
        )
        .order_by("team__name")
    )
    if not (is_dco or is_la):
        assignments = [a for a in assignments if a.team_id in reach.team_ids]
    return {
        "advice_request": advice_request,
        "assessment": advice_request.assessment,
        "child": advice_request.child,
        "assignments": assignments,
        "released_statuses": released,
        "is_dco": is_dco,
        "is_la": is_la,
        "attachments": list(advice_request.attachments.all()),
        "can_route": is_dco
        and advice_request.status not in (AdviceRequest.Status.CANCELLED, AdviceRequest.Status.COMPLETE),
        "has_released": any(a.status in released for a in assignments),
        "sharing_warnings": services.sharing_warnings(advice_request.child),
        "identity_check": _open_identity_checks(request.user, [advice_request]).get(advice_request.child_id)
        if is_dco
        else None,
    }


def _route_form(advice_request: AdviceRequest, data: Any = None) -> RouteForm:
    already = list(advice_request.assignments.values_list("team_id", flat=True))
    return RouteForm(
        data,
        initial={"version": advice_request.version},
        teams=_provider_teams(),
        already=already,
        earliest=advice_request.received_by_health,
        lawful_bases=services.LAWFUL_BASES if services.sharing_warnings(advice_request.child) else None,
    )


@shows_children
@login_required
@require_GET
def request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One request: the child, the questions, the clocks, each team's progress and released advice;
    for the DCO, the routing form. Who may see it: the requesting LA's caseworkers, the area's DCO
    service, and provider teams it is assigned to (who see their own assignment only)."""
    advice_request = access.get_advice_request_for_user(request.user, public_id)
    context = _request_context(request, advice_request)
    if context["can_route"]:
        context["form"] = _route_form(advice_request)
    _view_audit(request, advice_request, advice_request.child)
    return _render(request, "advice/request_detail.html", context)


def _route_by_day(
    request: HttpRequest, advice_request: AdviceRequest, data: dict[str, Any]
) -> list[Assignment]:
    """Teams receiving the request on different days are routed in one call per day (each team's
    reg 8 clock starts on its own day), all in one transaction: all routed, or none."""
    by_day: dict[dt.date, list[Organisation]] = {}
    for team in data["teams"]:
        by_day.setdefault(data["received_by_team"][team.pk], []).append(team)
    created: list[Assignment] = []
    with transaction.atomic():
        version = data["version"]
        for day in sorted(by_day):
            created += services.triage_and_route(
                user=request.user,
                advice_request=advice_request,
                expected_version=version,
                teams=by_day[day],
                triage_notes=data["triage_notes"],
                received_on=day,
                lawful_basis=data.get("lawful_basis") or "",
                context=audit_context(request),
            )
            version = advice_request.version  # the service moved it on
    return created


@shows_children
@login_required
@require_POST
@service_view
def request_route(request: HttpRequest, public_id: str) -> HttpResponse:
    """Route the request to provider teams. Who may use it: the area's DCO service; anyone else 404."""
    advice_request = access.get_advice_request_for_user(request.user, public_id, acting_as=("dco",))
    form = _route_form(advice_request, form_data(request))
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        try:
            created = _route_by_day(request, advice_request, data)
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(
                form, exc, {"teams": form.team_field_names[0] if form.team_field_names else ""}
            )
        else:
            names = ", ".join(a.team.name for a in created) or "no new teams (all were already routed)"
            messages.success(request, f"{advice_request.reference} routed to {names}.")
            return redirect("advice:request-detail", advice_request.public_id)
    elif in_conflict(request):
        _view_audit(request, advice_request, advice_request.child)
    context = _request_context(request, advice_request)
    context["form"] = form
    context["can_route"] = True
    return _render(request, "advice/request_detail.html", context)


@shows_children
@login_required
@require_GET
def request_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The released advice as a PDF. Who may see it: the requesting LA's caseworkers and the area's DCO
    service; anyone else 404. Only released advice and nil returns are included."""
    from advice.pdf import released_advice_pdf

    advice_request = access.get_advice_request_for_user(request.user, public_id, acting_as=("la", "dco"))
    context = _request_context(request, advice_request)
    released = [a for a in context["assignments"] if a.status in context["released_statuses"]]
    _require(bool(released))
    content = released_advice_pdf(advice_request, released)
    record_access(
        user=request.user,
        action="export",
        obj=advice_request,
        child=advice_request.child,
        request=request,
        detail="released health advice as PDF",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="health-advice-{advice_request.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- the DCO's queues -----------------------------------------------------------------------------


@shows_children
@login_required
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    """Requests awaiting triage, oldest first. Who may see it: DCOs and DCO administrators (their areas)."""
    access.require_party(request.user, "dco")
    rows = (
        AdviceRequest.objects.visible_to(request.user)
        .filter(
            status=AdviceRequest.Status.SUBMITTED, local_authority_id__in=reach_for(request.user).dco_area_ids
        )
        .select_related("child", "local_authority")
        .annotate(
            # For the sharing warnings beside each row (services.sharing_warnings says the same).
            has_consent=Exists(
                ConsentToShare.objects.filter(child_id=OuterRef("child_id"), withdrawn_at__isnull=True)
            ),
            has_parent=Exists(ParentCarer.objects.filter(child_id=OuterRef("child_id"))),
        )
        .order_by("due_on", "pk")
    )
    page, links = _page(request, rows)
    _note_children(page)
    return _render(
        request,
        "advice/triage.html",
        {"page": page, "page_links": links, "identity_checks": _open_identity_checks(request.user, page)},
    )


def _open_identity_checks(user: Any, requests: Any) -> dict[int, Any]:
    """child pk -> the open possible-duplicate check on the record the request is about, for the
    DCO service (ADR 0013: the LA is never told a check exists, so nobody else sees this)."""
    child_ids = [r.child_id for r in requests]
    if not child_ids:
        return {}
    checks = (
        PossibleDuplicate.objects.visible_to(user)
        .open()
        .filter(new_record_id__in=child_ids)
        .order_by("created_at")
    )
    found: dict[int, Any] = {}
    for check in checks:
        found.setdefault(check.new_record_id, check)
    return found


def _filter_form(request: HttpRequest) -> ListFilterForm:
    reach = reach_for(request.user)
    las = (
        Organisation.objects.filter(pk__in=reach.dco_area_ids)
        .order_by("name")
        .values_list("public_id", "name")
    )
    teams = (
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER_TEAM, is_active=True)
        .order_by("name")
        .values_list("public_id", "name")
    )
    return ListFilterForm(
        request.GET,
        las=[(str(pk), name) for pk, name in las],
        teams=[(str(pk), name) for pk, name in teams],
        statuses=Assignment.Status.choices,
    )


def _list_rows(request: HttpRequest, slug: str, today: dt.date) -> tuple[Any, ListFilterForm]:
    form = _filter_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    rows = dashboard.work_list(
        request.user,
        slug,
        today=today,
        la=data.get("la", ""),
        team=data.get("team", ""),
        status=data.get("status", ""),
        sort=data.get("sort") or "due",
    )
    return rows, form


@shows_children
@login_required
@require_GET
def dco_dashboard(request: HttpRequest) -> HttpResponse:
    """The DCO dashboard: figures, and one work list (filterable, sortable, exportable).
    Who may see it: DCOs and DCO administrators (their areas' requests); anyone else 404."""
    access.require_party(request.user, "dco")
    today = timezone.localdate()
    slug = request.GET.get("list", "overdue")
    if slug not in dashboard.WORK_LISTS:
        slug = "overdue"
    rows, form = _list_rows(request, slug, today)
    page, links = _page_of_ids(request, rows)
    _note_children(page)
    numbers = dashboard.figures(request.user, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("list", None)
    return _render(
        request,
        "advice/dashboard.html",
        {
            "counts": numbers.counts,
            "triage_count": numbers.triage_count,
            "timeliness": numbers.timeliness,
            "possible_duplicates": PossibleDuplicate.objects.visible_to(request.user).open().count(),
            "lists": dashboard.WORK_LISTS,
            "current": dashboard.WORK_LISTS[slug],
            "form": form,
            "page": page,
            "page_links": links,
            "filter_query": query.urlencode(),
            "page_has_errors": False,
        },
    )


@shows_children
@login_required
@require_GET
def dco_dashboard_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """One dashboard list as CSV, with the same filters and the columns the page shows (no names); the
    export is audited. Who may see it: DCOs and DCO administrators; anyone else 404."""
    access.require_party(request.user, "dco")
    _require(slug in dashboard.WORK_LISTS)
    return _dashboard_csv(request, slug)


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def dco_dashboard_csv_with_names(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    """Export with names: asks why the children's names are needed, then downloads the list with them;
    the access log keeps the reason. Who may see it: DCOs and DCO administrators; anyone else 404."""
    access.require_party(request.user, "dco")
    _require(slug in dashboard.WORK_LISTS)
    form = ExportReasonForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return _dashboard_csv(request, slug, reason=form.cleaned_data["reason"])
    query = request.GET.copy()
    return _render(
        request,
        "advice/dashboard_export_names.html",
        {"form": form, "current": dashboard.WORK_LISTS[slug], "filter_query": query.urlencode()},
    )


def _dashboard_csv(request: HttpRequest, slug: str, *, reason: str = "") -> StreamingHttpResponse:
    """The list as CSV; with a reason, with the children's names (and the reason in the access log)."""
    today = timezone.localdate()
    rows, form = _list_rows(request, slug, today)
    filters = {k: v for k, v in request.GET.items() if k in form.fields and v}
    with_names = bool(reason)
    if with_names:
        trail.shown_children(rows.values_list("advice_request__child__public_id", flat=True))
    named = " with children's names" if with_names else " (no names)"
    record_access(
        user=request.user,
        action="export",
        obj=None,
        request=request,
        detail=(
            f"DCO dashboard list '{dashboard.WORK_LISTS[slug].title}' as CSV{named} ({rows.count()} rows; "
            f"filters: {urlencode(filters) or 'none'})" + (f". Reason: {reason}" if with_names else "")
        ),
    )
    suffix = "-with-names" if with_names else ""
    response = csv_response(
        f"{slug}{suffix}-{today:%Y-%m-%d}.csv",
        dashboard.CSV_HEADER_WITH_NAMES if with_names else dashboard.CSV_HEADER,
        (
            dashboard.csv_row(assignment, today, with_names=with_names)
            for assignment in rows.iterator(chunk_size=2000)
        ),
        byte_order_mark=False,  # advice's lists have always downloaded without one
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the provider team ----------------------------------------------------------------------------


@shows_children
@login_required
@require_GET
def team_inbox(request: HttpRequest) -> HttpResponse:
    """Requests assigned to the user's teams, still-open ones first by due date.
    Who may see it: provider clinicians and team managers (their teams); anyone else 404."""
    access.require_party(request.user, "team")
    reach = reach_for(request.user)
    show = request.GET.get("show", "open")
    rows = (
        Assignment.objects.visible_to(request.user)
        .filter(team_id__in=reach.team_ids)
        .select_related("advice_request", "advice_request__child", "advice_request__local_authority", "team")
    )
    if show == "open":
        rows = rows.filter(status__in=Assignment.OPEN_STATUSES)
    rows = rows.order_by("due_on", "pk")
    page, links = _page(request, rows)
    _note_children(page)
    return _render(request, "advice/team_inbox.html", {"page": page, "page_links": links, "show": show})


def _assignment_context(request: HttpRequest, assignment: Assignment) -> dict[str, Any]:
    reach = reach_for(request.user)
    is_team = assignment.team_id in reach.team_ids
    is_dco = assignment.advice_request.local_authority_id in reach.dco_area_ids
    advice = list(assignment.advice.order_by("-revision").prefetch_related("attachments"))
    checks = list(assignment.quality_checks.select_related("checked_by").order_by("-checked_at"))
    shows_advice = access.shows_advice(request.user, assignment)
    return {
        "assignment": assignment,
        "advice_request": assignment.advice_request,
        "child": assignment.advice_request.child,
        "assessment": assignment.advice_request.assessment,
        "advice": advice[0] if advice and shows_advice else None,
        "revisions": len(advice),
        "checks": checks if (is_team or is_dco) else [],
        "exceptions": list(assignment.exceptions.select_related("approved_by")),
        "is_team": is_team,
        "is_dco": is_dco,
        "days_left": dashboard.days_left(assignment.due_on, timezone.localdate()),
        "attachments": list(assignment.advice_request.attachments.all()),
        "criteria": QUALITY_CRITERIA,
        "version_form": VersionForm(initial={"version": assignment.version}),
        "draft": _visible_draft(request.user, assignment) if is_team else None,
        "autosave_seconds": settings.ADVICE_AUTOSAVE_SECONDS,
        "sharing_warnings": services.sharing_warnings(assignment.advice_request.child),
    }


def _visible_draft(user: Any, assignment: Assignment) -> AdviceDraft | None:
    """The assignment's draft advice when this person may see it (its author, a team manager)."""
    draft = AdviceDraft.objects.filter(assignment=assignment).select_related("created_by", "saved_by").first()
    return draft if draft is not None and access.may_see_draft(user, draft) else None


@shows_children
@login_required
@require_GET
def assignment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One team's part of a request: the clock, the advice and what can be done next.
    Who may see it: the team (clinicians, managers), the area's DCO service and the requesting LA
    (which sees advice only once released); anyone else 404."""
    assignment = access.get_assignment_for_user(request.user, public_id)
    context = _assignment_context(request, assignment)
    _view_audit(request, assignment, assignment.advice_request.child)
    return _render(request, "advice/assignment_detail.html", context)


def _team_assignment(request: HttpRequest, public_id: str) -> Assignment:
    assignment = access.get_assignment_for_user(request.user, public_id, acting_as=("team",))
    return assignment


@shows_children
@login_required
@require_POST
@service_view
def assignment_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    """The team accepts the request. Who may use it: the team's clinicians and managers; else 404.
    A stale page is shown the assignment as it is now (409)."""
    assignment = _team_assignment(request, public_id)
    if in_conflict(request):
        _view_audit(request, assignment, assignment.advice_request.child)
        return _render(request, "advice/assignment_detail.html", _assignment_context(request, assignment))
    form = VersionForm(request.POST)
    if not form.is_valid():
        return redirect("advice:assignment-detail", assignment.public_id)
    try:
        services.accept_assignment(
            user=request.user,
            assignment=assignment,
            expected_version=form.cleaned_data["version"],
            context=audit_context(request),
        )
    except services.InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You accepted {assignment.advice_request.reference}.")
    return redirect("advice:assignment-detail", assignment.public_id)


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def assignment_not_known(request: HttpRequest, public_id: str) -> HttpResponse:
    """The team says the child is not known to the service (a nil return, with what was done).
    Who may use it: the team's clinicians and managers; anyone else 404."""
    assignment = _team_assignment(request, public_id)
    form = NotKnownForm(form_data(request), initial={"version": assignment.version})
    if is_submission(request) and form.is_valid():
        try:
            services.decline_not_known(
                user=request.user,
                assignment=assignment,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                context=audit_context(request),
            )
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "You told the DCO service and the LA the child is not known to your service."
            )
            return redirect("advice:assignment-detail", assignment.public_id)
    context = _assignment_context(request, assignment)
    context["form"] = form
    return _render(request, "advice/not_known.html", context)


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def assignment_exception(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record a reg 8(2) exception beside the deadline (the due date does not move).
    Who may use it: the team's clinicians and managers and the area's DCO service; anyone else 404."""
    assignment = access.get_assignment_for_user(request.user, public_id, write=True)
    form = ExceptionForm(
        form_data(request),
        initial={"version": assignment.version},
        approvers=access.exception_approvers(assignment),
    )
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_exception(
                user=request.user,
                assignment=assignment,
                expected_version=data["version"],
                code=data["code"],
                start_on=data["start_on"],
                end_on=data["end_on"],
                reason=data["reason"],
                approved_by=data["approved_by"],
                context=audit_context(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Exception recorded. The advice is still due on {assignment.due_on.day} {assignment.due_on:%B %Y}.",
            )
            return redirect("advice:assignment-detail", assignment.public_id)
    context = _assignment_context(request, assignment)
    context["form"] = form
    return _render(request, "advice/exception.html", context)


NEED_KEYS = ("description", "relates_to_sen")
OUTCOME_KEYS = ("outcome", "by_when")
PROVISION_KEYS = ("what", "who", "how_often", "how_long", "where", "section", "commissioned")


def _rows(formset: Any, keys: tuple[str, ...], first: tuple[str, ...]) -> list[dict[str, Any]]:
    """The filled-in rows of a formset (a row with none of `first` filled in is left out)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if any(str(data.get(k) or "").strip() for k in first):
            rows.append({k: data.get(k) for k in keys})
    return rows


def _advice_initial(
    assignment: Assignment, draft: AdviceDraft | None = None
) -> tuple[dict[str, Any], dict[str, list[dict]]]:
    """Start from the person's draft when there is one, else from the latest revision (after
    rework), or blank with today's date."""
    if draft is not None:
        typed = _draft_query(draft)
        drafted = typed_values(AdviceForm(typed))
        drafted.update({"version": assignment.version, "draft_version": draft.version})
        return drafted, typed_rows(typed)
    latest = assignment.advice.order_by("-revision").first()
    initial: dict[str, Any] = {
        "version": assignment.version,
        "draft_version": 0,
        "advice_date": timezone.localdate(),
    }
    rows: dict[str, list[dict]] = {}
    if latest is not None:
        for name in AdviceForm.base_fields:
            if hasattr(latest, name) and name not in ("attachments", "advice_date"):
                initial[name] = getattr(latest, name)
        rows = {"need": latest.needs, "outcome": latest.outcomes, "provision": latest.provision}
    return initial, rows


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def assignment_advice(request: HttpRequest, public_id: str) -> HttpResponse:
    """Submit structured advice: needs, outcomes, provision rows ("Add another" re-renders with one
    more row, no JavaScript needed), who gave it, attachments. Who may use it: the team's clinicians
    and managers; anyone else 404."""
    assignment = _team_assignment(request, public_id)
    context = _assignment_context(request, assignment)
    typed = form_data(request)
    if typed is not None and "save_draft" in typed and is_submission(request):
        return _save_draft_from_page(request, assignment, context, typed)
    if typed is not None:
        add = next((p for p in ("need", "outcome", "provision") if f"add_{p}" in typed), "")
        form = AdviceForm(typed, request.FILES if is_submission(request) else None)
        sets = row_formsets(typed, add=add)
        if add:
            # Adding a row is not a submission: the page comes back as typed, one row longer, no errors.
            form = AdviceForm(initial=typed_values(form))
            sets = row_formsets(rows=typed_rows(typed), add=add)
            context.update({"form": form, "sets": sets, "adding": add, "error_forms": []})
            return _render(request, "advice/advice_form.html", context)
        valid = form.is_valid() & all(s.is_valid() for s in sets.values())
        if is_submission(request):
            # Every error at once: "Enter at least one health need" with the fields' own messages.
            valid = _rows_present(form, sets) and valid
        if valid and is_submission(request):
            data = form.cleaned_data
            try:
                services.submit_advice(
                    user=request.user,
                    assignment=assignment,
                    expected_version=data["version"],
                    needs=_rows(sets["need"], NEED_KEYS, ("description",)),
                    outcomes=_rows(sets["outcome"], OUTCOME_KEYS, ("outcome",)),
                    provision=_rows(
                        sets["provision"], PROVISION_KEYS, ("what", "who", "how_often", "how_long")
                    ),
                    author_name=data["author_name"],
                    author_profession=data["author_profession"],
                    author_registration_number=data["author_registration_number"],
                    author_registration_body=data["author_registration_body"],
                    advice_date=data["advice_date"],
                    views_and_aspirations=data["views_and_aspirations"],
                    strengths=data["strengths"],
                    preparing_for_adulthood=data["preparing_for_adulthood"],
                    related_plans=data["related_plans"],
                    attachments=data["attachments"],
                    response=data["response"],
                    context=audit_context(request),
                )
            except services.InvalidTransition as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _advice_service_errors(form, sets, exc)
            else:
                messages.success(
                    request,
                    f"Advice for {assignment.advice_request.reference} sent to the DCO service for a quality check.",
                )
                return redirect("advice:assignment-detail", assignment.public_id)
    else:
        initial, rows = _advice_initial(assignment, context["draft"])
        form = AdviceForm(initial=initial)
        sets = row_formsets(rows=rows)
    context.update({"form": form, "sets": sets, "error_forms": _error_forms(form, sets)})
    return _render(request, "advice/advice_form.html", context)


# --- drafts: saved by the button (no JavaScript needed) or automatically by the page ---------------

# The errors a draft still refuses: input limits. Nothing is required in a draft, and a date typed
# halfway is kept as typed.
DRAFT_LIMIT_CODES = {"max_length", "null_characters_not_allowed", "max_num_forms", "too_many_forms"}
NOT_DRAFT_DATA = {"csrfmiddlewaretoken", "version", "draft_version", "save_draft", "attachments"}


def _draft_payload(typed: Any) -> dict[str, list[str]]:
    """The advice form's fields as typed (rows included), for the draft."""
    return {
        key: typed.getlist(key) for key in typed if key not in NOT_DRAFT_DATA and not key.startswith("add_")
    }


def _draft_query(draft: AdviceDraft) -> QueryDict:
    typed = QueryDict(mutable=True)
    for key, values in (draft.data or {}).items():
        typed.setlist(key, [str(v) for v in values])
    return typed


def _limit_errors_only(form: AdviceForm, sets: dict[str, Any]) -> bool:
    """Check the typed advice as a draft: keep only the input-limit errors on the forms (the rest are
    for submission). True when any remain."""
    form.is_valid()
    found = False
    for bound in _error_forms(form, sets):
        kept = ErrorDict()
        for name, errors in bound.errors.as_data().items():
            limits = [e for e in errors if e.code in DRAFT_LIMIT_CODES]
            if limits:
                kept[name] = bound.error_class(limits, renderer=bound.renderer)
                found = True
        bound._errors = kept
    for formset in sets.values():
        if formset.non_form_errors():
            found = True
    return found


def _draft_version(typed: Any) -> int:
    try:
        return max(0, int(typed.get("draft_version") or 0))
    except (TypeError, ValueError):
        return 0


def _save_draft_from_page(
    request: HttpRequest, assignment: Assignment, context: dict[str, Any], typed: Any
) -> HttpResponse:
    """The "Save as draft" button: nothing required, input limits kept; back to the form."""
    form = AdviceForm(typed)
    sets = row_formsets(typed)
    if not _limit_errors_only(form, sets):
        try:
            draft = services.save_advice_draft(
                user=request.user,
                assignment=assignment,
                expected_version=_draft_version(typed),
                data=_draft_payload(typed),
                context=audit_context(request),
            )
        except services.ConcurrentUpdate as exc:
            kept = typed.copy()
            kept["draft_version"] = str(exc.current_version or 0)
            form = AdviceForm(initial={**typed_values(AdviceForm(kept)), "version": assignment.version})
            sets = row_formsets(rows=typed_rows(kept))
            context.update(
                {
                    "form": form,
                    "sets": sets,
                    "error_forms": [],
                    "concurrent": "Someone else saved this draft since you opened it",
                }
            )
            return _render(request, "advice/advice_form.html", context, status=409)
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Draft saved at {clock_time(timezone.localtime(draft.saved_at).time())}. "
                "Only you and your team's managers can see it. It goes to the DCO service only when you send it.",
            )
            return redirect("advice:assignment-advice", assignment.public_id)
    context.update({"form": form, "sets": sets, "error_forms": _error_forms(form, sets)})
    return _render(request, "advice/advice_form.html", context)


@shows_children
@login_required
@require_POST
def assignment_advice_draft(request: HttpRequest, public_id: str) -> JsonResponse:
    """Save the advice form as a draft from the page's script (every few minutes while typing, and
    before the session ends): JSON, never a page. Who may use it: the team's clinicians and
    managers, over a draft that is theirs (its author, or a team manager); anyone else 404."""
    assignment = _team_assignment(request, public_id)
    form = AdviceForm(request.POST)
    sets = row_formsets(request.POST)
    if _limit_errors_only(form, sets):
        return JsonResponse(
            {"saved": False, "message": "Not saved: some text is too long. Send the form to see where."},
            status=400,
        )
    try:
        draft = services.save_advice_draft(
            user=request.user,
            assignment=assignment,
            expected_version=_draft_version(request.POST),
            data=_draft_payload(request.POST),
            automatic=True,
            context=audit_context(request),
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.ConcurrentUpdate as exc:
        return JsonResponse(
            {
                "saved": False,
                "version": exc.current_version or 0,
                "message": "Not saved: someone else saved this draft since you opened it. "
                "Save as draft to see both.",
            },
            status=409,
        )
    except services.InvalidTransition as exc:
        return JsonResponse({"saved": False, "message": f"Not saved: {exc}"}, status=409)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "message": "Not saved: " + " ".join(exc.messages)}, status=400)
    saved_at = clock_time(timezone.localtime(draft.saved_at).time())
    return JsonResponse({"saved": True, "version": draft.version, "message": f"Draft saved at {saved_at}"})


def _rows_present(form: AdviceForm, sets: dict[str, Any]) -> bool:
    """Whether at least one need and one outcome were given (the service's rule, checked with the
    form's own errors so the person sees them all in one go)."""
    try:
        services.clean_advice(
            needs=_rows(sets["need"], NEED_KEYS, ("description",)),
            outcomes=_rows(sets["outcome"], OUTCOME_KEYS, ("outcome",)),
            provision=[],
        )
    except ValidationError as exc:
        errors = {
            key: value
            for key, value in exc.message_dict.items()
            if not any(sets[{"needs": "need", "outcomes": "outcome"}[key]].errors)
        }
        if errors:
            _advice_service_errors(form, sets, ValidationError(errors))
        return False
    return True


def _error_forms(form: AdviceForm, sets: dict[str, Any]) -> list[Any]:
    return [form, *(row for formset in sets.values() for row in formset.forms)]


def _advice_service_errors(form: AdviceForm, sets: dict[str, Any], error: ValidationError) -> None:
    """Service messages for rows ("needs", "outcomes", "provision_2") go on the matching row set."""
    if not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for key, messages_ in error.message_dict.items():
        for message in messages_:
            if key in form.fields:
                form.add_error(key, message)
            elif key.startswith("need") and sets["need"].forms:
                sets["need"].forms[0].add_error("description", message)
            elif key.startswith("outcome") and sets["outcome"].forms:
                sets["outcome"].forms[0].add_error("outcome", message)
            elif key.startswith("provision"):
                form.add_error(None, message)
            else:
                form.add_error(None, message)


def _needs_agreement(provision: list[dict[str, Any]]) -> str:
    count = sum(1 for p in provision if not p.get("commissioned", True))
    if count == 1:
        return "1 row needs ICB agreement or funding."
    return f"{plural(count, 'row')} need ICB agreement or funding."


def quality_hints(
    assignment: Assignment, advice: HealthAdvice | None, exceptions: list[Any]
) -> dict[str, str]:
    """What the record says about each checklist criterion, shown under it, so the DCO checks the
    advice against the facts without hunting for them."""
    if advice is None:
        return {}
    child = assignment.advice_request.child
    provision = advice.provision or []
    sections = [str(p.get("section", "")) for p in provision]
    submitted = assignment.submitted_on
    q1 = f"Received {assignment.received_on:%-d %b %Y}, due {assignment.due_on:%-d %b %Y}"
    if submitted:
        q1 += f", first submitted {submitted:%-d %b %Y}" + (
            " (on time)" if submitted <= assignment.due_on else " (after the due date)"
        )
    if exceptions:
        q1 += f"; {plural(len(exceptions), 'regulation 8(2) exception')} recorded"
    registration = " ".join(
        p for p in (advice.author_registration_body, advice.author_registration_number) if p
    )
    return {
        "Q1": q1 + ".",
        "Q2": f"{advice.author_name}, {advice.author_profession}, {registration}; dated {advice.advice_date:%-d %b %Y}.",
        "Q3": "Views and aspirations given."
        if advice.views_and_aspirations
        else "No views or aspirations given.",
        "Q4": "Strengths given." if advice.strengths else "No strengths given.",
        "Q5": f"{plural(len(advice.needs), 'need')}, {sum(1 for n in advice.needs if n.get('relates_to_sen'))} marked as related to SEN.",
        "Q6": f"{plural(len(advice.outcomes), 'outcome')}, {sum(1 for o in advice.outcomes if o.get('by_when'))} with a time frame.",
        "Q7": f"{plural(len(provision), 'provision row')}, {sum(1 for p in provision if p.get('where'))} saying where.",
        "Q8": f"Section F: {sections.count('F')}; section G: {sections.count('G')}.",
        "Q9": _needs_agreement(provision),
        "Q10": (
            "Year 9 or above: preparing-for-adulthood content is required."
            if child.pfa_required()
            else "Below Year 9."
        ),
        "Q11": "Related plans given." if advice.related_plans else "No related plans given.",
    }


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def assignment_quality_check(request: HttpRequest, public_id: str) -> HttpResponse:
    """The DCO scores the advice against the checklist (Q1-Q13) and releases it or sends it back.
    Who may use it: the area's DCO service; anyone else 404."""
    assignment = access.get_assignment_for_user(request.user, public_id, acting_as=("dco",))
    context = _assignment_context(request, assignment)
    hints = quality_hints(assignment, context["advice"], context["exceptions"])
    form = QualityCheckForm(
        form_data(request),
        initial={"version": assignment.version},
        hints=hints,
        not_applicable=services.may_not_apply(assignment.advice_request.child),
    )
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        act = (
            services.release_advice
            if data["decision"] == QualityCheck.Outcome.RELEASE
            else services.request_rework
        )
        try:
            act(
                user=request.user,
                assignment=assignment,
                expected_version=data["version"],
                scores=data["scores"],
                comments=data["comments"],
                context=audit_context(request),
            )
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(
                form, exc, {f"{k}": f"score_{k}" for k in QUALITY_CRITERIA} | {"scores": "score_Q1"}
            )
        else:
            if data["decision"] == QualityCheck.Outcome.RELEASE:
                messages.success(
                    request, f"Advice released to {assignment.advice_request.local_authority.name}."
                )
            else:
                messages.success(request, f"Advice returned to {assignment.team.name} with your reasons.")
            return redirect("advice:request-detail", assignment.advice_request.public_id)
    if request.method == "GET":
        _view_audit(request, assignment, assignment.advice_request.child, detail="quality check")
    context["form"] = form
    return _render(request, "advice/quality_check.html", context)


@shows_children
@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id: str) -> FileResponse:
    """Download a file sent with a request or with advice. Who may see it: a request's files, whoever
    may see the request (the LA, the area's DCO service, teams it was sent to); an advice file, the
    team and the DCO service, and the LA once that advice is released. Anyone else 404. Audited."""
    attachment, child = access.get_attachment_for_user(request.user, public_id)
    record_access(
        user=request.user,
        action="export",
        obj=attachment,
        child=child,
        request=request,
        detail=f"downloaded {attachment.name}",
    )
    # Always a download, with the type found in the content when it was uploaded (core.uploads),
    # never run by the browser: nosniff, and a sandbox in case anything tries to render it.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=servable_type(attachment.content_type),
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the LA amends its request: cancel it, or correct the assessment's clock start ---------------


class CancelRequestForm(VersionForm):
    reason = forms.CharField(
        label="Why is the request cancelled?",
        help_text="For example, the LA decided not to assess. The teams asked for advice are told it is cancelled.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why the request is cancelled"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Say why the request is cancelled")
        return reason


class ClockStartForm(VersionForm):
    clock_start_type = forms.ChoiceField(
        label="What started the 20-week clock?",
        choices=EHCNeedsAssessment.ClockStart.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what started the 20-week clock"},
    )
    clock_start_date = DateField(
        label="Clock start date", help_text="For example, 4 9 2026", error_name="the clock start date"
    )
    reason = forms.CharField(
        label="Why is the clock start changing?",
        help_text="For example, the request was received earlier than first recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Say why the clock start is changing"},
    )

    def clean_clock_start_date(self) -> dt.date:
        value = self.cleaned_data["clock_start_date"]
        if value > timezone.localdate():
            raise ValidationError("The clock start date must be today or in the past")
        return value


def _la_request(request: HttpRequest, public_id: str) -> AdviceRequest:
    """The request, for its own LA's caseworkers only (the DCO service may change it but these two
    amendments are the LA's); anyone else 404."""
    advice_request = access.get_advice_request_for_user(request.user, public_id, acting_as=("la",))
    return advice_request


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def request_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """The LA cancels its request (reason required; the teams are told). Who may use it: the
    requesting LA's caseworkers; anyone else 404. A stale page is told someone else changed it."""
    advice_request = _la_request(request, public_id)
    finished = (AdviceRequest.Status.COMPLETE, AdviceRequest.Status.CANCELLED)
    if advice_request.status in finished and request.method == "GET" and not in_conflict(request):
        messages.error(request, "This request is already finished, so it cannot be cancelled.")
        return redirect("advice:request-detail", advice_request.public_id)
    form = CancelRequestForm(form_data(request), initial={"version": advice_request.version})
    if is_submission(request) and form.is_valid():
        try:
            services.cancel_request(
                user=request.user,
                advice_request=advice_request,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                context=audit_context(request),
            )
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{advice_request.reference} was cancelled. The teams asked were told.")
            return redirect("advice:request-detail", advice_request.public_id)
    if request.method == "GET":
        _view_audit(request, advice_request, advice_request.child, "cancel form")
    context = _request_context(request, advice_request)
    context["form"] = form
    return _render(request, "advice/request_cancel.html", context)


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def request_clock(request: HttpRequest, public_id: str) -> HttpResponse:
    """The LA corrects what started the EHC needs assessment's 20-week clock, and when, saying why;
    its 6, 16 and 20-week dates are recomputed. Who may use it: the requesting LA's caseworkers;
    anyone else 404."""
    advice_request = _la_request(request, public_id)
    assessment = advice_request.assessment
    form = ClockStartForm(
        form_data(request),
        initial={
            "version": assessment.version,
            "clock_start_type": assessment.clock_start_type,
            "clock_start_date": assessment.clock_start_date,
        },
    )
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_assessment_clock(
                user=request.user,
                assessment=assessment,
                expected_version=data["version"],
                clock_start_type=data["clock_start_type"],
                clock_start_date=data["clock_start_date"],
                reason=data["reason"],
                context=audit_context(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("advice:request-clock-changed", advice_request.public_id)
    if request.method == "GET":
        _view_audit(request, assessment, advice_request.child, "clock start form")
    context = _request_context(request, advice_request)
    context["form"] = form
    return _render(request, "advice/request_clock.html", context)


@shows_children
@login_required
@require_GET
def request_clock_changed(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirmation after the clock start changed, with the recomputed LA 6, 16 and 20-week dates.
    Who may see it: the requesting LA's caseworkers; anyone else 404."""
    advice_request = _la_request(request, public_id)
    _view_audit(request, advice_request.assessment, advice_request.child, "clock start changed")
    return _render(request, "advice/request_clock_changed.html", _request_context(request, advice_request))

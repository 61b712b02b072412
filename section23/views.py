"""The section 23 pages: thin views that parse a form, fetch through section23.access, call one
service and render or redirect. Outside reach is a 404. Each view's docstring says who may see it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import reach_for
from audit import trail
from audit.context import audit_context
from audit.services import record_access
from audit.trail import shows_children, shows_no_children
from casework import inbox
from casework.forms import add_service_errors
from casework.views import PeriodDashboard
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view
from core.uploads import servable_type
from section23 import access, areas, rules, services
from section23 import dashboard as figures_of
from section23.forms import (
    AcknowledgeForm,
    AdviceLinkForm,
    ChildForm,
    ConcernDecisionForm,
    ConcernForm,
    DecisionForm,
    EditNotificationForm,
    NotificationForm,
    NotificationListForm,
)
from section23.models import Concern, Notification

STATUS_TAG_CLASSES = {
    Notification.Status.DRAFT: "nhsuk-tag--grey",
    Notification.Status.SENT: "nhsuk-tag--blue",
    Notification.Status.ACKNOWLEDGED: "nhsuk-tag--aqua-green",
    Notification.Status.DECIDED: "nhsuk-tag--green",
    Concern.Status.OPEN: "nhsuk-tag--blue",
    Concern.Status.DECIDED: "nhsuk-tag--green",
}


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    has_errors = any(
        getattr(value, "is_bound", False) and bool(value.errors)
        for value in context.values()
        if hasattr(value, "errors")
    )
    context.setdefault("page_has_errors", has_errors)
    context.setdefault("concurrent", CONFLICT_MESSAGE if in_conflict(request) else "")
    context.setdefault("today", timezone.localdate())
    context.setdefault("status_classes", STATUS_TAG_CLASSES)
    return render(request, template, context, status=status)


# --- notifications ------------------------------------------------------------------------------


@shows_children
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Notifications: a team's or DCO service's own (drafts included), an LA's received ones, a DCO
    service's area. Who may see it: provider clinicians and managers, LA caseworkers, DCOs; anyone
    else 404."""
    access.require_any_party(request.user)
    form = NotificationListForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = (
        Notification.objects.visible_to(request.user)
        .select_related("child", "local_authority", "notifying_body")
        .order_by("-updated_at", "-pk")
    )
    counts = inbox.status_counts(rows)
    if status:
        rows = rows.filter(status=status)
    page, links = inbox.paginate(request, rows)
    trail.shown_children(n.child for n in page)
    return _render(
        request,
        "section23/notification_list.html",
        {
            "page": page,
            "page_links": links,
            "form": form,
            "status": status,
            "counts": counts,
            "may_notify": bool(access.notifying_for(request.user)),
            "reach": reach_for(request.user),
            "page_has_errors": False,
        },
    )


def _child_for(notification: Notification) -> Any:
    return notification.child


def _goes_to(notification: Notification) -> str:
    """'Northshire County Council, the council for NS1 4AB' (section23.areas.council_words)."""
    return areas.council_words(notification.local_authority, notification.child_postcode)


def _put_errors(errors: dict[str, list[str]], child_form: ChildForm, form: NotificationForm) -> None:
    """A service's errors, each once: next to the child's field, or else on the notification form
    (its field, or the top of the page)."""
    for name, found in errors.items():
        target = child_form if name in child_form.fields else form
        for message in found:
            target.add_error(name if name in target.fields else None, message)


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def notification_new(request: HttpRequest) -> HttpResponse:
    """Record a new section 23 notification: save it as a draft, or send it once the statutory steps
    are recorded. Who may see it: clinicians and managers of an NHS trust's teams, and DCOs (for the
    ICB); anyone else 404."""
    notifying = access.require_notifier(request.user)
    data = request.POST if request.method == "POST" else None
    child_form = ChildForm(data, local_authorities=access.local_authorities())
    form = NotificationForm(data, request.FILES if data is not None else None, notifying=notifying)
    age = None
    if child_form.is_bound and child_form.is_valid():
        age = rules.age_check(child_form.cleaned_data["date_of_birth"], timezone.localdate())
    if request.method == "POST" and child_form.is_valid() and form.is_valid():
        acting_for = form.cleaned_data.get("acting_for") or notifying[0]
        send = request.POST.get("action") == "send"
        try:
            notification = services.create_notification(
                user=request.user,
                context=audit_context(request),
                acting_for=acting_for,
                local_authority=child_form.cleaned_data.get("local_authority"),
                given_name=child_form.cleaned_data["given_name"],
                family_name=child_form.cleaned_data["family_name"],
                date_of_birth=child_form.cleaned_data["date_of_birth"],
                nhs_number=child_form.cleaned_data["nhs_number"],
                child_postcode=child_form.cleaned_data["child_postcode"],
                details=form.details(),
                attachments=form.cleaned_data.get("attachments") or [],
                send=send,
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if age is not None and not age.eligible:  # what to do instead is said once, beside the field
                errors["date_of_birth"] = [age.problem]
            _put_errors(errors, child_form, form)
        else:
            messages.success(
                request,
                f"Notification {notification.reference} sent to {_goes_to(notification)}"
                if send
                else f"Draft {notification.reference} saved. Send it once the statutory steps are recorded.",
            )
            return redirect("section23:notification-detail", notification.public_id)
    return _render(
        request,
        "section23/notification_form.html",
        {
            "child_form": child_form,
            "form": form,
            "notification": None,
            "what_to_do_instead": rules.WHAT_TO_DO_INSTEAD,
            "school_age": age is not None and not age.eligible,
            "page_has_errors": child_form.is_bound and bool(child_form.errors or form.errors),
        },
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def notification_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Change a draft, and send it. Who may see it: the team or DCO service that drafted it; anyone
    else 404."""
    notification = access.get_notification_for_user(request.user, public_id, acting_as=("notifier",))
    if not notification.is_draft:
        return redirect("section23:notification-detail", notification.public_id)
    data = form_data(request)
    initial = {name: getattr(notification, name) for name in services.DETAIL_FIELDS}
    initial["version"] = notification.version
    form = EditNotificationForm(
        data, request.FILES if is_submission(request) else None, initial=initial, notifying=[]
    )
    if is_submission(request) and form.is_valid():
        send = request.POST.get("action") == "send"
        try:
            services.update_draft(
                user=request.user,
                context=audit_context(request),
                notification=notification,
                expected_version=form.cleaned_data["version"],
                details=form.details(),
                attachments=form.cleaned_data.get("attachments") or [],
                send=send,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Notification {notification.reference} sent to {_goes_to(notification)}"
                if send
                else "Draft saved",
            )
            return redirect("section23:notification-detail", notification.public_id)
    return _render(
        request,
        "section23/notification_form.html",
        {
            "child_form": None,
            "form": form,
            "notification": notification,
            "goes_to": _goes_to(notification),
            "what_to_do_instead": rules.WHAT_TO_DO_INSTEAD,
            "school_age": False,
        },
    )


@shows_children
@login_required
@require_GET
def notification_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One notification: what was recorded, the LA's acknowledgement and decision. Who may see it: the
    notifying team or DCO service, the LA it was sent to, the area's DCO service; anyone else 404."""
    notification = access.get_notification_for_user(request.user, public_id)
    parties = access.notification_parties(request.user, notification)
    return _render(
        request,
        "section23/notification_detail.html",
        {
            "n": notification,
            "parties": parties,
            "attachments": list(notification.attachments.all()),
            "advice_request": services.linked_advice_request(request.user, notification),
            "missing": rules.missing_steps(
                {name: getattr(notification, name) for name in services.DETAIL_FIELDS},
                today=timezone.localdate(),
            )
            if notification.is_draft
            else {},
        },
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def notification_acknowledge(request: HttpRequest, public_id: str) -> HttpResponse:
    """The LA acknowledges a notification (and may record its decision). Who may see it: the
    caseworkers of the LA it was sent to; anyone else 404."""
    notification = access.get_notification_for_user(request.user, public_id, acting_as=("la",))
    if notification.status != Notification.Status.SENT and not in_conflict(request):
        return redirect("section23:notification-detail", notification.public_id)
    form = AcknowledgeForm(form_data(request), initial={"version": notification.version})
    if is_submission(request) and form.is_valid():
        try:
            services.acknowledge(
                user=request.user,
                context=audit_context(request),
                notification=notification,
                expected_version=form.cleaned_data["version"],
                la_reference=form.cleaned_data["la_reference"],
                decision=form.cleaned_data["decision"],
                decision_detail=form.cleaned_data["decision_detail"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Notification {notification.reference} acknowledged")
            return redirect("section23:notification-detail", notification.public_id)
    return _render(request, "section23/acknowledge.html", {"n": notification, "form": form})


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def notification_decision(request: HttpRequest, public_id: str) -> HttpResponse:
    """The LA records what it decided. Who may see it: the caseworkers of the LA it was sent to;
    anyone else 404."""
    notification = access.get_notification_for_user(request.user, public_id, acting_as=("la",))
    if notification.status == Notification.Status.DECIDED and not in_conflict(request):
        return redirect("section23:notification-detail", notification.public_id)
    form = DecisionForm(
        form_data(request),
        initial={"version": notification.version, "la_reference": notification.la_reference},
    )
    if is_submission(request) and form.is_valid():
        try:
            services.record_decision(
                user=request.user,
                context=audit_context(request),
                notification=notification,
                expected_version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                decision_detail=form.cleaned_data["decision_detail"],
                la_reference=form.cleaned_data["la_reference"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded for {notification.reference}")
            return redirect("section23:notification-detail", notification.public_id)
    return _render(request, "section23/decision.html", {"n": notification, "form": form})


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def notification_advice_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """The LA links the notification to the advice request for the EHC needs assessment it went on to.
    Who may see it: the caseworkers of the LA it was sent to; anyone else 404."""
    notification = access.get_notification_for_user(request.user, public_id, acting_as=("la",))
    found = services.advice_requests_for(request.user, notification)
    form = AdviceLinkForm(form_data(request), initial={"version": notification.version}, requests=found)
    if is_submission(request) and form.is_valid():
        try:
            services.link_advice_request(
                user=request.user,
                context=audit_context(request),
                notification=notification,
                expected_version=form.cleaned_data["version"],
                reference=form.typed_or_chosen(),
            )
        except ValidationError as exc:
            typed = bool(form.cleaned_data.get("reference")) or not found
            add_service_errors(form, exc, aliases={"reference": "reference" if typed else "chosen"})
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{notification.reference} linked to advice request {notification.advice_reference}"
            )
            return redirect("section23:notification-detail", notification.public_id)
    return _render(request, "section23/advice_link.html", {"n": notification, "form": form})


@shows_children
@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id: str) -> FileResponse:
    """Download a file sent with a notification. Who may see it: whoever may see the notification."""
    attachment, child = access.get_attachment_for_user(request.user, public_id)
    record_access(
        user=request.user,
        action="export",
        obj=attachment,
        child=child,
        request=request,
        detail=f"downloaded {attachment.name}",
    )
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


# --- the dashboard --------------------------------------------------------------------------------


DASHBOARD = PeriodDashboard(
    require=lambda user: access.require_party(user, "dco"),
    template="section23/dashboard.html",
    figures=figures_of.figures,
    csv_header=figures_of.CSV_HEADER,
    csv_rows=figures_of.csv_rows,
    name="section 23",
    file_name="section-23",
    render=_render,
)


@shows_no_children
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Section 23 figures for the DCO service's areas, for any period. Who may see it: DCOs and DCO
    administrators; anyone else 404. Shows counts only, never a child."""
    return DASHBOARD.page(request)


@shows_no_children
@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The period's notifications as CSV, one row each, without names. Who may see it: DCOs; anyone
    else 404. Recorded in the access log as an export."""
    return DASHBOARD.csv(request)


# --- concerns from GP practices and independent providers -------------------------------------------


@shows_children
@login_required
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    """Concerns: those a GP practice or independent provider raised; those raised with a DCO service.
    Who may see it: GP practice or independent clinicians, DCOs; anyone else 404."""
    access.require_concern_party(request.user)
    rows = (
        Concern.objects.visible_to(request.user)
        .select_related("child", "raised_by_organisation", "local_authority")
        .annotate(decided=Case(When(status=Concern.Status.OPEN, then=0), default=1))
        .order_by("decided", "-created_at", "-pk")
    )
    page, links = inbox.paginate(request, rows)
    trail.shown_children(c.child for c in page)
    return _render(
        request,
        "section23/concern_list.html",
        {"page": page, "page_links": links, "may_raise": bool(access.concern_organisations(request.user))},
    )


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    """Raise a concern about a young child with the DCO service. Who may see it: GP practice or
    independent clinicians; anyone else 404."""
    organisations = access.require_concern_raiser(request.user)
    form = ConcernForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        local_authorities=access.local_authorities(),
    )
    age = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        age = rules.age_check(data["date_of_birth"], timezone.localdate())
        try:
            concern = services.raise_concern(
                user=request.user,
                context=audit_context(request),
                organisation=data["organisation"],
                local_authority=data.get("local_authority"),
                child_postcode=data["child_postcode"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                nhs_number=data["nhs_number"],
                professional_name=data["professional_name"],
                profession=data["profession"],
                concern=data["concern"],
                areas_of_need=data["areas_of_need"],
                parent_aware=data["parent_aware"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if not age.eligible:  # what to do instead is said once, beside the field
                errors["date_of_birth"] = [age.problem]
            add_service_errors(form, ValidationError(errors))
        else:
            messages.success(request, f"Concern {concern.reference} sent to {concern.dco_service.name}")
            return redirect("section23:concern-detail", concern.public_id)
    return _render(
        request,
        "section23/concern_form.html",
        {
            "form": form,
            "what_to_do_instead": rules.WHAT_TO_DO_INSTEAD,
            "school_age": age is not None and not age.eligible,
        },
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One concern, and (for the DCO service, while open) the decision form. Who may see it: the
    practice or provider that raised it, the DCO service it was raised with; anyone else 404."""
    concern = access.get_concern_for_user(request.user, public_id)
    is_dco = "dco" in access.concern_parties(request.user, concern)
    form = None
    if is_dco and (concern.status == Concern.Status.OPEN or in_conflict(request)):
        form = ConcernDecisionForm(form_data(request), initial={"version": concern.version})
        if is_submission(request) and form.is_valid():
            try:
                services.decide_concern(
                    user=request.user,
                    context=audit_context(request),
                    concern=concern,
                    expected_version=form.cleaned_data["version"],
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    team=form.cleaned_data["team"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Decision recorded for {concern.reference}")
                return redirect("section23:concern-detail", concern.public_id)
    elif request.method == "POST" and not in_conflict(request):
        return redirect("section23:concern-detail", concern.public_id)
    notification = getattr(concern, "notification", None)
    may_open = notification is not None and access.may_see_notification(request.user, notification)
    return _render(
        request,
        "section23/concern_detail.html",
        {
            "c": concern,
            "form": form,
            # The DCO service made it, so sees its reference (a link once it may open it); the raiser
            # sees it only when they may open it.
            "notification": notification if may_open or is_dco else None,
            "may_open_notification": may_open,
        },
    )

"""The enquiry pages: thin views that parse a form, fetch through enquiries.access, call one service
and render or redirect. Each view's docstring says who may see it; outside reach is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from audit import trail
from audit.context import audit_context
from audit.services import record_access
from audit.trail import shows_children, shows_no_children
from casework import inbox
from casework.forms import add_service_errors
from casework.reminders import reminders_for
from casework.views import PeriodDashboard
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view
from enquiries import access, services, throttle
from enquiries import dashboard as figures_of
from enquiries.forms import (
    AssignForm,
    CloseForm,
    ContactForm,
    LinkForm,
    OutcomeForm,
    PublicEnquiryForm,
    ReopenForm,
    StaffEnquiryForm,
    StatusForm,
    TriageForm,
)
from enquiries.models import Channel, Enquiry

STATUS_TAG_CLASSES = {
    Enquiry.Status.NEW: "nhsuk-tag--blue",
    Enquiry.Status.ACKNOWLEDGED: "nhsuk-tag--aqua-green",
    Enquiry.Status.ASSIGNED: "nhsuk-tag--purple",
    Enquiry.Status.ANSWERED: "nhsuk-tag--green",
    Enquiry.Status.CLOSED: "nhsuk-tag--grey",
    Enquiry.Status.REOPENED: "nhsuk-tag--orange",
}
SENT_SESSION_KEY = "enquiries:sent"


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    has_errors = any(
        getattr(value, "is_bound", False) and bool(value.errors)
        for value in context.values()
        if isinstance(value, forms.BaseForm)
    )
    context.setdefault("page_has_errors", has_errors)
    context.setdefault("concurrent", CONFLICT_MESSAGE if in_conflict(request) else "")
    context.setdefault("today", timezone.localdate())
    context.setdefault("status_classes", STATUS_TAG_CLASSES)
    return render(request, template, context, status=status)


def _every_error(form: PublicEnquiryForm | StaffEnquiryForm, request: HttpRequest) -> None:
    """A form the form itself found wrong (a badly typed e-mail address or date, say) gets the service's
    checks of everything else too, next to the fields not already marked, so every error shows at once."""
    data = form.details_for_service()
    staff = isinstance(form, StaffEnquiryForm)
    try:
        services.check_enquiry(
            user=request.user,
            local_authority=form.cleaned_data.get("local_authority") or Organisation(kind=""),
            details=data,
            channel=data.pop("channel", "") if staff else Channel.ONLINE,
            received_on=data.pop("received_on", None),
        )
    except PermissionDenied:
        pass  # only once everything else is right: the form's own errors come first
    except ValidationError as exc:
        for name, messages_ in exc.message_dict.items():
            if name not in form.errors:
                for message in messages_:
                    form.add_error(name if name in form.fields else None, message)


def _areas() -> Any:
    """Local authorities with a DCO service: the areas an enquiry can be sent for."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.LOCAL_AUTHORITY, is_active=True, dco_services__isnull=False
    ).distinct()


# --- public pages (no account) ----------------------------------------------------------------------


@shows_no_children
@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest) -> HttpResponse:
    """Contact the DCO service with a question or concern about health provision. Anyone may use it,
    without an account or JavaScript. Every error is named at once, whatever else refuses the form.
    Flood protection: a hidden field and a signed stamp of when the form was opened (the form again,
    what was typed kept), a form sent faster than a person could type it only noted and counted twice,
    and a per-address hourly limit (the form again with a message, what was typed kept, status 429).
    Nothing about a child is shown back but what the person typed."""
    address = audit_context(request).ip or "unknown"
    areas = _areas()
    limited = False
    if request.method == "POST":
        form = PublicEnquiryForm(request.POST, local_authorities=areas)
        valid = form.is_valid()
        if not throttle.submissions_allowed(address):
            limited = True
            _every_error(form, request)  # so nothing is a surprise next time
            form.add_error(None, throttle.SENT_LIMITED_MESSAGE)
        elif not valid:
            _every_error(form, request)
        elif form.looks_automated():  # a robot, or a page opened a day ago: shown again, with a new stamp
            _every_error(form, request)
            form.add_error(None, "Check your answers, then send the form again")
        else:
            quickly = form.sent_quickly()
            try:
                enquiry = services.submit_enquiry(
                    user=request.user,
                    context=audit_context(request),
                    local_authority=form.cleaned_data["local_authority"] or Organisation(kind=""),
                    details=form.details_for_service(),
                    sent_quickly=quickly,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                throttle.sent(address, quickly=bool(quickly))
                request.session[SENT_SESSION_KEY] = {
                    "reference": enquiry.reference,
                    "acknowledge_by": f"{enquiry.acknowledge_by:%-d %B %Y}",
                    "respond_by": f"{enquiry.respond_by:%-d %B %Y}",
                    "email": bool(enquiry.email),
                }
                return redirect("enquiries:public-sent")
        data = request.POST.copy()
        data["started"] = PublicEnquiryForm.stamp()
        data["website"] = ""
        errors = form.errors
        form = PublicEnquiryForm(data, local_authorities=areas)
        form._errors = errors  # type: ignore[attr-defined]  # what was typed kept, with a fresh stamp
    else:
        form = PublicEnquiryForm(initial={"started": PublicEnquiryForm.stamp()}, local_authorities=areas)
    response = _render(
        request,
        "enquiries/public_form.html",
        {"form": form},
        status=429 if limited else 400 if form.is_bound else 200,
    )
    if limited:
        response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


@shows_no_children
@require_GET
def public_sent(request: HttpRequest) -> HttpResponse:
    """The reference of the enquiry this browser just sent (kept in its session only). Anyone."""
    sent = request.session.get(SENT_SESSION_KEY)
    if not sent:
        return redirect("enquiries:public-new")
    return _render(request, "enquiries/public_sent.html", {"sent": sent})


@shows_no_children
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    """Check an enquiry's progress with its reference and the e-mail address given. Anyone may use it;
    a wrong reference and a wrong address get the same answer, and repeated wrong guesses from one
    address, or on one reference, wait an hour (the form again with a message, status 429). Shows the stage and dates only."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    found: Enquiry | None = None
    not_found = limited = False
    if request.method == "POST" and form.is_valid():
        address = audit_context(request).ip or "unknown"
        reference = form.cleaned_data["reference"].strip().upper()
        if not throttle.status_allowed(address, reference):
            limited = True  # the same message whichever was counted: nothing about the reference
            form.add_error(None, throttle.STATUS_LIMITED_MESSAGE)
        elif (found := services.public_status(reference, form.cleaned_data["email"])) is None:
            throttle.status_failed(address, reference)
            not_found = True
            form.add_error(
                "reference",
                "We could not find an enquiry with this reference and e-mail address. Check both and try again",
            )
    status = 429 if limited else 200 if request.method == "GET" or found else 400
    response = _render(
        request,
        "enquiries/public_status.html",
        {
            "form": form,
            "found": found,
            "stage": services.public_stage(found) if found else "",
            "not_found": not_found,
            "page_has_errors": bool(form.errors) or not_found,
        },
        status=status,
    )
    if limited:
        response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


# --- staff pages ------------------------------------------------------------------------------------


@shows_children
@login_required
@require_GET
def enquiry_list(request: HttpRequest) -> HttpResponse:
    """Enquiries: a DCO service's, a provider team's assigned ones; all of them open first and newest
    first (so a new one is on the first page), one open stage as a queue (urgent, then oldest first). Who may
    see it: DCOs and DCO administrators, provider clinicians and managers; anyone else 404."""
    access.require_enquiry_party(request.user)
    rows = Enquiry.objects.visible_to(request.user).select_related("child", "assigned_team")
    status = inbox.choice(request.GET.get("status"), Enquiry.Status.values)
    counts = inbox.status_counts(rows)
    if status:
        rows = rows.filter(status=status)
    if not status:  # all: open ones first, urgent first, newest first; then the closed, latest closed first
        rows = rows.annotate(
            closed=Case(When(status=Enquiry.Status.CLOSED, then=Value(1)), default=Value(0))
        ).order_by("closed", "-urgent", "-received_on", "-closed_on", "-pk")
    elif status == Enquiry.Status.CLOSED:
        rows = rows.order_by("-closed_on", "-pk")
    else:  # one open stage: a queue, urgent first, then the longest waiting
        rows = rows.order_by("-urgent", "received_on", "pk")
    page, links = inbox.paginate(request, rows)
    trail.shown_children(e.child for e in page if e.child is not None)
    return _render(
        request,
        "enquiries/list.html",
        {
            "page": page,
            "page_links": links,
            "status": status,
            "counts": counts,
            "statuses": Enquiry.Status.choices,
            "may_log": access.works_in_dco(request.user),
        },
    )


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
def enquiry_log(request: HttpRequest) -> HttpResponse:
    """Log an enquiry that arrived by phone, letter or e-mail. Who may see it: DCOs; anyone else 404."""
    areas = access.areas_for_logging(request.user)
    form = StaffEnquiryForm(request.POST or None, local_authorities=areas)
    if request.method == "POST" and not form.is_valid():
        _every_error(form, request)
    elif request.method == "POST":
        details = form.details_for_service()
        try:
            enquiry = services.submit_enquiry(
                user=request.user,
                context=audit_context(request),
                local_authority=form.cleaned_data["local_authority"] or Organisation(kind=""),
                details=details,
                channel=details.pop("channel"),
                received_on=details.pop("received_on"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Enquiry {enquiry.reference} logged")
            return redirect("enquiries:detail", enquiry.public_id)
    return _render(request, "enquiries/staff_form.html", {"form": form})


@shows_children
@login_required
@require_GET
def enquiry_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One enquiry with its contacts and history. Who may see it: the DCO service that received it and
    the provider team it is assigned to; anyone else 404."""
    enquiry = access.get_enquiry_for_user(request.user, public_id)
    record_access(user=request.user, action="view", obj=enquiry, child=enquiry.child, request=request)
    is_dco = access.is_receiving_dco(request.user, enquiry)
    return _render(
        request,
        "enquiries/detail.html",
        {
            "e": enquiry,
            "is_dco": is_dco,
            "contacts": list(enquiry.contacts.select_related("recorded_by")),
            "events": list(enquiry.events.select_related("by")),
            "reminders": list(reminders_for(enquiry)) if is_dco else [],
            "reference_links": services.reference_links(request.user, enquiry),
            "contact_form": ContactForm(initial={"contacted_on": timezone.localdate()}),
        },
    )


def _action(
    request: HttpRequest,
    public_id: str,
    *,
    form_class: type[forms.Form],
    title: str,
    button: str,
    run: Callable[[Enquiry, dict[str, Any]], Any],
    done: str,
    allowed: Callable[[Enquiry], bool] = lambda e: True,
    form_kwargs: Callable[[Enquiry], dict[str, Any]] = lambda e: {},
    current: Callable[[Enquiry], dict[str, Any]] = lambda e: {},
    intro: str = "",
) -> HttpResponse:
    """The shape every DCO action page shares: fetch (DCO only), a form with the version seen that
    starts from the enquiry's `current` values (so sending it unchanged changes nothing), one service
    call; its ValidationError next to the fields; a stale version gives the conflict page."""
    enquiry = access.get_enquiry_for_user(request.user, public_id, dco_only=True)
    if not allowed(enquiry) and not in_conflict(request):
        messages.info(request, "That cannot be done to this enquiry now")
        return redirect("enquiries:detail", enquiry.public_id)
    form = form_class(
        form_data(request), initial={**current(enquiry), "version": enquiry.version}, **form_kwargs(enquiry)
    )
    if is_submission(request) and form.is_valid():
        try:
            run(enquiry, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{done}: {enquiry.reference}")
            return redirect("enquiries:detail", enquiry.public_id)
    return _render(
        request,
        "enquiries/action.html",
        {"e": enquiry, "form": form, "title": title, "button_text": button, "intro": intro},
    )


def _service_args(request: HttpRequest, enquiry: Enquiry, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": request.user,
        "context": audit_context(request),
        "enquiry": enquiry,
        "expected_version": data["version"],
    }


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_triage(request: HttpRequest, public_id: str) -> HttpResponse:
    """Triage and acknowledge a new enquiry. Who may see it: the DCO service that received it; anyone
    else 404."""
    return _action(
        request,
        public_id,
        form_class=TriageForm,
        title="Triage and acknowledge",
        button="Acknowledge",
        intro="Acknowledge it once you have contacted the person. The acknowledgement reminders stop.",
        allowed=lambda e: e.status == Enquiry.Status.NEW,
        current=lambda e: {"need": e.need, "triage_note": e.triage_note},
        run=lambda e, d: services.acknowledge(
            **_service_args(request, e, d), triage_note=d["triage_note"], need=d["need"]
        ),
        done="Acknowledged",
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    """Assign to a colleague in the DCO service or to a provider team. Who may see it: the DCO service
    that received it; anyone else 404."""
    return _action(
        request,
        public_id,
        form_class=AssignForm,
        title="Assign the enquiry",
        button="Assign",
        intro="A provider team you assign it to can read it and record its contacts.",
        allowed=lambda e: e.is_open,
        form_kwargs=lambda e: {"people": services.assignable_people(e), "teams": services.assignable_teams()},
        current=lambda e: {"person": e.assigned_to_id, "team": e.assigned_team_id},
        run=lambda e, d: services.assign(**_service_args(request, e, d), person=d["person"], team=d["team"]),
        done="Assigned",
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """Link to the child's record and to an advice request or section 23 notification by reference.
    Who may see it: the DCO service that received it; anyone else 404."""
    return _action(
        request,
        public_id,
        form_class=LinkForm,
        title="Link to the child's record and other casework",
        button="Link",
        intro="Leave the child's details empty to keep the record already linked, if there is one.",
        current=lambda e: {
            "advice_reference": e.advice_reference,
            "notification_reference": e.notification_reference,
        },
        run=lambda e, d: services.link_records(
            **_service_args(request, e, d),
            given_name=d["given_name"],
            family_name=d["family_name"],
            date_of_birth=d["date_of_birth"],
            nhs_number=d["nhs_number"],
            advice_reference=d["advice_reference"],
            notification_reference=d["notification_reference"],
        ),
        done="Linked",
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_outcome(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record the outcome. Who may see it: the DCO service that received it; anyone else 404."""
    return _action(
        request,
        public_id,
        form_class=OutcomeForm,
        title="Record the outcome",
        button="Record the outcome",
        allowed=lambda e: e.is_open and e.status != Enquiry.Status.ANSWERED,
        current=lambda e: {"outcome": e.outcome, "outcome_detail": e.outcome_detail},
        run=lambda e, d: services.record_outcome(
            **_service_args(request, e, d), outcome=d["outcome"], detail=d["outcome_detail"]
        ),
        done="Outcome recorded",
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_close(request: HttpRequest, public_id: str) -> HttpResponse:
    """Close an enquiry whose outcome is recorded. Who may see it: the DCO service; anyone else 404."""
    return _action(
        request,
        public_id,
        form_class=CloseForm,
        title="Close the enquiry",
        button="Close the enquiry",
        intro="It can be reopened later, with a reason.",
        allowed=lambda e: e.status == Enquiry.Status.ANSWERED,
        run=lambda e, d: services.close(**_service_args(request, e, d)),
        done="Closed",
    )


@shows_children
@login_required
@service_view
@require_http_methods(["GET", "POST"])
def enquiry_reopen(request: HttpRequest, public_id: str) -> HttpResponse:
    """Reopen a closed enquiry with a reason. Who may see it: the DCO service; anyone else 404."""
    return _action(
        request,
        public_id,
        form_class=ReopenForm,
        title="Reopen the enquiry",
        button="Reopen",
        intro="A new full-response target runs from today.",
        allowed=lambda e: e.status == Enquiry.Status.CLOSED,
        run=lambda e, d: services.reopen(**_service_args(request, e, d), reason=d["reason"]),
        done="Reopened",
    )


@shows_children
@login_required
@require_http_methods(["POST"])
def enquiry_contact(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record a contact with a service. Who may use it: the DCO service and the assigned provider team;
    anyone else 404. Errors are shown on the enquiry's page, with what was typed kept."""
    enquiry = access.get_enquiry_for_user(request.user, public_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_contact(
                user=request.user,
                context=audit_context(request),
                enquiry=enquiry,
                service_name=form.cleaned_data["service_name"],
                method=form.cleaned_data["method"],
                contacted_on=form.cleaned_data["contacted_on"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Contact recorded: {enquiry.reference}")
            return redirect(reverse("enquiries:detail", args=[enquiry.public_id]) + "#contacts")
    is_dco = access.is_receiving_dco(request.user, enquiry)
    return _render(
        request,
        "enquiries/detail.html",
        {
            "e": enquiry,
            "is_dco": is_dco,
            "contacts": list(enquiry.contacts.select_related("recorded_by")),
            "events": list(enquiry.events.select_related("by")),
            "reminders": list(reminders_for(enquiry)) if is_dco else [],
            "reference_links": services.reference_links(request.user, enquiry),
            "contact_form": form,
        },
        status=400,
    )


DASHBOARD = PeriodDashboard(
    require=access.require_dco,
    template="enquiries/dashboard.html",
    figures=figures_of.figures,
    csv_header=figures_of.CSV_HEADER,
    csv_rows=lambda user, period: figures_of.csv_rows(figures_of.figures(user, period)),
    name="enquiries",
    file_name="enquiries",
    render=_render,
)


@shows_no_children
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Enquiry figures for the DCO service, for any period. Who may see it: DCOs; anyone else 404.
    Counts only, never a child."""
    return DASHBOARD.page(request)


@shows_no_children
@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The dashboard's figures as CSV (what the page shows, nothing more). Who may see it: DCOs;
    anyone else 404. Recorded in the access log as an export."""
    return DASHBOARD.csv(request)

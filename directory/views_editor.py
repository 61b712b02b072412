"""Editor pages under /manage/: keeping the Local Offer's records right and fresh.

Who may see them: signed-in staff with the Local Offer editor (directory_editor) or service provider
editor (provider_editor) role; anyone else signed in gets a 403, and anyone signed out is sent to
sign in. What each person sees is scoped by directory.access (outside your reach is a 404). Each view
parses, authorises, calls one service function (with the user and `audit_context(request)`) and
renders or redirects. Views that change a record are decorated `@service_view`: the form carries
the version the person saw, and a stale page is shown again as the record is now, with the shared
"someone else changed this" banner, what was typed kept and status 409 (core.concurrency).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.context import audit_context
from audit.trail import shows_no_children
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view
from directory import access, exporting, importing, services
from directory.forms_editor import (
    CLOSED_REPORT_STATUSES,
    PROBLEM_STATUS_FILTERS,
    ApproveForm,
    ImportForm,
    NewServiceProviderForm,
    ProposalNoteForm,
    RejectForm,
    ResolveReportForm,
    ServiceForm,
    ServiceSearchForm,
)
from directory.freshness import is_due_for_review, review_cutoff, review_months
from directory.models import ChangeProposal, ProblemReport, Provider, Service

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def editor_page(view: View) -> View:
    """Signed in (else redirect to sign in) and holding an editor role (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access.require_editor(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def directory_editor_page(view: View) -> View:
    """Signed in and a Local Offer (directory) editor; provider editors get a 403."""

    @editor_page
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.is_directory_editor(request.user):
            raise PermissionDenied("Only Local Offer editors may use this page.")
        return view(request, *args, **kwargs)

    return wrapped


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _page(request: HttpRequest, queryset: QuerySet[Any] | list[Any]) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _pagination(request: HttpRequest, page: Any) -> dict[str, Any] | None:
    """Parameters for the NHS.UK pagination macro, keeping the other query parameters."""
    if page.paginator.num_pages <= 1:
        return None

    def href(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    params: dict[str, Any] = {}
    if page.has_previous():
        params["previous"] = {
            "href": href(page.previous_page_number()),
            "labelText": f"Page {page.number - 1}",
        }
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number()), "labelText": f"Page {page.number + 1}"}
    return params


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else (a bare word would be taken for a URL name by redirect(),
    # a control character cannot go in a header) falls back.
    if (
        candidate.startswith("/")
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate)
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return fallback


# --- Home -------------------------------------------------------------------------------------


@shows_no_children
@editor_page
def home(request: HttpRequest) -> HttpResponse:
    """The editor's starting point. Who may see it: directory editors and provider editors (their own scope)."""
    user = request.user
    scope = access.services_editable_by(user)
    is_editor = access.is_directory_editor(user)
    proposals = access.proposals_visible_to(user).filter(status=ChangeProposal.Status.PENDING)
    context = {
        "is_editor": is_editor,
        "service_count": scope.count(),
        "stale_count": scope.published().due_for_review().count(),
        "proposal_count": proposals.count(),
        "my_proposal_count": proposals.filter(proposed_by=_user(request)).count(),
        "report_count": (
            access.problem_reports_visible_to(user).filter(status=ProblemReport.Status.NEW).count()
            if is_editor
            else 0
        ),
        "areas": list(access.editor_areas(user)),
        "providers": list(access.providers_for_provider_editor(user)),
        "months": review_months(),
    }
    return render(request, "directory/editor/home.html", context)


# --- Services ---------------------------------------------------------------------------------


@shows_no_children
@editor_page
def service_list(request: HttpRequest) -> HttpResponse:
    """Services this person manages, searchable, with a "due for review" filter. Who: editors, in scope."""
    form = ServiceSearchForm(request.GET or None)
    queryset = access.services_editable_by(request.user).select_related("provider")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(provider__name__icontains=query))
        if form.cleaned_data["stale"]:
            queryset = queryset.published().due_for_review()
    page = _page(request, queryset.order_by("name", "pk"))
    cutoff = review_cutoff()
    return render(
        request,
        "directory/editor/service_list.html",
        {
            "form": form,
            "page": page,
            "pager": _pagination(request, page),
            "cutoff": cutoff,
            "can_create": access.is_directory_editor(request.user)
            or access.providers_for_provider_editor(request.user).exists(),
        },
    )


def _service_form(
    request: HttpRequest, service: Service, direct: bool, data: Any = None, **kw: Any
) -> ServiceForm:
    values = services.service_values(service)
    return ServiceForm(data, initial=ServiceForm.initial_from_values(values), with_areas=direct, **kw)


def _opened_version(request: HttpRequest) -> int:
    """The version of the record the person's page showed (its form's hidden `version`), as they sent
    it: 0 when missing or not a number, which no record has, so the service answers ConcurrentUpdate."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _their_changes(service: Service, opened_version: int) -> list[services.ChangeRow] | None:
    """What changed in `service` since the version the person opened (None when history cannot tell)."""
    base = services.values_at_version(service, opened_version)
    if base is None:
        return None
    return services.diff_values(base, services.service_values(service), only_changed=True)


@shows_no_children
@editor_page
@service_view
def service_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Edit a service (directory editors, in their area) or propose a change (provider editors, their
    services). A stale page (someone else saved meanwhile) is shown again with what they changed, and
    a form keeping what this editor changed and taking the other person's changes elsewhere."""
    service = access.get_service_for_editor(request.user, public_id)
    direct = access.can_edit_directly(request.user, service)
    data = form_data(request)
    form = _service_form(request, service, direct, data)
    note_form = ProposalNoteForm(data) if not direct else None
    their_changes: list[services.ChangeRow] | None = None
    version = service.version
    if in_conflict(request):
        their_changes = _their_changes(service, _opened_version(request))
        if form.is_valid():
            form = _merged_form(form, service, _opened_version(request), their_changes or [])
    elif is_submission(request):
        version = _opened_version(request)  # a form with errors still answers the version they opened
        valid = [form.is_valid(), note_form is None or note_form.is_valid()]  # all errors at once
        if all(valid):
            if direct:
                service = services.update_service(
                    user=_user(request),
                    context=audit_context(request),
                    service=service,
                    data=form.values(),
                    expected_version=version,
                )
                messages.success(request, f"Your changes to {service.name} are saved and published.")
                return redirect("directory:editor-service", public_id=service.public_id)
            assert note_form is not None
            proposal = services.propose_change(
                user=_user(request),
                context=audit_context(request),
                service=service,
                provider=service.provider,
                data=form.values(),
                note=note_form.cleaned_data["note"],
            )
            messages.success(request, "Your change has been sent to the Local Offer team to check.")
            return redirect("directory:editor-proposal", public_id=proposal.public_id)
    pending = access.proposals_visible_to(request.user).filter(
        service=service, status=ChangeProposal.Status.PENDING
    )
    return render(
        request,
        "directory/editor/service_edit.html",
        {
            "service": service,
            "form": form,
            "note_form": note_form,
            "direct": direct,
            "version": version,
            "concurrent": CONFLICT_MESSAGE if in_conflict(request) else "",
            "their_changes": their_changes,
            "pending": list(pending.select_related("proposed_by")),
            "is_stale": is_due_for_review(service.last_reviewed),
            "public_url": reverse("directory:service", args=[service.public_id]),
            "page_has_errors": form.is_bound and bool(form.errors),
        },
    )


def _merged_form(
    form: ServiceForm, service: Service, opened_version: int, their_changes: list[services.ChangeRow]
) -> ServiceForm:
    """After a conflict: keep what this editor changed, and take the other person's changes elsewhere.

    Fields this editor left alone (their value equals what they opened) take the current values, so
    submitting again loses nobody's work; fields both changed keep this editor's value, flagged.
    """
    mine = form.values()
    base = services.values_at_version(service, opened_version)
    current = services.service_values(service)
    merged = dict(mine)
    if base is not None:
        base_n = services._normalise(base)
        mine_n = services._normalise(mine)
        for key in mine:
            if key in base_n and mine_n.get(key) == base_n.get(key):
                merged[key] = current.get(key)
    both = {
        row.key for row in their_changes if base is not None and merged.get(row.key) != current.get(row.key)
    }
    for row in their_changes:
        row.conflict = row.key in both
    return ServiceForm(initial=ServiceForm.initial_from_values(merged), with_areas="areas" in form.fields)


@shows_no_children
@editor_page
def service_create(request: HttpRequest) -> HttpResponse:
    """Add a service. Directory editors publish it; provider editors propose it for their own providers."""
    is_editor = access.is_directory_editor(request.user)
    providers = (
        Provider.objects.order_by("name") if is_editor else access.providers_for_provider_editor(request.user)
    )
    if not is_editor and not providers.exists():
        raise PermissionDenied("You are not an editor for any provider.")
    provider_form = NewServiceProviderForm(request.POST or None, providers=providers)
    form = ServiceForm(
        request.POST or None, with_areas=is_editor, initial={"status": "active", "is_free": "yes"}
    )
    note_form = ProposalNoteForm(request.POST or None) if not is_editor else None
    if request.method == "POST":
        valid = [provider_form.is_valid(), form.is_valid(), note_form is None or note_form.is_valid()]
        if all(valid):
            provider = provider_form.cleaned_data["provider"]
            if is_editor:
                service = services.create_service(
                    user=_user(request), context=audit_context(request), provider=provider, data=form.values()
                )
                messages.success(request, f"{service.name} is added to the Local Offer.")
                return redirect("directory:editor-service", public_id=service.public_id)
            assert note_form is not None
            proposal = services.propose_change(
                user=_user(request),
                context=audit_context(request),
                service=None,
                provider=provider,
                data=form.values(),
                note=note_form.cleaned_data["note"],
            )
            messages.success(request, "Your new service has been sent to the Local Offer team to check.")
            return redirect("directory:editor-proposal", public_id=proposal.public_id)
    return render(
        request,
        "directory/editor/service_create.html",
        {
            "form": form,
            "provider_form": provider_form,
            "note_form": note_form,
            "is_editor": is_editor,
            "page_has_errors": request.method == "POST",
        },
    )


@shows_no_children
@editor_page
def service_history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every change to a service: who, when and what changed. Who: editors who can reach the service."""
    service = access.get_service_for_editor(request.user, public_id)
    records = list(service.history.select_related("history_user").order_by("-history_id")[:200])
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        entries.append({"record": record, "rows": _history_rows(record, previous) if previous else []})
    return render(
        request,
        "directory/editor/service_history.html",
        {"service": service, "entries": entries, "truncated": len(records) == 200},
    )


HISTORY_SKIP = {"updated_at", "created_at", "version", "id", "public_id"}


def _history_rows(record: Any, previous: Any) -> list[services.ChangeRow]:
    """Field-level changes between two history rows: simple-history's diff plus the related values."""
    delta = record.diff_against(previous, excluded_fields=HISTORY_SKIP)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for change in delta.changes:
        key = "provider" if change.field == "provider" else change.field
        old[key], new[key] = change.old, change.new
    if "provider" in old:
        names = dict(
            Provider.objects.filter(pk__in=[old["provider"], new["provider"]]).values_list("pk", "name")
        )
        old["provider"], new["provider"] = names.get(old["provider"], ""), names.get(new["provider"], "")
    before, after = previous.related_values or {}, record.related_values or {}
    for key in services.RELATED_FIELDS:
        if key in before and key in after and before[key] != after[key]:
            old[key], new[key] = before[key], after[key]
    order = [*services.EDITABLE_FIELDS, *sorted(k for k in new if k not in services.EDITABLE_FIELDS)]
    return services.diff_values(old, new, keys=[k for k in order if k in new], only_changed=True)


def _action_again(request: HttpRequest, service: Service, *, action: str, button: str) -> HttpResponse:
    """After a conflict on a one-button action: the service as it is now, what changed since the page
    the person acted from, and the button again (carrying the version now)."""
    return render(
        request,
        "directory/editor/service_action_again.html",
        {
            "service": service,
            "concurrent": CONFLICT_MESSAGE,
            "their_changes": _their_changes(service, _opened_version(request)),
            "action_url": reverse(action, args=[service.public_id]),
            "button_text": button,
            "next": _safe_next(request, ""),
        },
    )


@shows_no_children
@editor_page
@require_POST
@service_view
def service_mark_reviewed(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirm a service's details are still correct. Who: directory editors and its provider's editors.
    From a stale page (the record changed since): the record as it is now, to confirm again."""
    service = access.get_service_for_editor(request.user, public_id)
    if not is_submission(request):
        return _action_again(
            request, service, action="directory:editor-service-reviewed", button=REVIEWED_BUTTON
        )
    services.mark_reviewed(
        user=_user(request),
        context=audit_context(request),
        service=service,
        expected_version=_opened_version(request),
    )
    messages.success(request, f"{service.name} is marked as reviewed today.")
    return redirect(_safe_next(request, reverse("directory:editor-service", args=[service.public_id])))


REVIEWED_BUTTON = "Confirm these details are still correct"
ARCHIVE_BUTTON = "Archive this service"


@shows_no_children
@editor_page
@require_POST
@service_view
def service_archive(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take a service out of the Local Offer. Who: directory editors, for services in their area.
    From a stale page (the record changed since): the record as it is now, to archive again."""
    service = access.get_service_for_editor(request.user, public_id, write=True)
    if not is_submission(request):
        return _action_again(
            request, service, action="directory:editor-service-archive", button=ARCHIVE_BUTTON
        )
    services.archive_service(
        user=_user(request),
        context=audit_context(request),
        service=service,
        expected_version=_opened_version(request),
    )
    messages.success(request, f"{service.name} is archived: it no longer appears in the Local Offer.")
    return redirect("directory:editor-service", public_id=service.public_id)


# --- Proposals ------------------------------------------------------------------------------


@shows_no_children
@editor_page
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposed changes. Who: directory editors (to decide) and provider editors (their providers' proposals)."""
    status = request.GET.get("status", ChangeProposal.Status.PENDING)
    if status not in ChangeProposal.Status.values:
        status = ChangeProposal.Status.PENDING
    queryset = (
        access.proposals_visible_to(request.user)
        .filter(status=status)
        .select_related("service", "provider", "proposed_by")
        .order_by("created_at" if status == ChangeProposal.Status.PENDING else "-created_at")
    )
    page = _page(request, queryset)
    return render(
        request,
        "directory/editor/proposal_list.html",
        {
            "page": page,
            "pager": _pagination(request, page),
            "status": status,
            "statuses": ChangeProposal.Status.choices,
        },
    )


def _proposal_context(request: HttpRequest, proposal: ChangeProposal, **forms: Any) -> dict[str, Any]:
    current = services.service_values(proposal.service) if proposal.service else services.empty_values()
    changed = services.proposed_changes(proposal)
    conflicts = (
        services.proposal_conflicts(proposal) if proposal.status == ChangeProposal.Status.PENDING else set()
    )
    proposed = {key: (proposal.data[key] if key in changed else current.get(key)) for key in proposal.data}
    keys = [k for k in services.EDITABLE_FIELDS if k in proposal.data]
    if proposal.status == ChangeProposal.Status.PENDING:
        rows = services.diff_values(current, proposed, keys=keys, conflicts=conflicts)
    else:  # decided: show what the provider asked for against what they started from
        rows = services.diff_values(proposal.base_data or services.empty_values(), proposal.data, keys=keys)
    can_decide = proposal.status == ChangeProposal.Status.PENDING and access.can_decide_proposals(
        request.user
    )
    if can_decide:
        try:
            access.get_proposal_for_user(request.user, proposal.public_id, write=True)
        except Http404:
            can_decide = False
    return {
        "proposal": proposal,
        "rows": rows,
        "changed_count": sum(1 for r in rows if r.changed),
        "conflicts": [r for r in rows if r.conflict],
        "service_moved_on": proposal.service is not None
        and proposal.service.version != proposal.base_version,
        "can_decide": can_decide,
        "can_withdraw": access.can_withdraw(request.user, proposal),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "concurrent": CONFLICT_MESSAGE if in_conflict(request) else "",
        "page_has_errors": any(f is not None and f.is_bound and f.errors for f in forms.values()),
    }


@shows_no_children
@editor_page
def proposal_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One proposal with a field-by-field diff. Who: directory editors in scope and the provider's editors."""
    proposal = access.get_proposal_for_user(request.user, public_id)
    return render(request, "directory/editor/proposal_detail.html", _proposal_context(request, proposal))


def _proposal_page(request: HttpRequest, proposal: ChangeProposal, **forms: Any) -> HttpResponse:
    """The proposal's page as it is now, with the forms as sent (after a conflict: what was typed)."""
    proposal.refresh_from_db()
    return render(
        request, "directory/editor/proposal_detail.html", _proposal_context(request, proposal, **forms)
    )


@shows_no_children
@editor_page
@require_POST
@service_view
def proposal_approve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Approve and publish a proposal. Who: directory editors for the service's area (others: 404).
    A stale page (the proposal or its service changed since) is shown again as it is now."""
    proposal = access.get_proposal_for_user(request.user, public_id, write=True)
    form = ApproveForm(form_data(request))
    if not is_submission(request) or not form.is_valid():
        return _proposal_page(request, proposal, approve_form=form)
    try:
        service = services.approve_proposal(
            user=_user(request),
            context=audit_context(request),
            proposal=proposal,
            expected_version=form.cleaned_data["version"],
            service_version=form.cleaned_data["service_version"],
            note=form.cleaned_data["note"],
        )
    except ValueError as exc:
        form.add_error(None, str(exc))
        return _proposal_page(request, proposal, approve_form=form)
    messages.success(request, f"The change to {service.name} is approved and published.")
    return redirect("directory:editor-proposals")


@shows_no_children
@editor_page
@require_POST
@service_view
def proposal_reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Reject a proposal with a reason. Who: directory editors for the service's area (others: 404).
    A stale page (the proposal changed since) is shown again as it is now, the reason kept."""
    proposal = access.get_proposal_for_user(request.user, public_id, write=True)
    form = RejectForm(form_data(request))
    if not is_submission(request) or not form.is_valid():
        return _proposal_page(request, proposal, reject_form=form)
    try:
        services.reject_proposal(
            user=_user(request),
            context=audit_context(request),
            proposal=proposal,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except ValueError as exc:
        form.add_error(None, str(exc))
        return _proposal_page(request, proposal, reject_form=form)
    messages.success(request, "The change is not approved. The provider has been told why.")
    return redirect("directory:editor-proposals")


@shows_no_children
@editor_page
@require_POST
@service_view
def proposal_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Withdraw a pending proposal. Who: its proposer or another editor at the same provider.
    A stale page (it was decided meanwhile) is shown again as it is now."""
    proposal = access.get_proposal_for_user(request.user, public_id)
    if not access.may_withdraw(request.user, proposal):
        raise Http404("No such proposal")
    if not is_submission(request):
        return _proposal_page(request, proposal)
    try:
        services.withdraw_proposal(
            user=_user(request),
            context=audit_context(request),
            proposal=proposal,
            expected_version=_opened_version(request),
        )
    except ValueError:
        return _proposal_page(request, proposal)
    messages.success(request, "Your proposal is withdrawn.")
    return redirect("directory:editor-proposals")


# --- Freshness ------------------------------------------------------------------------------


@shows_no_children
@editor_page
def stale_list(request: HttpRequest) -> HttpResponse:
    """Records due for review, oldest first. Who: directory editors and provider editors (their scope)."""
    queryset = (
        access.services_editable_by(request.user)
        .published()
        .due_for_review()
        .select_related("provider")
        .annotate(reminders_sent=Count("review_reminders", filter=Q(review_reminders__sent_at__isnull=False)))
        .order_by(F("last_reviewed").asc(nulls_first=True), "name", "pk")
    )
    page = _page(request, queryset)
    return render(
        request,
        "directory/editor/stale_list.html",
        {
            "page": page,
            "pager": _pagination(request, page),
            "cutoff": review_cutoff(),
            "months": review_months(),
        },
    )


# --- Problem reports ------------------------------------------------------------------------


@shows_no_children
@directory_editor_page
def problem_list(request: HttpRequest) -> HttpResponse:
    """Problems the public reported about services. Who: directory editors, for services in their area."""
    show = request.GET.get("status", "new")
    if show not in dict(PROBLEM_STATUS_FILTERS):
        show = "new"
    queryset = access.problem_reports_visible_to(request.user).select_related("service", "service__provider")
    counts = {
        "new": queryset.filter(status=ProblemReport.Status.NEW).count(),
        "in_progress": queryset.filter(status=ProblemReport.Status.IN_PROGRESS).count(),
        "closed": queryset.filter(status__in=CLOSED_REPORT_STATUSES).count(),
    }
    if show == "closed":
        queryset = queryset.filter(status__in=CLOSED_REPORT_STATUSES).order_by("-handled_at", "-created_at")
    else:
        queryset = queryset.filter(status=show).order_by("created_at")
    page = _page(request, queryset)
    return render(
        request,
        "directory/editor/problem_list.html",
        {
            "page": page,
            "pager": _pagination(request, page),
            "show": show,
            "filters": PROBLEM_STATUS_FILTERS,
            "counts": counts,
        },
    )


@shows_no_children
@directory_editor_page
@service_view
def problem_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One problem report, with the resolve form. Who: directory editors for the service's area.
    A stale page (someone else picked it up or closed it) is shown again as it is now, what was
    typed kept."""
    report = access.get_problem_report_for_user(request.user, public_id, write=True)
    data = form_data(request)
    starting = data is not None and data.get("action") == "start"
    form = ResolveReportForm(None if starting else data)
    if is_submission(request):
        if starting:
            services.start_problem_report(
                user=_user(request),
                context=audit_context(request),
                report=report,
                expected_version=_opened_version(request),
            )
            messages.success(request, "The report is marked as in progress.")
            return redirect("directory:editor-problem", public_id=report.public_id)
        if form.is_valid():
            try:
                services.resolve_problem_report(
                    user=_user(request),
                    context=audit_context(request),
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    response=form.cleaned_data["response"],
                    dismissed=form.cleaned_data["outcome"] == "dismissed",
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The report is closed.")
                return redirect("directory:editor-problems")
    return render(
        request,
        "directory/editor/problem_detail.html",
        {
            "report": report,
            "form": form,
            "is_open": report.status in services.OPEN_REPORT_STATUSES,
            "concurrent": CONFLICT_MESSAGE if in_conflict(request) else "",
            "page_has_errors": form.is_bound and bool(form.errors),
        },
    )


# --- Import and export ----------------------------------------------------------------------


IMPORTERS: dict[str, Callable[..., importing.ImportResult]] = {
    "csv": importing.import_csv,
    "oruk": importing.import_oruk_json,
}


@shows_no_children
@directory_editor_page
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload services from the CSV template or ORUK JSON. Who: directory editors.

    Nothing is saved when any row fails; every bad row is listed with its line and reason.
    """
    form = ImportForm(request.POST or None, request.FILES or None)
    result: importing.ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        importer = IMPORTERS[form.cleaned_data["format"]]
        result = importer(form.cleaned_data["file"], user=request.user, dry_run=form.cleaned_data["dry_run"])
    errors = result.errors if result is not None else []
    return render(
        request,
        "directory/editor/import.html",
        {
            "form": form,
            "result": result,
            "errors": errors,
            "summary": (
                [("Services added", result.created), ("Services updated", result.updated)]
                if result is not None and result.ok
                else None
            ),
            "warnings": result.warnings if result is not None else [],
            "dry_run": result is not None and result.dry_run,
            "page_has_errors": (form.is_bound and bool(form.errors)) or bool(errors),
        },
    )


EXPORTS: dict[str, tuple[str, str, Callable[..., int]]] = {
    "csv": ("services.csv", "text/csv; charset=utf-8", exporting.export_csv),
    "oruk": ("services-oruk.json", "application/json", exporting.export_oruk_json),
    "template": ("services-template.csv", "text/csv; charset=utf-8", exporting.export_csv),
}


@shows_no_children
@directory_editor_page
def export_page(request: HttpRequest) -> HttpResponse:
    """Download the services an editor looks after as CSV or ORUK JSON. Who: directory editors."""
    return render(request, "directory/editor/export.html", {})


@shows_no_children
@directory_editor_page
def export_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The export file itself. Who: directory editors."""
    if kind not in EXPORTS:
        raise Http404("No such export")
    filename, content_type, export = EXPORTS[kind]
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The services this editor looks after; the blank template is the CSV export of no services:
    # just the header row.
    scope = Service.objects.none() if kind == "template" else access.services_editable_by(request.user)
    export(response, scope)
    return response

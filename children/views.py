"""A child or young person's record: details, parents and carers, consent to share, and the advice
requests the viewer can see. Fetched only through `children.access.get_child_for_user` (404 outside
reach); every view is written to the access log, and every change is audited by its service.

Who may change a record (`get_child_for_user(..., write=True)`): the caseworkers of the child's LA
and the DCO service of that LA's area. Everyone else who may see it (provider teams the child's
requests were sent to) reads it only: the change pages answer them 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.context import audit_context
from audit.services import record_access
from audit.trail import shows_children
from children import access, registry, services
from children.forms import (
    ChildDetailsForm,
    ConsentForm,
    ParentCarerForm,
    PossibleDuplicateForm,
    VersionForm,
    WithdrawConsentForm,
    add_service_errors,
)
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render with `page_has_errors` (a bound form with errors) and `concurrent`, the conflict banner's
    words when the page is shown again because someone else changed the record (core.concurrency)."""
    form = context.get("form")
    context.setdefault("page_has_errors", bool(form is not None and form.is_bound and form.errors))
    context.setdefault("concurrent", CONFLICT_MESSAGE if in_conflict(request) else "")
    return render(request, template, context)


def _view_audit(request: HttpRequest, obj: Any, child: ChildOrYoungPerson, detail: str = "") -> None:
    record_access(user=request.user, action="view", obj=obj, child=child, request=request, detail=detail)


@shows_children
@login_required
@require_GET
def child_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The child's record. Who may see it: the caseworkers of the child's LA, and the organisations
    involved with the child (ChildOrYoungPerson.objects.visible_to: for advice, the requesting LA,
    the area's DCO service and the teams it was sent to, until 6 months after their part ended);
    nobody else (404), system administrators included. The links to change it are shown only to
    those who may change it (the LA's caseworkers and the area's DCO service). A record the DCO
    service merged into another leads to the record kept, for those who may see that one."""
    kept = access.record_kept_for_user(request.user, public_id)
    if kept is not None:
        return redirect("children:child-detail", kept.public_id)
    child = access.get_child_for_user(request.user, public_id)
    consents = list(child.consents.select_related("parent_carer"))
    record_access(user=request.user, action="view", obj=child, child=child, request=request)
    return render(
        request,
        "children/child_detail.html",
        {
            "child": child,
            "can_change": access.can_change_child(request.user, child),
            "carers": list(child.parent_carers.all()),
            "current_consents": [c for c in consents if c.is_active],
            "past_consents": [c for c in consents if not c.is_active],
            "only_parent_consent": services.only_parent_consent(child),
            # Each app's part of the record (children.registry), e.g. the advice requests.
            "sections": [html for section in registry.sections() if (html := section.render(request, child))],
        },
    )


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def child_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Change the child's name, date of birth, NHS number or school. Refused when the new details
    match another record of the same child that the user can see (that record is shown instead);
    a record they cannot see is never mentioned (the DCO service checks it). Who may use it: the
    caseworkers of the child's LA and the area's DCO service; anyone else 404. A stale page gets
    the record as it is now with what was typed kept (core.concurrency)."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    initial = {
        "version": child.version,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
        "nhs_number": child.nhs_number_display,
        "school_or_setting_name": child.school_or_setting_name,
    }
    form = ChildDetailsForm(form_data(request), initial=initial)
    duplicates: list[ChildOrYoungPerson] = []
    if is_submission(request) and form.is_valid():
        data = form.service_values()
        identity = data_for_matching(data)
        before = {**data_for_matching(initial), "nhs_number": child.nhs_number}
        # Only a change of identity can make a second record of someone (a school change cannot).
        if identity != before:
            duplicates = services.other_records_for(user=request.user, child=child, **identity)
        if duplicates:
            form.add_error(None, "These details match another record of the same child: see it below")
        else:
            try:
                services.update_child(
                    user=request.user,
                    child=child,
                    expected_version=form.cleaned_data["version"],
                    context=audit_context(request),
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The child's details were saved.")
                return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, child, child, "edit details form")
    return _render(
        request, "children/child_edit.html", {"child": child, "form": form, "duplicates": duplicates}
    )


def data_for_matching(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "given_name": data["given_name"],
        "family_name": data["family_name"],
        "date_of_birth": data["date_of_birth"],
        "nhs_number": data["nhs_number"],
    }


def _carer(child: ChildOrYoungPerson, carer_id: str) -> ParentCarer:
    try:
        return child.parent_carers.get(public_id=carer_id)
    except ParentCarer.DoesNotExist as exc:
        raise Http404("No such parent or carer") from exc


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def carer_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Add a parent or carer. Who may use it: the caseworkers of the child's LA and the area's DCO
    service; anyone else 404."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    form = ParentCarerForm(request.POST or None, initial={"has_parental_responsibility": "yes"})
    if request.method == "POST" and form.is_valid():
        try:
            carer = services.add_parent_carer(
                user=request.user, child=child, context=audit_context(request), **form.service_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{carer.name} was added.")
            return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, child, child, "add parent or carer form")
    return _render(request, "children/carer_form.html", {"child": child, "form": form, "carer": None})


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def carer_edit(request: HttpRequest, public_id: str, carer_id: str) -> HttpResponse:
    """Change a parent or carer's details. Who may use it: the caseworkers of the child's LA and the
    area's DCO service; anyone else 404. A stale page gets their details as they are now with what
    was typed kept (core.concurrency)."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    carer = _carer(child, carer_id)
    form = ParentCarerForm(form_data(request), initial=ParentCarerForm.initial_for(carer), versioned=True)
    if is_submission(request) and form.is_valid():
        try:
            services.update_parent_carer(
                user=request.user,
                carer=carer,
                expected_version=form.cleaned_data["version"],
                context=audit_context(request),
                **form.service_values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{carer.name}'s details were saved.")
            return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, carer, child, "edit parent or carer form")
    return _render(request, "children/carer_form.html", {"child": child, "form": form, "carer": carer})


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def carer_remove(request: HttpRequest, public_id: str, carer_id: str) -> HttpResponse:
    """Confirm, then remove a parent or carer (refused while a consent they gave is on record).
    Who may use it: the caseworkers of the child's LA and the area's DCO service; anyone else 404.
    A stale page (their details changed meanwhile) is shown them as they are now, to confirm again."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    carer = _carer(child, carer_id)
    form = VersionForm(form_data(request), initial={"version": carer.version})
    if is_submission(request) and form.is_valid():
        try:
            services.remove_parent_carer(
                user=request.user,
                carer=carer,
                expected_version=form.cleaned_data["version"],
                context=audit_context(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{carer.name} was removed from the record.")
            return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, carer, child, "remove parent or carer")
    return _render(request, "children/carer_remove.html", {"child": child, "carer": carer, "form": form})


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record consent to share health information. Who may use it: the caseworkers of the child's
    LA and the area's DCO service; anyone else 404."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    form = ConsentForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                user=request.user, child=child, context=audit_context(request), **form.service_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consent to share was recorded.")
            return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, child, child, "record consent form")
    return _render(
        request,
        "children/consent_form.html",
        {"child": child, "form": form, "is_young_person": child.is_young_person(), "age": child.age()},
    )


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def consent_withdraw(request: HttpRequest, public_id: str, consent_id: str) -> HttpResponse:
    """Record that consent to share was withdrawn (the consent is kept, marked withdrawn). Who may
    use it: the caseworkers of the child's LA and the area's DCO service; anyone else 404. The page
    opens only for current consent; a stale page (someone withdrew it meanwhile) is shown it as it
    is now, with what was typed kept (core.concurrency)."""
    child = access.get_child_for_user(request.user, public_id, write=True)
    try:
        consent = child.consents.select_related("parent_carer").get(public_id=consent_id)
    except (ConsentToShare.DoesNotExist, ValidationError) as exc:
        raise Http404("No such current consent") from exc
    if not consent.is_active and request.method == "GET" and not in_conflict(request):
        raise Http404("No such current consent")
    form = WithdrawConsentForm(
        form_data(request), initial={"version": consent.version, "withdrawn_on": timezone.localdate()}
    )
    if is_submission(request) and form.is_valid():
        try:
            services.withdraw_consent(
                user=request.user,
                consent=consent,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                context=audit_context(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The consent was marked as withdrawn.")
            return redirect("children:child-detail", child.public_id)
    if request.method == "GET":
        _view_audit(request, consent, child, "withdraw consent form")
    return _render(
        request, "children/consent_withdraw.html", {"child": child, "form": form, "consent": consent}
    )


# --- possible duplicates: the DCO service's check (ADR 0013) ----------------------------------------


@shows_children
@login_required
@require_GET
def possible_duplicates(request: HttpRequest) -> HttpResponse:
    """The DCO service's list of possible duplicate records: details an LA sent that may be a child
    someone the LA cannot see already recorded. Shows no child's details (each check's page does).
    Who may see it: DCOs and DCO administrators, for the LAs in their areas; anyone else 404."""
    checks = access.possible_duplicates_for_user(request.user).select_related("local_authority")
    waiting = list(checks.open().order_by("created_at", "pk"))
    decided = list(
        checks.filter(resolved_at__isnull=False).select_related("resolved_by").order_by("-resolved_at")[:20]
    )
    record_access(
        user=request.user,
        action="search",
        obj=None,
        child=None,
        request=request,
        detail=f"possible duplicates: {len(waiting)} to check",
    )
    return render(request, "children/possible_duplicates.html", {"waiting": waiting, "decided": decided})


@shows_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def possible_duplicate(request: HttpRequest, public_id: str) -> HttpResponse:
    """Compare the record made from what an LA sent with the record it may duplicate, and decide: the
    same child (the records are linked: one record, which the LA then reaches through its request) or
    different children. Both records' identity details are shown, and the view of each is audited.
    Who may see it: DCOs and DCO administrators of the service covering the LA that sent the
    details; anyone else 404 (the LA itself included). A stale page is shown the check as it is now."""
    check = access.get_possible_duplicate_for_user(request.user, public_id)
    form = PossibleDuplicateForm(form_data(request), initial={"version": check.version})
    conflict = services.CHECK_CHANGED if in_conflict(request) else ""
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        try:
            if data["same"] == "yes":
                kept = services.link_records(
                    user=request.user,
                    check=check,
                    expected_version=data["version"],
                    notes=data["notes"],
                    context=audit_context(request),
                )
                message = f"The records were linked: {kept.full_name} has one record."
            else:
                services.record_different_children(
                    user=request.user,
                    check=check,
                    expected_version=data["version"],
                    notes=data["notes"],
                    nhs_number=data["nhs_number"],
                    context=audit_context(request),
                )
                message = "Recorded as different children. Both records stay as they are."
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("children:possible-duplicates")
    for child, which in ((check.new_record, "sent by the LA"), (check.existing, "already recorded")):
        _view_audit(request, check, child, f"possible duplicate compared ({which})")
    return _render(
        request,
        "children/possible_duplicate.html",
        {
            "check": check,
            "form": form,
            "conflict": conflict,
            "same_number": bool(check.new_record.nhs_number)
            and check.new_record.nhs_number == check.existing.nhs_number,
        },
    )

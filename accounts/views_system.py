"""The system administrator's pages: organisations and teams, the areas a DCO service covers, and API
tokens (made, named, rotated, revoked; when each was last used). Views stay thin: access functions in
accounts/access.py, changes in accounts/organisations.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts import organisations as services
from accounts.forms import (
    AreasForm,
    OrganisationEditForm,
    OrganisationForm,
    TokenNameForm,
    TokenRenameForm,
)
from accounts.models import ApiToken, Organisation
from accounts.views_staff import _add_errors, _admin, _render, confirm_then
from audit.context import audit_context
from audit.trail import shows_no_children
from core.concurrency import form_data, is_submission, service_view

Kind = Organisation.Kind


def _by_public_id(public_id: str) -> Organisation | None:
    return Organisation.objects.filter(public_id=public_id).first() if public_id else None


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    """Add an organisation or a team. Who may use it: system administrators; anyone else 403."""
    access.require_system_admin(request.user)
    parents = Organisation.objects.filter(
        kind__in=[Kind.PROVIDER_TRUST, Kind.INTEGRATED_CARE_BOARD], is_active=True
    ).order_by("name")
    initial = {}
    if (under := _by_public_id(request.GET.get("parent", "")[:40])) is not None and under in parents:
        initial = {
            "parent": str(under.public_id),
            "kind": Kind.PROVIDER_TEAM if under.kind == Kind.PROVIDER_TRUST else "",
        }
    form = OrganisationForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.create_organisation(
                user=_admin(request),
                context=audit_context(request),
                name=data["name"],
                kind=data["kind"],
                parent=_by_public_id(data["parent"]),
                code=data["code"],
                specialism=data["specialism"],
                email=data["email"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} was added. Invite its staff next.")
            return redirect("accounts:organisation", organisation.public_id)
    return _render(request, "accounts/system/organisation_new.html", {"form": form})


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def organisation_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Change an organisation's name, code, specialism and shared mailbox, or close it. Who may use it:
    system administrators; anyone else 404."""
    organisation = access.get_organisation_for_system_admin(request.user, public_id)
    initial = {
        "name": organisation.name,
        "code": organisation.code,
        "specialism": organisation.specialism,
        "email": organisation.email,
        "is_active": organisation.is_active,
        "version": organisation.version,
    }
    form = OrganisationEditForm(form_data(request), initial=initial)
    if is_submission(request) and form.is_valid():
        data = form.cleaned_data
        services.update_organisation(
            user=_admin(request),
            context=audit_context(request),
            organisation=organisation,
            version=data["version"],
            name=data["name"],
            code=data["code"],
            specialism=data["specialism"],
            email=data["email"],
            is_active=data["is_active"],
        )
        messages.success(request, f"{data['name']} was saved.")
        return redirect("accounts:organisation", organisation.public_id)
    return _render(
        request, "accounts/system/organisation_edit.html", {"organisation": organisation, "form": form}
    )


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def organisation_areas(request: HttpRequest, public_id: str) -> HttpResponse:
    """The local authorities a DCO service covers. Who may use it: system administrators, for a DCO
    service; anyone else 404."""
    organisation = access.get_organisation_for_system_admin(request.user, public_id)
    if organisation.kind != Kind.DCO_SERVICE:
        raise Http404("Only a DCO service covers areas")
    authorities = Organisation.objects.filter(kind=Kind.LOCAL_AUTHORITY).order_by("name")
    initial = {
        "areas": [str(a.public_id) for a in organisation.areas.all()],
        "version": organisation.version,
    }
    form = AreasForm(form_data(request), initial=initial, authorities=authorities)
    if is_submission(request) and form.is_valid():
        chosen = list(authorities.filter(public_id__in=form.cleaned_data["areas"]))
        try:
            services.set_areas(
                user=_admin(request),
                context=audit_context(request),
                organisation=organisation,
                version=form.cleaned_data["version"],
                areas=chosen,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"The areas {organisation.name} covers were saved.")
            return redirect("accounts:organisation", organisation.public_id)
    return _render(request, "accounts/system/areas.html", {"organisation": organisation, "form": form})


# --- API tokens ------------------------------------------------------------------------------------


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, public_id: str) -> HttpResponse:
    """A local authority's API tokens, and a form to make one (its secret is shown once, on the answer
    to that form). Who may use it: system administrators; anyone else 404."""
    organisation = access.get_organisation_for_system_admin(request.user, public_id)
    if organisation.kind not in services.TOKEN_KINDS:
        raise Http404("API tokens are for local authorities")
    form = TokenNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.issue_token(
            user=_admin(request),
            context=audit_context(request),
            organisation=organisation,
            name=form.cleaned_data["name"],
        )
        return _render(
            request, "accounts/system/token_secret.html", {"token": token, "raw": raw, "made": True}
        )
    rows = (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("revoked_at", "-created_at")
    )
    return _render(
        request, "accounts/system/tokens.html", {"organisation": organisation, "tokens": rows, "form": form}
    )


def _token_page(request: HttpRequest, template: str, token: ApiToken, form: Any) -> HttpResponse:
    return _render(request, template, {"token": token, "organisation": token.organisation, "form": form})


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def token_rename(request: HttpRequest, public_id: str) -> HttpResponse:
    """Rename a token. Who may use it: system administrators; anyone else 404."""
    token = access.get_api_token_for_user(request.user, public_id)
    form = TokenRenameForm(form_data(request), initial={"name": token.name, "version": token.version})
    if is_submission(request) and form.is_valid():
        services.rename_token(
            user=_admin(request),
            context=audit_context(request),
            token=token,
            version=form.cleaned_data["version"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, "The token's name was saved.")
        return redirect("accounts:tokens", token.organisation.public_id)
    return _token_page(request, "accounts/system/token_rename.html", token, form)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def token_rotate(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirm, then replace a token with a new secret (the old one stops working). Who may use it:
    system administrators; anyone else 404."""
    token = access.get_api_token_for_user(request.user, public_id)

    def rotate(version: int) -> HttpResponse:
        new, raw = services.rotate_token(
            user=_admin(request), context=audit_context(request), token=token, version=version
        )
        return _render(
            request, "accounts/system/token_secret.html", {"token": new, "raw": raw, "made": False}
        )

    page = {"token": token, "organisation": token.organisation}
    return confirm_then(request, token.version, rotate, "accounts/system/token_rotate.html", page)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirm, then revoke a token for good. Who may use it: system administrators; anyone else 404."""
    token = access.get_api_token_for_user(request.user, public_id)

    def revoke(version: int) -> HttpResponse:
        services.revoke_token(
            user=_admin(request), context=audit_context(request), token=token, version=version
        )
        messages.success(
            request, f"The token {token.name} ({token.prefix}...) was revoked: it no longer works."
        )
        return redirect("accounts:tokens", token.organisation.public_id)

    page = {"token": token, "organisation": token.organisation}
    return confirm_then(request, token.version, revoke, "accounts/system/token_revoke.html", page)

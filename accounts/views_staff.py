"""Running an organisation's staff, in the product's own pages: organisations you run, their staff,
inviting, roles and teams, two-factor reset, removal; and the invited person's own first step.

Views stay thin: the access functions in accounts/access.py say who may open what (404 outside it),
accounts/staff.py makes each change, audited with who did what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access, staff
from accounts.forms import InviteForm, NewPasswordForm, StaffRolesForm, VersionForm
from accounts.models import Organisation, RoleGroup, User
from audit.context import audit_context
from audit.trail import shows_no_children
from core.concurrency import CONFLICT_MESSAGE, form_data, in_conflict, is_submission, service_view


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    has_errors = any(getattr(value, "is_bound", False) and bool(value.errors) for value in context.values())
    context.setdefault("page_has_errors", has_errors)
    context.setdefault("concurrent", CONFLICT_MESSAGE if in_conflict(request) else "")
    return render(request, template, context, status=status)


def _admin(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind login_required)."""
    return cast(User, request.user)


def _add_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.message_dict.items():
        for message in errors:
            form.add_error(key if key in form.fields else None, message)


def confirm_then(
    request: HttpRequest,
    version: int,
    act: Callable[[int], HttpResponse],
    template: str,
    page: dict[str, Any],
) -> HttpResponse:
    """A page that says what will happen and asks for a confirming button press, then acts. The form
    carries the record's `version`; a valid submission runs `act(version)` (the change, then its
    answer: usually a message and a redirect); a rule the change breaks is shown on the page again
    (the template, with `page` and the form), named above the button. The view carries
    @service_view, so an out-of-date version answers with the conflict page."""
    form = VersionForm(form_data(request), initial={"version": version})
    if is_submission(request) and form.is_valid():
        try:
            return act(form.cleaned_data["version"])
        except ValidationError as exc:
            _add_errors(form, exc)
    return _render(request, template, {**page, "form": form})


def _chosen(admin: User, organisation: Organisation, keys: list[str]) -> list[staff.RoleAt]:
    offered = {r.key: r for r in staff.roles_offered(admin, organisation)}
    return [offered[key] for key in keys if key in offered]


def _choices(admin: User, organisation: Organisation) -> list[tuple[str, str]]:
    return [(r.key, r.label) for r in staff.roles_offered(admin, organisation)]


def _person(request: HttpRequest, org_id: str, person_id: str) -> tuple[Organisation, User]:
    organisation = access.get_organisation_run_by(_admin(request), org_id)
    person = access.get_staff_member_for_user(_admin(request), person_id, organisation=organisation)
    return organisation, person


@shows_no_children
@login_required
@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    """The organisations whose staff you manage. Who may see it: organisation administrators (their own
    organisation) and system administrators (every organisation); anyone else 403."""
    run = access.organisations_run_by(_admin(request))
    if not access.runs_organisations(_admin(request)):
        raise PermissionDenied
    is_system = _admin(request).has_role(*RoleGroup.SYSTEM)
    shown = run if is_system else run.filter(is_active=True)  # closed ones too, for the system administrator
    organisations = list(shown.select_related("parent").order_by("kind", "name"))
    context = {"organisations": organisations, "is_system": is_system}
    return _render(request, "accounts/staff/organisations.html", context)


@shows_no_children
@login_required
@require_GET
def organisation_staff(request: HttpRequest, public_id: str) -> HttpResponse:
    """One organisation's staff (and its teams'). Who may see it: its administrators and system
    administrators; anyone else 404."""
    organisation = access.get_organisation_run_by(_admin(request), public_id)
    people = list(staff.staff_of(organisation).prefetch_related("memberships__organisation"))
    in_tree = set(staff.tree(organisation).values_list("pk", flat=True))
    rows = []
    for person in people:
        roles = [
            staff.RoleAt(m.organisation, m.role).label
            for m in person.memberships.all()
            if m.is_active and m.organisation_id in in_tree
        ]
        rows.append({"person": person, "roles": roles, "invited": not person.has_usable_password()})
    context = {
        "organisation": organisation,
        "rows": rows,
        "teams": list(staff.tree(organisation))[1:],
        "areas": list(organisation.areas.order_by("name")),
        "is_system": _admin(request).has_role(*RoleGroup.SYSTEM),
    }
    return _render(request, "accounts/staff/organisation.html", context)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, public_id: str) -> HttpResponse:
    """Invite someone by e-mail. Who may use it: the organisation's administrators and system
    administrators; anyone else 404."""
    organisation = access.get_organisation_run_by(_admin(request), public_id)
    form = InviteForm(request.POST or None, role_choices=_choices(_admin(request), organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, invited = staff.invite_staff(
                user=_admin(request),
                context=audit_context(request),
                organisation=organisation,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=_chosen(_admin(request), organisation, data["roles"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if invited:
                messages.success(request, f"An invitation was sent to {person.email}.")
            else:
                messages.success(request, f"{person} was given the roles and told by email.")
            return redirect("accounts:organisation", organisation.public_id)
    return _render(request, "accounts/staff/invite.html", {"organisation": organisation, "form": form})


@shows_no_children
@login_required
@require_GET
def staff_member(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    """One person's roles in this organisation, and what their administrator may do. Who may see it:
    the organisation's administrators and system administrators, for its staff; anyone else 404."""
    organisation, person = _person(request, public_id, person_id)
    context = {
        "organisation": organisation,
        "person": person,
        "roles": staff.roles_held(person, organisation),
        "has_two_factor": staff.has_two_factor(person),
        "invitation": staff.open_invitation(person),
        "invited": not person.has_usable_password(),
        "may_reset": staff.may_reset_two_factor(_admin(request), person),
        "is_you": person.pk == _admin(request).pk,
    }
    return _render(request, "accounts/staff/person.html", context)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def staff_roles(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    """Set someone's roles and teams. Who may use it: as for the person's page."""
    organisation, person = _person(request, public_id, person_id)
    initial = {"roles": [r.key for r in staff.roles_held(person, organisation)], "version": person.version}
    form = StaffRolesForm(
        form_data(request), initial=initial, role_choices=_choices(_admin(request), organisation)
    )
    if is_submission(request) and form.is_valid():
        try:
            staff.set_roles(
                user=_admin(request),
                context=audit_context(request),
                organisation=organisation,
                person=person,
                version=form.cleaned_data["version"],
                roles=_chosen(_admin(request), organisation, form.cleaned_data["roles"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{person}'s roles were saved.")
            return redirect("accounts:staff-member", organisation.public_id, person.public_id)
    context = {"organisation": organisation, "person": person, "form": form}
    return _render(request, "accounts/staff/roles.html", context)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def staff_reset_two_factor(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    """Confirm, then reset someone's two-factor authentication. Who may use it: as for the person's page
    (refused, with the reason, for someone who also works for an organisation you do not run)."""
    organisation, person = _person(request, public_id, person_id)

    def reset(version: int) -> HttpResponse:
        staff.reset_two_factor(
            user=_admin(request), context=audit_context(request), person=person, version=version
        )
        messages.success(
            request,
            f"{person}'s two-factor authentication was reset: they set it up again when they next sign in.",
        )
        return redirect("accounts:staff-member", organisation.public_id, person.public_id)

    page = {
        "organisation": organisation,
        "person": person,
        "may_reset": staff.may_reset_two_factor(_admin(request), person),
    }
    return confirm_then(request, person.version, reset, "accounts/staff/reset_two_factor.html", page)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def staff_remove(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    """Confirm, then remove someone from the organisation. Who may use it: as for the person's page."""
    organisation, person = _person(request, public_id, person_id)

    def remove(version: int) -> HttpResponse:
        staff.remove_from_organisation(
            user=_admin(request),
            context=audit_context(request),
            organisation=organisation,
            person=person,
            version=version,
        )
        messages.success(
            request, f"{person} was removed from {organisation.name}. Their sessions have ended."
        )
        return redirect("accounts:organisation", organisation.public_id)

    page = {
        "organisation": organisation,
        "person": person,
        "roles": staff.roles_held(person, organisation),
        "is_you": person.pk == _admin(request).pk,
    }
    return confirm_then(request, person.version, remove, "accounts/staff/remove.html", page)


@shows_no_children
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed invitation: choose a password, then set up two-factor authentication. Who may use it:
    anyone holding an open (unused, unexpired) link; anyone else sees that the link cannot be used."""
    from accounts.views import begin_second_step

    found = staff.find_invitation(token)
    if found is None:
        return _render(request, "accounts/staff/invitation_invalid.html", {}, status=404)
    form = NewPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = staff.accept_invitation(
                invitation=found, password=form.cleaned_data["new_password1"], context=audit_context(request)
            )
        except ValidationError:
            return _render(request, "accounts/staff/invitation_invalid.html", {}, status=404)
        return begin_second_step(request, person, next_url="", method="invitation")
    return _render(request, "accounts/staff/invitation.html", {"invitation": found, "form": form})

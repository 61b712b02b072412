"""Notification preferences: an organisation's (by its administrator) and each person's own. Views stay
thin: access functions in accounts/access.py, the rules in accounts/notifications.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts import access, notifications
from accounts.forms import OrganisationNotificationsForm, PersonalNotificationsForm
from accounts.models import NotificationEvent
from accounts.views_staff import _admin, _render
from audit.context import audit_context
from audit.trail import shows_no_children
from core.concurrency import form_data, is_submission, service_view

LABELS = dict(NotificationEvent.choices)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def organisation_notifications(request: HttpRequest, public_id: str) -> HttpResponse:
    """Which of the organisation's e-mails go to its shared mailbox or to each person, and daily digests
    for the mailbox. Who may use it: the organisation's administrators and system administrators;
    anyone else 404."""
    organisation = access.get_organisation_run_by(request.user, public_id)
    current = notifications.organisation_choices(organisation)
    initial: dict[str, object] = {"email": organisation.email, "version": organisation.version}
    for event, (send_to, digest) in current.items():
        initial[f"send_to_{event}"] = send_to
        initial[f"digest_{event}"] = digest
    events = [(event, str(LABELS[event])) for event in current]
    form = OrganisationNotificationsForm(form_data(request), initial=initial, events=events)
    if is_submission(request) and form.is_valid():
        notifications.set_organisation_notifications(
            user=_admin(request),
            context=audit_context(request),
            organisation=organisation,
            version=form.cleaned_data["version"],
            email=form.cleaned_data["email"],
            choices=form.choices(),
        )
        messages.success(request, f"{organisation.name}'s notification settings were saved.")
        return redirect("accounts:organisation", organisation.public_id)
    context = {"organisation": organisation, "form": form, "events": events}
    return _render(request, "accounts/notifications/organisation.html", context)


@shows_no_children
@login_required
@require_http_methods(["GET", "POST"])
@service_view
def my_notifications(request: HttpRequest) -> HttpResponse:
    """How you get each e-mail about your work: each time, in a daily digest, or not at all. Who may use
    it: any signed-in member of staff, for their own account only."""
    user = access.own_account(_admin(request))
    current = notifications.personal_choices(user)
    initial: dict[str, object] = {f"delivery_{event}": delivery for event, delivery in current.items()}
    initial["version"] = user.version
    events = [(event, str(LABELS[event])) for event in current]
    form = PersonalNotificationsForm(form_data(request), initial=initial, events=events)
    if is_submission(request) and form.is_valid():
        notifications.set_personal_notifications(
            user=user,
            context=audit_context(request),
            version=form.cleaned_data["version"],
            choices=form.choices(),
        )
        messages.success(request, "Your notification settings were saved.")
        return redirect("accounts:my-notifications")
    return _render(request, "accounts/notifications/mine.html", {"form": form, "events": events})

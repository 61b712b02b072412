"""Site-wide pages. Who may see them: anyone."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from audit.trail import shows_no_children
from core import forms as core_forms
from core import health, navigation, registry


@shows_no_children
def home(request: HttpRequest) -> HttpResponse:
    """The front door. Anyone may see it: the sections apps registered (core.registry; the Local
    Offer's search and browse links), and to staff links to the work their roles allow."""
    user = request.user
    roles = user.role_names() if user.is_authenticated and hasattr(user, "role_names") else set()
    staff_links = [
        {"text": item.text, "href": reverse(item.viewname)}
        for item in registry.nav_items()
        if item.roles and item.shown_to(roles, user.is_authenticated)
    ]
    sections = registry.home_sections()
    return render(
        request,
        "core/home.html",
        {
            "staff_links": staff_links,
            "sections": [html for section in sections if (html := section.render(request))],
            "stylesheets": [sheet for section in sections for sheet in section.stylesheets],
        },
    )


@shows_no_children
@login_required
def work(request: HttpRequest) -> HttpResponse:
    """Your work: the signed-in person's work lists with how many things wait in each, who their account
    is for, and the public pages. Where a person whose roles have no work list of their own starts
    after signing in (school staff today). Who may see it: anyone signed in."""
    memberships = [
        {"role": m.get_role_display(), "organisation": m.organisation.name}
        for m in request.user.active_memberships().order_by("organisation__name", "role")  # type: ignore[union-attr]
    ]
    public_links = [
        {"text": item.text, "href": reverse(item.viewname)} for item in registry.nav_items() if not item.roles
    ]
    return render(
        request,
        "core/work.html",
        {
            "work_items": navigation.work_items(request.user),
            "memberships": memberships,
            "public_links": public_links,
        },
    )


@shows_no_children
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@shows_no_children
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@shows_no_children
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


class StyleguideForm(core_forms.Form):
    name = forms.CharField(label="Full name", help_text="As it appears on official letters")
    colour = forms.ChoiceField(
        label="Favourite colour", choices=[("", "Choose"), ("blue", "Blue"), ("green", "Green")]
    )
    contact = forms.ChoiceField(
        label="How should we contact you?",
        widget=forms.RadioSelect,
        choices=[("email", "Email"), ("phone", "Phone"), ("post", "Post")],
    )
    needs = forms.MultipleChoiceField(
        label="Which needs?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("autism", "Autism"), ("adhd", "ADHD"), ("slcn", "Speech, language and communication")],
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


@shows_no_children
def styleguide(request: HttpRequest) -> HttpResponse:
    """The components every page uses, rendered through the same adapter (and checked by tests)."""
    form = StyleguideForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return render(
        request,
        "core/styleguide.html",
        {"form": form, "page_has_errors": form.is_bound and bool(form.errors)},
    )


@shows_no_children
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the database answers, a worker has recorded a
    heartbeat recently and no work has waited too long; 503 otherwise. Ages and statuses only."""
    try:
        report = health.background_health()
    except DatabaseError:
        return JsonResponse({"status": "failing", "database": "unavailable"}, status=503)
    return JsonResponse(report.report(), status=200 if report.ok else 503)

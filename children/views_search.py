"""Find a child or a case (children/search.py). Who may use it: LA caseworkers, provider clinicians
and team managers, DCOs and DCO administrators, each finding only the children they may see; anyone
else signed in gets 404; anyone signed out is sent to sign in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import trail
from audit.models import Action
from audit.services import record_access
from audit.trail import shows_children
from children import search as finder


@shows_children
@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The search page and its results. The children listed are written to the access log as shown
    (audit.trail), and the search itself as a "search" event with what was typed."""
    finder.searchable_children(request.user)  # 404 for people who may find no child
    query = finder.clean_query(request.GET.get("q", ""))
    results = finder.search(request.user, query) if query else []
    if query:
        trail.shown_children(result.child for result in results)
        record_access(
            user=request.user,
            action=Action.SEARCH,
            obj=None,
            request=request,
            detail=f"Searched for a child or case: {query!r} ({len(results)} found)",
        )
    return render(
        request,
        "children/search.html",
        {"query": query, "results": results, "max_results": finder.MAX_RESULTS},
    )

"""Editor pages for the words the public search understands, under /manage/search-words/.

Who may see them: Local Offer (directory) editors; provider editors and other staff get a 403, and
anyone signed out is sent to sign in. The synonym list is the whole directory's (the public search is
one), so every directory editor sees and keeps the same list. Each view parses, asks directory.access,
calls one service function (directory/search_words.py, with the user and `audit_context(request)`)
and renders or redirects.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from audit.context import audit_context
from audit.trail import shows_no_children
from core.concurrency import form_data, is_submission, service_view
from directory import access, search_words
from directory.forms_search_words import SynonymForm, SynonymListForm
from directory.search.misses import normalised_words
from directory.views_editor import _page, _pagination, _user, directory_editor_page

RECENT_CHANGES = 10


def _version(request: HttpRequest, data: Any, current: int) -> int:
    try:
        return int((data or {}).get("version", current))
    except (TypeError, ValueError):
        return current


@shows_no_children
@directory_editor_page
def synonym_list(request: HttpRequest) -> HttpResponse:
    """The synonym groups (searchable) and the latest changes to them. Who: directory editors."""
    form = SynonymListForm(request.GET or None)
    query = form.query()
    synonyms = access.synonyms_for_editor(request.user)
    if query:
        synonyms = synonyms.filter(Q(words__icontains=query) | Q(note__icontains=query))
    page = _page(request, synonyms.order_by("words", "pk"))
    changes = access.synonym_changes_for_editor(request.user).select_related("history_user")
    return render(
        request,
        "directory/editor/search_words/list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "pager": _pagination(request, page),
            "changes": list(changes.order_by("-history_id")[:RECENT_CHANGES]),
            "not_found_count": access.zero_result_searches_for_editor(request.user).count(),
        },
    )


@shows_no_children
@directory_editor_page
def synonym_create(request: HttpRequest) -> HttpResponse:
    """Add a synonym group (`?words=` fills it in, from the searches that found nothing)."""
    access.synonyms_for_editor(request.user)
    initial = {"words": normalised_words(request.GET.get("words", ""))} if request.GET.get("words") else {}
    form = SynonymForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        synonym = search_words.create_synonym(
            user=_user(request),
            context=audit_context(request),
            words=form.cleaned_data["words"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Searches for any of {synonym.words} now find all of them.")
        return redirect("directory:editor-search-words")
    return render(
        request,
        "directory/editor/search_words/edit.html",
        {"form": form, "synonym": None, "page_has_errors": form.is_bound and bool(form.errors)},
    )


@shows_no_children
@directory_editor_page
@service_view
def synonym_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change a synonym group. Who: directory editors."""
    synonym = access.get_synonym_for_editor(request.user, public_id)
    data = form_data(request)
    form = SynonymForm(data, initial={"words": synonym.words, "note": synonym.note})
    version = _version(request, data, synonym.version)
    if is_submission(request) and form.is_valid():
        synonym = search_words.update_synonym(
            user=_user(request),
            context=audit_context(request),
            synonym=synonym,
            words=form.cleaned_data["words"],
            note=form.cleaned_data["note"],
            expected_version=version,
        )
        messages.success(request, f"Saved: searches for any of {synonym.words} find all of them.")
        return redirect("directory:editor-search-words")
    return render(
        request,
        "directory/editor/search_words/edit.html",
        {
            "form": form,
            "synonym": synonym,
            "version": version,
            "page_has_errors": form.is_bound and bool(form.errors),
        },
    )


@shows_no_children
@directory_editor_page
@service_view
def synonym_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Ask, then delete a synonym group. Who: directory editors."""
    synonym = access.get_synonym_for_editor(request.user, public_id)
    data = form_data(request)
    version = _version(request, data, synonym.version)
    if is_submission(request):
        search_words.delete_synonym(
            user=_user(request), context=audit_context(request), synonym=synonym, expected_version=version
        )
        messages.success(request, f"Deleted the synonym group {synonym.words}.")
        return redirect("directory:editor-search-words")
    return render(
        request, "directory/editor/search_words/delete.html", {"synonym": synonym, "version": version}
    )


@shows_no_children
@directory_editor_page
def synonym_history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every change to one synonym group: who, when, what it said. Who: directory editors."""
    synonym = access.get_synonym_for_editor(request.user, public_id)
    records = list(
        access.synonym_changes_for_editor(request.user)
        .filter(id=synonym.pk)
        .select_related("history_user")
        .order_by("-history_id")[:200]
    )
    return render(
        request, "directory/editor/search_words/history.html", {"synonym": synonym, "records": records}
    )


@shows_no_children
@directory_editor_page
def zero_results(request: HttpRequest) -> HttpResponse:
    """Words people searched for that found no service, most tried first. Who: directory editors."""
    searches = access.zero_result_searches_for_editor(request.user).order_by("-count", "-last_tried", "pk")
    page = _page(request, searches)
    return render(
        request,
        "directory/editor/search_words/not_found.html",
        {"page": page, "pager": _pagination(request, page)},
    )

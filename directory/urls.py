from django.urls import path

from directory import api

app_name = "directory"

urlpatterns: list = [
    path("open-data/", api.api_docs, name="api-docs"),  # the ORUK API explained (directory/api.py)
]

# --- Public pages (directory/views_public.py): anyone may see them ---
from directory import views_public as public  # noqa: E402

urlpatterns += [
    path("services/", public.search, name="search"),
    path("services/a-z/", public.a_to_z, name="a-to-z"),
    path("services/a-z/<str:letter>/", public.a_to_z, name="a-to-z-letter"),
    path("services/shortlist/", public.shortlist, name="shortlist"),
    path("services/shortlist/add/", public.shortlist_add, name="shortlist-add"),
    path("services/shortlist/remove/", public.shortlist_remove, name="shortlist-remove"),
    path("services/<uuid:public_id>/", public.service, name="service"),
    path("services/<uuid:public_id>/report-a-problem/", public.report_problem, name="report-problem"),
    path(
        "services/<uuid:public_id>/report-a-problem/sent/",
        public.report_problem_sent,
        name="report-problem-sent",
    ),
]

# --- Editor pages under /manage/ (directory/views_editor.py; who may see each: its docstring) ---
from directory import views_editor as editor  # noqa: E402

urlpatterns += [
    path("manage/", editor.home, name="editor-home"),
    path("manage/services/", editor.service_list, name="editor-services"),
    path("manage/services/new/", editor.service_create, name="editor-service-create"),
    path("manage/services/<uuid:public_id>/", editor.service_edit, name="editor-service"),
    path("manage/services/<uuid:public_id>/history/", editor.service_history, name="editor-service-history"),
    path(
        "manage/services/<uuid:public_id>/reviewed/",
        editor.service_mark_reviewed,
        name="editor-service-reviewed",
    ),
    path("manage/services/<uuid:public_id>/archive/", editor.service_archive, name="editor-service-archive"),
    path("manage/proposals/", editor.proposal_list, name="editor-proposals"),
    path("manage/proposals/<uuid:public_id>/", editor.proposal_detail, name="editor-proposal"),
    path(
        "manage/proposals/<uuid:public_id>/approve/", editor.proposal_approve, name="editor-proposal-approve"
    ),
    path("manage/proposals/<uuid:public_id>/reject/", editor.proposal_reject, name="editor-proposal-reject"),
    path(
        "manage/proposals/<uuid:public_id>/withdraw/",
        editor.proposal_withdraw,
        name="editor-proposal-withdraw",
    ),
    path("manage/due-for-review/", editor.stale_list, name="editor-stale"),
    path("manage/problems/", editor.problem_list, name="editor-problems"),
    path("manage/problems/<uuid:public_id>/", editor.problem_detail, name="editor-problem"),
    path("manage/import/", editor.import_page, name="editor-import"),
    path("manage/export/", editor.export_page, name="editor-export"),
    path("manage/export/<slug:kind>/", editor.export_download, name="editor-export-download"),
]

# --- The words the public search understands (directory/views_search_words.py): directory editors ---
from directory import views_search_words as search_words  # noqa: E402

urlpatterns += [
    path("manage/search-words/", search_words.synonym_list, name="editor-search-words"),
    path("manage/search-words/new/", search_words.synonym_create, name="editor-synonym-create"),
    path("manage/search-words/<uuid:public_id>/", search_words.synonym_edit, name="editor-synonym"),
    path(
        "manage/search-words/<uuid:public_id>/delete/",
        search_words.synonym_delete,
        name="editor-synonym-delete",
    ),
    path(
        "manage/search-words/<uuid:public_id>/history/",
        search_words.synonym_history,
        name="editor-synonym-history",
    ),
    path("manage/searches-not-found/", search_words.zero_results, name="editor-searches-not-found"),
]

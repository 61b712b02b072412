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
    path("services/<uuid:public_id>/", public.service, name="service"),
    path("services/<uuid:public_id>/report-a-problem/", public.report_problem, name="report-problem"),
    path(
        "services/<uuid:public_id>/report-a-problem/sent/",
        public.report_problem_sent,
        name="report-problem-sent",
    ),
]

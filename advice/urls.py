"""Casework pages under /casework/. Who may see each is in its view's docstring (advice/views.py);
everything needs sign-in, and records outside a person's reach answer 404."""

from django.urls import path

from advice import views

app_name = "advice"

urlpatterns = [
    path("dashboard/", views.dco_dashboard, name="dashboard"),
    path("dashboard/<slug:slug>.csv", views.dco_dashboard_csv, name="dashboard-csv"),
    path(
        "dashboard/<slug:slug>/export-with-names/",
        views.dco_dashboard_csv_with_names,
        name="dashboard-csv-with-names",
    ),
    path("triage/", views.triage_queue, name="triage"),
    path("requests/", views.la_requests, name="la-requests"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/new/same-child/", views.request_new_match, name="request-new-match"),
    path("requests/new/details/", views.request_new_details, name="request-new-details"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:public_id>/sent/", views.request_sent, name="request-sent"),
    path("requests/<uuid:public_id>/route/", views.request_route, name="request-route"),
    path("requests/<uuid:public_id>/advice.pdf", views.request_pdf, name="request-pdf"),
    path("requests/<uuid:public_id>/cancel/", views.request_cancel, name="request-cancel"),
    path("requests/<uuid:public_id>/clock-start/", views.request_clock, name="request-clock"),
    path(
        "requests/<uuid:public_id>/clock-start/changed/",
        views.request_clock_changed,
        name="request-clock-changed",
    ),
    path("inbox/", views.team_inbox, name="team-inbox"),
    path("attachments/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("assignments/<uuid:public_id>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<uuid:public_id>/accept/", views.assignment_accept, name="assignment-accept"),
    path("assignments/<uuid:public_id>/not-known/", views.assignment_not_known, name="assignment-not-known"),
    path("assignments/<uuid:public_id>/exception/", views.assignment_exception, name="assignment-exception"),
    path("assignments/<uuid:public_id>/advice/", views.assignment_advice, name="assignment-advice"),
    path(
        "assignments/<uuid:public_id>/advice/draft/",
        views.assignment_advice_draft,
        name="assignment-advice-draft",
    ),
    path(
        "assignments/<uuid:public_id>/quality-check/",
        views.assignment_quality_check,
        name="assignment-quality-check",
    ),
]

"""Section 23 pages under /notifications/. Who may see each is in its view's docstring (section23/views.py)."""

from django.urls import path

from section23 import views

app_name = "section23"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("new/", views.notification_new, name="notification-new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("<uuid:public_id>/", views.notification_detail, name="notification-detail"),
    path("<uuid:public_id>/edit/", views.notification_edit, name="notification-edit"),
    path("<uuid:public_id>/acknowledge/", views.notification_acknowledge, name="notification-acknowledge"),
    path("<uuid:public_id>/decision/", views.notification_decision, name="notification-decision"),
    path("<uuid:public_id>/advice-request/", views.notification_advice_link, name="notification-advice-link"),
    path("files/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("concerns/", views.concern_list, name="concerns"),
    path("concerns/new/", views.concern_new, name="concern-new"),
    path("concerns/<uuid:public_id>/", views.concern_detail, name="concern-detail"),
]

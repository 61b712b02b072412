"""Enquiry pages: the public form and status check under /contact-the-dco-service/ (), staff
pages under /enquiries/. Who may see each is in its view's docstring (enquiries/views.py)."""

from django.urls import path

from enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("contact-the-dco-service/", views.public_new, name="public-new"),
    path("contact-the-dco-service/sent/", views.public_sent, name="public-sent"),
    path("contact-the-dco-service/progress/", views.public_status, name="status"),
    path("enquiries/", views.enquiry_list, name="list"),
    path("enquiries/log/", views.enquiry_log, name="log"),
    path("enquiries/dashboard/", views.dashboard, name="dashboard"),
    path("enquiries/dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("enquiries/<uuid:public_id>/", views.enquiry_detail, name="detail"),
    path("enquiries/<uuid:public_id>/triage/", views.enquiry_triage, name="triage"),
    path("enquiries/<uuid:public_id>/assign/", views.enquiry_assign, name="assign"),
    path("enquiries/<uuid:public_id>/link/", views.enquiry_link, name="link"),
    path("enquiries/<uuid:public_id>/contact/", views.enquiry_contact, name="contact"),
    path("enquiries/<uuid:public_id>/outcome/", views.enquiry_outcome, name="outcome"),
    path("enquiries/<uuid:public_id>/close/", views.enquiry_close, name="close"),
    path("enquiries/<uuid:public_id>/reopen/", views.enquiry_reopen, name="reopen"),
]

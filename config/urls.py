"""Every route in one list. Each app's urls.py says who may see each of its pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("directory.urls")),
    path("casework/", include("advice.urls")),
    path("notifications/", include("section23.urls")),
    path("", include("enquiries.urls")),
    path("children/", include("children.urls")),
    path("audit/", include("audit.urls")),
    path("reports/", include("reporting.urls")),
    path("api/", include("config.api_urls")),
    path("django-admin/", admin.site.urls),
]

# Styled pages that say what to do next (core/errors.py); 405 and CSRF failures: core.middleware and
# CSRF_FAILURE_VIEW.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

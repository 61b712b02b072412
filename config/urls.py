"""Every route in one list. Each app's urls.py says who may see each of its pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("directory.urls")),
    path("casework/", include("advice.urls")),
    path("children/", include("children.urls")),
    path("audit/", include("audit.urls")),
    path("reports/", include("reporting.urls")),
    path("api/", include("config.api_urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

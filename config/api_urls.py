"""Machine-readable APIs: the open ORUK 3.0 directory API and the authenticated casework API."""

from django.urls import include, path

urlpatterns = [
    path("v3/", include("directory.api_urls")),
    path("casework/v1/", include("casework.api_urls")),
]

"""The open ORUK 3.0 API, mounted at /api/v3/ by config/api_urls.py. Every route is public.

Each path answers with and without a trailing slash, as consumers differ.
"""

from django.urls import path, re_path

from directory import api

app_name = "oruk"

ID = r"(?P<id>[^/]+)"

urlpatterns = [
    path("", api.api_details, name="api-details"),
    path("openapi.json", api.openapi_document, name="openapi"),
    re_path(r"^services/?$", api.service_list, name="services"),
    re_path(rf"^services/{ID}/?$", api.service_detail, name="service"),
    re_path(r"^organizations/?$", api.organization_list, name="organizations"),
    re_path(rf"^organizations/{ID}/?$", api.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", api.taxonomy_list, name="taxonomies"),
    re_path(rf"^taxonomies/{ID}/?$", api.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", api.taxonomy_term_list, name="taxonomy-terms"),
    re_path(rf"^taxonomy_terms/{ID}/?$", api.taxonomy_term_detail, name="taxonomy-term"),
    re_path(r"^service_at_locations/?$", api.service_at_location_list, name="service-at-locations"),
    re_path(rf"^service_at_locations/{ID}/?$", api.service_at_location_detail, name="service-at-location"),
    re_path(r"^(?P<rest>.*)$", api.unknown_endpoint, name="unknown"),
]

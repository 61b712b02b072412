"""The product's routes plus a few that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as product_urls
from core.errors import too_many_requests


def _bad_request(request: HttpRequest) -> HttpResponse:
    raise BadRequest("unreadable")


def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("no")


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


def _busy(request: HttpRequest) -> HttpResponse:
    return too_many_requests(request, retry_after=90)


urlpatterns = [
    path("test-errors/400/", _bad_request),
    path("test-errors/403/", _denied),
    path("test-errors/429/", _busy),
    path("test-errors/500/", _broken),
    *product_urls.urlpatterns,
]

handler400 = product_urls.handler400
handler403 = product_urls.handler403
handler404 = product_urls.handler404
handler500 = product_urls.handler500

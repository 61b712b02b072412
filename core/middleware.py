"""Site-wide response headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response a browser or proxy must not keep a copy of.

    Pages that show a child's data are only ever shown to signed-in staff, so the simplest safe rule is
    every response to a signed-in person (NO_STORE_SIGNED_IN), plus every response under NO_STORE_PATHS
    (the APIs, whose callers authenticate with a token rather than a session, and the sign-in pages,
    which show an authenticator key). A view's own, weaker, Cache-Control is replaced, not merged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if must_not_store(request):
            del response["Cache-Control"]
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


def must_not_store(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if settings.NO_STORE_SIGNED_IN and user is not None and user.is_authenticated:
        return True
    return any(request.path.startswith(prefix) for prefix in settings.NO_STORE_PATHS)


class ErrorPageMiddleware:
    """A bare refusal made by a decorator (Django's `require_http_methods` answers 405 with an empty
    body) becomes the styled page that says what to do next, keeping its status and Allow header.
    Responses with a body of their own (an API's JSON, a page) are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from core.errors import method_not_allowed

            return method_not_allowed(request, response.get("Allow", ""))
        return response

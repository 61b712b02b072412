"""The casework API (see casework/api.py), mounted at /api/casework/v1/ by config/api_urls.py. Each
kind of case has added its endpoints to it when its app was ready (advice, section 23).

Every answer under this prefix is JSON: a wrong method (405) or an unknown path (404) is a problem
document too, not an HTML page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import re_path

from casework.api import PROBLEM, api, problem

app_name = "casework-api"


def _problem_for_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(PROBLEM):
            allowed = response.get("Allow", "")
            response = problem(request, 405, "Method not allowed", f"Use {allowed}." if allowed else "")
            if allowed:
                response["Allow"] = allowed
        return response

    return wrapped


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem(request, 404, "Not found", "There is no such endpoint; see openapi.json.")


urlpatterns: list[Any] = []
for pattern in api.urls[0]:
    if pattern.callback is not None:
        pattern.callback = _problem_for_405(pattern.callback)
    urlpatterns.append(pattern)
urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not-found"))

"""A child or young person's record: details, parents and carers, consent to share, and the advice
requests the viewer can see. Fetched only through `children.services.get_child_for_user` (404 outside
reach); every view is written to the access log."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.services import record_access
from children.services import get_child_for_user


@login_required
@require_GET
def child_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The child's record. Who may see it: anyone who can see one of the child's advice requests
    (the LA, the area's DCO service, teams it was sent to) and the caseworkers of the child's LA;
    nobody else (404), system administrators included."""
    child = get_child_for_user(request.user, public_id)
    advice_request = apps.get_model("advice", "AdviceRequest")  # children sits below advice
    requests = (
        advice_request.objects.visible_to(request.user)
        .filter(child=child)
        .select_related("local_authority")
        .order_by("-received_by_health")
    )
    record_access(user=request.user, action="view", obj=child, child=child, request=request)
    return render(
        request,
        "children/child_detail.html",
        {
            "child": child,
            "carers": list(child.parent_carers.all()),
            "consents": list(child.consents.select_related("parent_carer")),
            "advice_requests": list(requests),
        },
    )

"""The section 23 demo data: every state, figures on the dashboard, nothing left to flood the worker."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from casework.models import CaseReminder
from section23 import demo
from section23.models import Concern, Notification

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_state_and_only_due_reminders_wait():
    accounts_demo.load()
    summary = demo.load()
    assert demo.is_loaded()
    statuses = set(Notification.objects.values_list("status", flat=True))
    assert statuses == set(Notification.Status.values), summary
    assert set(Concern.objects.values_list("status", flat=True)) == set(Concern.Status.values)
    assert Notification.objects.filter(parent_view="disagrees").exists()
    assert not CaseReminder.objects.filter(sent_at__isnull=True, due_at__lt=timezone.now()).exists()
    assert Notification.objects.filter(
        team__code="RX9-HV", created_by__email="clinician.hv@example.org"
    ).exists()


def test_some_decisions_to_consider_an_assessment_link_to_that_childs_advice_request():
    """Loaded in load_demo_data's order (children, then advice, then section 23): a few of the advice
    demo's young children were notified first, and the LA linked its decision to their advice request."""
    from advice import demo as advice_demo
    from advice.models import AdviceRequest
    from children import demo as children_demo

    accounts_demo.load()
    children_demo.load(children=80)
    advice_demo.load()
    summary = demo.load()
    linked = list(Notification.objects.exclude(advice_reference="").select_related("child"))
    assert len(linked) == demo.NOTIFIED_BEFORE_ASSESSMENT, summary
    for notification in linked:
        request = AdviceRequest.objects.get(reference=notification.advice_reference)
        assert notification.decision == "consider_assessment" and notification.status == "decided"
        assert request.child_id == notification.child_id  # the same child's record, not a namesake
        assert request.local_authority_id == notification.local_authority_id
        assert notification.decided_on < request.assessment.request_received_on <= request.received_by_health
    assert f"{len(linked)} decided and linked to an advice request" in summary

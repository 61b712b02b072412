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

"""The enquiry demo data: every state, figures on the dashboard, nothing left to flood the worker."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from casework.models import CaseReminder
from enquiries import demo
from enquiries.models import Enquiry
from section23 import demo as section23_demo

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_state_and_only_due_reminders_wait():
    accounts_demo.load()
    section23_demo.load()
    summary = demo.load()
    assert demo.is_loaded(), summary
    assert set(Enquiry.objects.values_list("status", flat=True)) == set(Enquiry.Status.values)
    assert set(Enquiry.objects.values_list("channel", flat=True)) >= {"online", "phone"}
    assert not CaseReminder.objects.filter(
        record_type="enquiries.enquiry", sent_at__isnull=True, due_at__lt=timezone.now()
    ).exists()
    # Each enquiry's history reads in order, with each step on its day (not all on the day received).
    for enquiry in Enquiry.objects.prefetch_related("events", "contacts"):
        days = [
            timezone.localtime(event.at).date() for event in sorted(enquiry.events.all(), key=lambda e: e.pk)
        ]
        assert days == sorted(days), enquiry.reference
        assert days[0] == enquiry.received_on
        for event in enquiry.events.all():
            if event.text.startswith("Acknowledged"):
                assert timezone.localtime(event.at).date() == enquiry.acknowledged_on, enquiry.reference
        for contact in enquiry.contacts.all():
            assert enquiry.received_on <= contact.contacted_on <= timezone.localdate(), enquiry.reference
    assert any(len({event.at for event in enquiry.events.all()}) > 1 for enquiry in Enquiry.objects.all())
